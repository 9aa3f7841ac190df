"""Cell values in either language: parsing what clerks write, and writing it back.

Parsers take the text of one cell and return the value in the shape
`fees.items.clean_item` accepts (codes, decimal strings, tier dicts), or raise
`BadValue` with a message saying what is accepted. Range checks (negative amounts,
more than two decimals, overlapping tiers) are left to clean_item, so each rule
lives in one place.
"""
from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

from fees.vocab import CARGO_CLASSES, CONTAINER_TYPES, DIRECTIONS, UNITS

# Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

UNIT_ZH = {
    "per_container": "元/箱",
    "per_teu": "元/标准箱",
    "per_container_day": "元/箱·天",
    "per_tonne": "元/吨",
    "per_tonne_day": "元/吨·天",
    "per_cbm": "元/立方米",
    "per_cbm_day": "元/立方米·天",
    "per_bill": "元/票",
    "per_piece": "元/个",
    "per_order": "元/单",
    "per_parcel": "元/件",
    "per_kg": "元/公斤",
    "per_vessel_call": "元/艘次",
    "per_day": "元/天",
    "percent_of_value": "货值百分比",
}
DIRECTION_ZH = {"both": "进出口", "import": "进口", "export": "出口"}
CARGO_ZH = {"": "", "general": "普通货物", "dangerous": "危险货物", "empty": "空箱",
            "oversize": "超限货物", "domestic": "内贸", "foreign": "外贸"}


class BadValue(Exception):
    """A cell's value cannot be understood; `message` is a lazy translatable string."""

    def __init__(self, message):
        """Keep the lazy message for the FieldError; str() renders it for logs."""
        super().__init__(str(message))
        self.message = message


def nfkc(text: str) -> str:
    """Full-width digits, letters and punctuation (８５０，：；) as their plain forms."""
    return unicodedata.normalize("NFKC", text).strip()


def neutralise(text: str) -> str:
    """Prefix a quote to text a spreadsheet would run as a formula.

    Text that already looks neutralised (`'=…`) gets a quote too, so that
    unneutralise gives it back unchanged.
    """
    return "'" + text if text.startswith(FORMULA_STARTS) or unneutralise(text) != text else text


def unneutralise(text: str) -> str:
    """Undo `neutralise`: drop one leading quote when a formula character follows the quotes."""
    return text[1:] if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS) else text


# -- controlled vocabularies -------------------------------------------------------

def _unit_key(text: str) -> str:
    """元/箱·天, 元/箱/天, 每箱每天 and 箱·日 all fold to 箱·天; codes fold to themselves."""
    key = re.sub(r"\s+", "", nfkc(text).casefold())
    key = re.sub(r"[・•‧∙⋅]", "·", key)
    key = key.removeprefix("元").removeprefix("/").removeprefix("每")
    return key.replace("/", "·").replace("每", "·").replace("日", "天")


def _plain_key(text: str) -> str:
    """Width, case and spaces do not matter (进 口, EXPORT)."""
    return re.sub(r"\s+", "", nfkc(text).casefold())


def _container_key(text: str) -> str:
    """Upper case without spaces or foot marks: 20'GP and 40’hq are common spellings."""
    return re.sub(r"[\s'’′\"”]+", "", nfkc(text).upper())


def _table(key, base: dict[str, str], labels: dict[str, str], extra: dict[str, str]) -> dict[str, str]:
    """Folded spelling → code, from the codes themselves, their Chinese labels and aliases."""
    table = {key(code): code for code in base}
    table.update({key(label): code for code, label in labels.items() if label})
    table.update({key(alias): code for alias, code in extra.items()})
    return table


_UNITS = _table(_unit_key, UNITS, UNIT_ZH, {
    "元/TEU": "per_teu", "元/箱/天": "per_container_day", "元/千克": "per_kg", "元/kg": "per_kg",
    "元/m3": "per_cbm", "元/方": "per_cbm", "元/m3·天": "per_cbm_day", "元/方·天": "per_cbm_day",
    "%": "percent_of_value",
})
_DIRECTIONS = _table(_plain_key, DIRECTIONS, DIRECTION_ZH, {"": "both", "不限": "both"})
_CONTAINERS = _table(_container_key, CONTAINER_TYPES, {}, {
    "不限": "", "40HC": "40HQ", "45HC": "45HQ", "20DC": "20GP", "40DC": "40GP", "20DV": "20GP", "40DV": "40GP",
})
_CARGO = _table(_plain_key, CARGO_CLASSES, CARGO_ZH, {
    "不限": "", "普货": "general", "危险品": "dangerous", "大件": "oversize",
})
_CURRENCIES = {"RMB": "CNY", "人民币": "CNY", "元": "CNY"}

_ACCEPTED = {
    "unit": ", ".join(f"{zh} ({code})" for code, zh in UNIT_ZH.items()),
    "direction": ", ".join(f"{zh} ({code})" for code, zh in DIRECTION_ZH.items()),
    "container": ", ".join(c for c in CONTAINER_TYPES if c) + ", 不限 / empty",
    "cargo_class": ", ".join(f"{zh} ({code})" for code, zh in CARGO_ZH.items() if code) + ", 不限 / empty",
}


def _lookup(table: dict[str, str], key: str, text: str, field: str) -> str:
    """The code for a folded spelling, or a BadValue listing what the column accepts."""
    if key not in table:
        raise BadValue(_l("%(value)s is not accepted here. Accepted values: %(accepted)s.",
                          value=text.strip(), accepted=_ACCEPTED[field]))
    return table[key]


