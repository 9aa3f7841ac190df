"""How text becomes search terms: Chinese words (jieba), Chinese character bigrams, and
Latin words (lowercased, stemmed); and the schema of the index.

Three views of the same text, because each answers a different need:

- `*_cjk` fields hold overlapping character bigrams of every Chinese run, with
  consecutive positions, so a phrase of bigrams matches any substring of two or more
  characters (`操作` inside 码头操作费, `堆存` inside 库场使用费（堆存费）) whatever a
  dictionary thinks the words are. This is what decides whether a Chinese query matches.
- `zh_words` holds jieba's search-mode words; it ranks whole-word matches higher and
  is the fallback when no text contains the query as written (`集装箱码头费`).
- `*_words` hold Latin words, lowercased and Porter-stemmed (`Reefer`, `reefers` →
  `reefer`), so English names, codes inside text (VGM, PTI) and container types work.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

import jieba
from whoosh.lang.porter import stem
from whoosh.analysis import IDAnalyzer, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter, Token, Tokenizer
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

# jieba announces its dictionary loading at DEBUG level on stderr; that is noise in logs.
jieba.setLogLevel(logging.WARNING)

# CJK unified ideographs (with extension A and compatibility ideographs): the characters
# that Chinese text is segmented into bigrams by. Full-width punctuation is not among them,
# so （ ） 、 split runs just as spaces do.
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN_WORD = r"[A-Za-z0-9]+"

# The first day after every validity interval that has no end (no later version yet).
OPEN_END = 99991231

# Container types as people name them, so that `reefer` or `冷藏箱` also finds the THC of a
# 40RH box. Only indexed, never shown, so these words need no translation.
CONTAINER_WORDS = {
    "GP": "general purpose dry 普通箱 干货箱",
    "HQ": "high cube 高箱",
    "RF": "reefer refrigerated 冷藏箱 冻柜",
    "RH": "reefer high cube refrigerated 冷藏箱 冻柜 高箱",
    "OT": "open top 开顶箱",
    "FR": "flat rack 框架箱",
    "TK": "tank 罐箱",
}


def normalise(text: str | None) -> str:
    """NFKC, so full-width `ＴＨＣ`, `４０ＨＱ` and half-width text index and match alike."""
    return unicodedata.normalize("NFKC", text or "")


def container_words(container: str) -> str:
    """The words people use for a container type (`40RH` → reefer, 冷藏箱 …)."""
    return CONTAINER_WORDS.get(container[2:], "") if container else ""


class BigramTokenizer(Tokenizer):
    """Overlapping character bigrams of each Chinese run, with consecutive positions.

    A run of one character is kept as a unigram so that it is still findable. Runs are
    separated by a position gap, so a phrase never matches across punctuation or words
    of other scripts.
    """

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        """Yield the bigram tokens of `value` (whoosh's tokenizer protocol)."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for run in CJK_RUN.finditer(normalise(value)):
            text = run.group()
            grams = [text] if len(text) == 1 else [text[i:i + 2] for i in range(len(text) - 1)]
            for offset, gram in enumerate(grams):
                token.text = gram
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = gram
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar = start_char + run.start() + offset
                    token.endchar = token.startchar + len(gram)
                pos += 1
                yield token
            pos += 1  # the gap between runs


def bigrams(text: str) -> list[str]:
    """The bigram terms of a piece of Chinese text, in order (as BigramTokenizer makes them)."""
    return [t.text for t in BigramTokenizer()(text)]


def cjk_runs(text: str) -> list[str]:
    """The Chinese runs of a text."""
    return CJK_RUN.findall(normalise(text))


def latin_analyzer():
    """Latin words, lowercased, English stop words dropped, Porter-stemmed."""
    return RegexTokenizer(LATIN_WORD) | LowercaseFilter() | StopFilter() | StemFilter()


# The stop words of jieba's whoosh analyzer (jieba.analyse.analyzer), which this one copies.
JIEBA_STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "have", "if", "in", "is", "it",
    "may", "not", "of", "on", "or", "tbd", "that", "the", "this", "to", "us", "we", "when", "will", "with",
    "yet", "you", "your", "的", "了", "和"))
HAN_RUN = re.compile(r"[\u4E00-\u9FD5]+")


class JiebaTokenizer(Tokenizer):
    """jieba's search-mode words, as jieba.analyse's ChineseTokenizer makes them.

    Ours rather than jieba's because importing jieba.analyse also loads its keyword
    (TF-IDF) table, which the site never uses: about 100 MB in every worker."""

    def __call__(self, text, **kwargs):
        token = Token()
        for word, start, end in jieba_words(text):
            token.original = token.text = word
            token.pos = token.startchar = start
            token.endchar = end
            yield token


@lru_cache(maxsize=8192)
def jieba_words(text: str) -> tuple[tuple[str, int, int], ...]:
    """jieba's search-mode words of a text with their spans, single non-Chinese characters
    dropped. Remembered: every version of a schedule repeats most of its items' text, so a
    rebuild segments each text once rather than once per version."""
    return tuple((word, start, end) for word, start, end in jieba.tokenize(text, mode="search")
                 if HAN_RUN.match(word) or len(word) > 1)


def chinese_analyzer():
    """jieba's search-mode segmentation (it also lowercases and stems the Latin words it meets)."""
    return (JiebaTokenizer() | LowercaseFilter() | StopFilter(stoplist=JIEBA_STOP_WORDS, minsize=1)
            | StemFilter(stemfn=stem, ignore=None, cachesize=50000))


def words(analyzer, text: str) -> list[str]:
    """The terms an analyzer makes of `text` when it is a query."""
    return [t.text for t in analyzer(normalise(text), mode="query")]


# Bump when the fields or what goes into them change: an index of another version is rebuilt.
SCHEMA_VERSION = 2  # 2: our own jieba tokenizer (same words), no jieba.analyse


def make_schema() -> Schema:
    """The fields of the index. Item and entity documents share it; `doctype` tells them apart."""
    return Schema(
        id=ID(stored=True, unique=True),  # "item:<id>", "entity:<slug>", "meta"
        doctype=ID(stored=True),
        schedule_key=ID(stored=True),  # "schedule:<id>": what a reindex of a schedule replaces
        entity=ID(stored=True),
        item_id=NUMERIC(stored=True),
        valid_from=NUMERIC(bits=32, stored=True),  # YYYYMMDD, inclusive
        valid_to=NUMERIC(bits=32, stored=True),  # YYYYMMDD, exclusive; OPEN_END when open
        order=STORED(),  # tie-break of equal scores: entity, schedule, position
        facets=STORED(),  # {"port": …, "kind": …, "business_line": [...], "regime": …}
        code=ID(analyzer=IDAnalyzer(lowercase=True)),
        uscc=ID(analyzer=IDAnalyzer(lowercase=True)),
        name_cjk=TEXT(analyzer=BigramTokenizer(), phrase=True, field_boost=3.0),
        text_cjk=TEXT(analyzer=BigramTokenizer(), phrase=True),
        zh_words=TEXT(analyzer=chinese_analyzer(), phrase=False),
        name_words=TEXT(analyzer=latin_analyzer(), phrase=False, field_boost=3.0),
        text_words=TEXT(analyzer=latin_analyzer(), phrase=False),
        meta=STORED(),  # on the "meta" document only: what the index has caught up to
    )


SCHEMA = make_schema()
