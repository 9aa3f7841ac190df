"""What a query means: the words people type turned into a whoosh query.

Words separated by spaces must all match. Within a word:
- a run of Chinese characters must appear as written (a substring) in a name or the
  text — matched as a phrase of character bigrams; jieba's words only add to the score,
  so whole-word matches rank first. `loose=True` instead asks for each of jieba's words
  somewhere (the fallback when nothing contains the query as written);
- Latin letters and digits must each appear as a word, case-insensitively and stemmed;
- a word that is exactly a fee code (`thc` → THC) or a credit code matches that too.
"""
from __future__ import annotations

from datetime import date

import jieba
from whoosh.query import And, AndMaybe, NumericRange, Or, Phrase, Prefix, Query, Term, Wildcard

from fees.search.analysis import (
    CJK_RUN,
    OPEN_END,
    bigrams,
    chinese_analyzer,
    cjk_runs,
    latin_analyzer,
    normalise,
    words,
)
from fees.search.documents import day_number

_LATIN = latin_analyzer()
_CHINESE = chinese_analyzer()


def _one(parts: list[Query], combine=And) -> Query:
    """A single query stays itself; several are combined."""
    return parts[0] if len(parts) == 1 else combine(parts)


def _substring(field: str, run: str) -> Query:
    """Documents whose `field` contains the Chinese run as written."""
    if len(run) == 1:
        # A lone character is the first of some bigram, the last of one, or a run by itself.
        return Or([Prefix(field, run), Wildcard(field, "?" + run)])
    grams = bigrams(run)
    return Term(field, grams[0]) if len(grams) == 1 else Phrase(field, grams)


def _loose_words(run: str) -> list[Query]:
    """jieba's reading of a run: each word (single characters such as 费 dropped when there
    are longer ones) must appear, whole or as one of its own search-mode parts (码头费 →
    码头), so `集装箱码头费` still finds the terminal handling charge of 集装箱 码头."""
    found = [w for w in jieba.lcut(run) if cjk_runs(w)]
    found = [w for w in found if len(w) > 1] or found
    queries = []
    for word in found:
        parts = [word] + [p for p in jieba.lcut_for_search(word) if len(p) > 1 and p != word]
        queries.append(_one([Or([_substring("name_cjk", p), _substring("text_cjk", p)]) for p in parts], Or))
    return queries


def _chinese(run: str, loose: bool) -> Query | None:
    """One run of Chinese characters."""
    if loose:
        parts = _loose_words(run)
        return _one(parts) if parts else None
    exact = Or([_substring("name_cjk", run), _substring("text_cjk", run)])
    found = words(_CHINESE, run)
    if not found:
        return exact
    return AndMaybe(exact, Or([Term("zh_words", w) for w in found]))


def _latin(text: str) -> list[Query]:
    """Each Latin word of the text, in names or text."""
    return [Or([Term("name_words", w), Term("text_words", w)]) for w in words(_LATIN, text)]


def _word(chunk: str, loose: bool) -> Query | None:
    """One space-separated word of the query (it may mix scripts, e.g. `VGM申报费`)."""
    required = [q for q in (_chinese(run, loose) for run in cjk_runs(chunk)) if q is not None]
    required += _latin(CJK_RUN.sub(" ", chunk))
    if not required:
        return None
    exact_codes = [Term("code", chunk.lower()), Term("uscc", chunk.lower())]
    return Or([*exact_codes, _one(required)])


def parse(text: str, *, loose: bool = False) -> Query | None:
    """The query for what someone typed, or None when it holds no searchable word."""
    parts = [q for q in (_word(chunk, loose) for chunk in normalise(text).split()) if q is not None]
    return _one(parts) if parts else None


def has_chinese(text: str) -> bool:
    """Does the text hold Chinese (and so a loose reading that may find more)?"""
    return bool(cjk_runs(text))


def not_superseded_on(on: date) -> Query:
    """Item documents whose version is not yet superseded on `on` (valid_to > on).

    The index side of "in effect on `on`": its other half, valid_from ≤ on, is checked
    on each hit (`in_effect`) rather than in the query. On today or any later day that
    half holds for nearly every document in the index (the whole history), so as a
    query it made whoosh walk a million postings for every search; this half holds only
    for the versions still in effect or yet to come (and shrinks further into the past).
    """
    day = day_number(on)
    # The open end as a term of its own: whoosh walks one posting list, skipping ahead,
    # where a range query would first collect every matching id (130,000 at 1m).
    open_ended = Term("valid_to", OPEN_END)
    if day >= OPEN_END:
        return And([Term("doctype", "item"), open_ended])
    ends_later = NumericRange("valid_to", day, OPEN_END, startexcl=True, endexcl=True)
    return And([Term("doctype", "item"), Or([open_ended, ends_later])])


def in_effect(valid_from: int, valid_to: int, on: date) -> bool:
    """Is a document with these stored days in effect on `on` (valid_from ≤ on < valid_to)?"""
    return valid_from <= day_number(on) < valid_to


def entities() -> Query:
    """Entity documents (they have no dates)."""
    return Term("doctype", "entity")