def parse_unit(text: str) -> str:
    """A unit code from a code or a Chinese label (元/箱, 每箱, 元/箱/天 …)."""
    return _lookup(_UNITS, _unit_key(text), text, "unit")


def parse_direction(text: str) -> str:
    """import / export / both from codes or 进口 / 出口 / 进出口 / 不限 / empty."""
    return _lookup(_DIRECTIONS, _plain_key(text), text, "direction")


def parse_container(text: str) -> str:
    """A container type code (20GP … 20TK, 40HC → 40HQ); empty or 不限 means any."""
    return _lookup(_CONTAINERS, _container_key(text), text, "container")


def parse_cargo_class(text: str) -> str:
    """A cargo class code from a code or a Chinese label; empty or 不限 means any."""
    return _lookup(_CARGO, _plain_key(text), text, "cargo_class")


def parse_currency(text: str) -> str:
    """An ISO 4217 code as written (checked by clean_item); RMB, 人民币 and 元 mean CNY."""
    code = nfkc(text).upper()
    return _CURRENCIES.get(code, code)


# -- money and tiers ---------------------------------------------------------------

_YUAN = re.compile(r"^(?:¥|RMB|CNY)\s*|\s*元$", re.IGNORECASE)
_PLAIN = re.compile(r"^-?\d+(?:\.\d+)?$")
_GROUPED = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def has_yuan_mark(text: str) -> bool:
    """Does a money cell say it is in yuan (¥, ￥, RMB, CNY, 元)?"""
    return bool(re.search(r"¥|RMB|CNY|元", nfkc(text), re.IGNORECASE))


def _digit_lookalike(text: str) -> bool:
    """Superscript, circled or other non-decimal digits (² ① ⑴), which NFKC would silently turn
    into plain digits: a footnote mark in `850²` must not make the amount 8502."""
    return any(ch.isdigit() and not ch.isdecimal() for ch in text)


MAX_INTEGER_DIGITS = 15  # far above any fee; Decimal's 28 digits overflow when 30-digit numbers are rounded


def _check_size(number: str, text: str) -> None:
    """A number too long to be a fee (a 30-digit amount made fees.rules' rounding raise)."""
    if len(number.lstrip("-").split(".")[0].lstrip("0")) > MAX_INTEGER_DIGITS:
        raise BadValue(_l("%(value)s is too large.", value=text.strip()))


def parse_money(text: str) -> str:
    """An amount as a plain decimal string: `1,200.00`, `¥850`, `RMB 850`, `８５０`, `850元`.

    Anything else is refused rather than guessed: `1.200,00` and `1200,5` could be
    European decimals, `1e3` and `850元/箱` are not how a tariff writes an amount.
    The sign and the number of decimals are left for clean_item to judge.
    """
    if _digit_lookalike(text):
        raise BadValue(_l("%(value)s is not an amount; write it like 1200.00 or 1,200.00.", value=text.strip()))
    value = _YUAN.sub("", nfkc(text)).strip()
    if _PLAIN.match(value) or _GROUPED.match(value):
        value = value.replace(",", "")
        _check_size(value, text)
        return value
    if not value:
        return value
    raise BadValue(_l("%(value)s is not an amount; write it like 1200.00 or 1,200.00.", value=text.strip()))


_BAND = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:[-–—~〜−]\s*(\d+(?:\.\d+)?)|(\+))\s*:\s*(\S.*)$")


def _bad_tiers(text: str) -> BadValue:
    """The one message for any unreadable tier list: it shows the expected format."""
    return BadValue(_l("%(value)s is not a tier list; write bands like 1-4:0; 5-10:20; 11+:40.",
                       value=text.strip()))


def parse_tiers(text: str) -> list[dict]:
    """Tier bands from `1-4:0; 5-10:20; 11+:40` (; ； or new lines between bands)."""
    if _digit_lookalike(text):
        raise _bad_tiers(text)
    tiers = []
    for band in re.split(r"[;\n\r]", nfkc(text)):
        if not band.strip():
            continue
        match = _BAND.match(band.strip())
        if match is None:
            raise _bad_tiers(text)
        low, high, _open, amount = match.groups()
        try:
            for bound in (low, high or "0"):
                _check_size(bound, text)
            tiers.append({"from": low, "to": high, "amount": parse_money(amount)})
        except BadValue:
            raise _bad_tiers(text) from None
    return tiers


# -- writing -------------------------------------------------------------------------

def format_tiers(tiers: list[dict]) -> str:
    """Canonical tiers as text in the format parse_tiers reads."""
    return "; ".join(
        f"{t['from']}+:{t['amount']}" if t["to"] is None else f"{t['from']}-{t['to']}:{t['amount']}"
        for t in tiers
    )


def format_value(field: str, value, lang: str) -> str:
    """One canonical field value as cell text: codes in English, Chinese labels in Chinese."""
    if field == "tiers":
        return format_tiers(value)
    if value is None:
        return ""
    if lang == "zh" and field in _LABELS_ZH:
        return _LABELS_ZH[field][value]
    return str(value)


_LABELS_ZH = {"unit": UNIT_ZH, "direction": DIRECTION_ZH, "cargo_class": CARGO_ZH}

PARSERS = {
    "code": nfkc,
    "unit": parse_unit,
    "container": parse_container,
    "direction": parse_direction,
    "cargo_class": parse_cargo_class,
    "amount": parse_money,
    "currency": parse_currency,
    "min_amount": parse_money,
    "tiers": parse_tiers,
}
