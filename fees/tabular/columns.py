"""The columns of the publishers' spreadsheet and how a file's header row maps to them."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from fees.errors import DomainError, FieldError


@dataclass(frozen=True)
class Column:
    """One column: the item field it fills and its header in English and Chinese."""

    field: str
    en: str
    zh: str


COLUMNS = (
    Column("code", "code", "收费代码"),
    Column("name_zh", "name", "收费项目"),
    Column("name_en", "name_en", "英文名称"),
    Column("service", "service", "服务内容"),
    Column("unit", "unit", "计费单位"),
    Column("container", "container", "箱型"),
    Column("direction", "direction", "进出口"),
    Column("cargo_class", "cargo_class", "货类"),
    Column("amount", "amount", "收费标准"),
    Column("currency", "currency", "币种"),
    Column("min_amount", "min_amount", "最低收费"),
    Column("tiers", "tiers", "阶梯"),
    Column("legal_basis", "legal_basis", "收费依据"),
    Column("notes", "notes", "备注"),
)
FIELDS = tuple(c.field for c in COLUMNS)
REQUIRED = ("code", "name_zh", "unit", "amount")
BY_FIELD = {c.field: c for c in COLUMNS}


def header_key(text: str) -> str:
    """Fold a header the tolerant way: width, case, BOM and separators do not matter."""
    folded = unicodedata.normalize("NFKC", text).replace("\ufeff", "").casefold()
    return re.sub(r"[\s_\-]+", "", folded)


# The model's own field name is accepted too, since API users know "name_zh".
_LOOKUP = {header_key(name): c.field for c in COLUMNS for name in (c.en, c.zh)}
_LOOKUP[header_key("name_zh")] = "name_zh"


def is_known_header(text: str) -> bool:
    """Is this the header of one of our columns (in any accepted spelling)?"""
    return header_key(text) in _LOOKUP


def headers(lang: str) -> list[str]:
    """The header row written in one language ("zh" or "en")."""
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}: use 'zh' or 'en'")
    return [getattr(c, lang) for c in COLUMNS]


def _known_columns() -> str:
    """Every header, English then Chinese, for the unknown-column message."""
    return ", ".join(c.en for c in COLUMNS) + " / " + "、".join(c.zh for c in COLUMNS)


@dataclass
class Layout:
    """Where each field's column is in one file, and what its header says there."""

    fields: dict[int, str] = field(default_factory=dict)  # column index → item field
    headers: dict[str, str] = field(default_factory=dict)  # item field → header as written
    lang: str = "en"

    def header_of(self, name: str) -> str:
        """The header to name a field by in errors (the file's own, else the file's language)."""
        return self.headers.get(name) or getattr(BY_FIELD[name], self.lang)


def read_header(cells: list[str]) -> Layout:
    """Map a header row to fields; raise with every unknown, repeated or missing column."""
    layout, errors = Layout(), []
    chinese = 0
    for index, raw in enumerate(cells):
        text = raw.replace("\ufeff", "").strip()
        if not text:
            continue  # a column without a header is fine while it stays empty (checked per row)
        name = _LOOKUP.get(header_key(text))
        if name is None:
            errors.append(FieldError(text, _l("Unknown column %(column)s. Known columns: %(known)s.",
                                              column=text, known=_known_columns()), 1))
        elif name in layout.headers:
            errors.append(FieldError(text, _l("Column %(column)s repeats column %(first)s.",
                                              column=text, first=layout.headers[name]), 1))
        else:
            layout.fields[index], layout.headers[name] = name, text
            chinese += header_key(text) == header_key(BY_FIELD[name].zh)
    layout.lang = "zh" if chinese * 2 > len(layout.headers) else "en"
    for name in REQUIRED:
        if name not in layout.headers:
            column = BY_FIELD[name]
            errors.append(FieldError(getattr(column, layout.lang), _l(
                "The required column %(column)s is missing.", column=f"{column.zh} / {column.en}"), 1))
    if errors:
        raise DomainError(_l("The header row is not valid; nothing was imported."),
                          errors=errors, code="import_invalid")
    return layout


def column_letter(index: int) -> str:
    """A 0-based column index as the letter spreadsheets show (0 → A, 26 → AA)."""
    from openpyxl.utils import get_column_letter  # with the workbook code, not with the app

    return get_column_letter(index + 1)
