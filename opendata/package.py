"""The Frictionless Data Package (v2) descriptor and the data dictionary, both built from
opendata.schema, so that the package, the /opendata/ pages and docs/DATA_DICTIONARY.md
cannot say different things about a field.

Pure functions over plain values: no app, no request, no database. What varies between
deployments (licence, publisher, the site's address) comes in as a `PackageMeta`; what
varies between builds (version, created, bytes and hashes) comes in as arguments.

Choices worth knowing (also in docs/OPEN_DATA.md):

- `version` is "1.<schema>.<log_seq>": the major number changes only when a field is
  renamed or removed, the last one is the publication log's sequence number at build time,
  so the version grows with every publication or withdrawal.
- Descriptions are bilingual, Chinese first: "中文 / English".
- Booleans are written `true`/`false`, and the descriptor says so (`trueValues`,
  `falseValues`) rather than relying on a reader's defaults, which also accept 1/0.
- An empty cell is a missing value; the empty "any container" / "any cargo" codes of the
  vocabularies are therefore not listed in `enum` (an empty cell is never checked against
  it), the field description says what empty means.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from opendata.schema import RESOURCES, Field, Resource

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PACKAGE_NAME = "open-port-fees"
# Bump when a field is renamed, removed or changes type (adding fields keeps it).
SCHEMA_MAJOR = 1
SCHEMA_MINOR = 0
TRUE_VALUES = ["true"]
FALSE_VALUES = ["false"]

# SPDX id → (title, canonical URL) for the licences open data are usually published under;
# any other SPDX id works too when OPENDATA_LICENSE_URL gives its address.
LICENSES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International",
                  "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-SA-4.0": ("Creative Commons Attribution Share-Alike 4.0 International",
                     "https://creativecommons.org/licenses/by-sa/4.0/"),
    "CC0-1.0": ("Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODC-By-1.0": ("Open Data Commons Attribution License v1.0", "https://opendatacommons.org/licenses/by/1-0/"),
    "ODbL-1.0": ("Open Data Commons Open Database License v1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
    "PDDL-1.0": ("Open Data Commons Public Domain Dedication & License 1.0",
                 "https://opendatacommons.org/licenses/pddl/1-0/"),
}

TITLE_ZH = "口岸收费公示数据"
TITLE_EN = "Open Port Fees: published port fee schedules"
DESCRIPTION_ZH = ("口岸各收费主体（码头、堆场、船公司及代理、货代、报关行、理货、拖轮、引航、拖车、查验场站、"
                  "跨境电商物流、保税仓等）公示的收费目录、每个发布版本、每个收费项目及其金额、版本间的变化，"
                  "以及可验证历史未被改写的哈希链公示日志。金额为精确小数；时间为 UTC。")
DESCRIPTION_EN = ("The fee schedules that the charging entities of a port (terminals, yards, shipping lines and "
                  "agents, forwarders, customs brokers, tally, towage, pilotage, trucking, inspection sites, "
                  "cross-border e-commerce logistics, bonded warehouses) publish: every published version, every "
                  "fee item with its amount, what changed between versions, and the hash-chained publication log "
                  "that proves history was not rewritten. Amounts are exact decimals; times are UTC.")
SOURCE_TITLE = ("收费主体在本站公示的收费目录 / Fee schedules published on this site by the charging "
                "entities themselves")
KEYWORDS = ["port fees", "口岸收费", "fee schedules", "收费公示", "price transparency", "价格公示",
            "terminal handling charge", "码头操作费", "shipping", "logistics", "open data", "开放数据"]


@dataclass(frozen=True)
class PackageMeta:
    """What a deployment says about its data: the licence, who publishes, where."""

    base_url: str  # the site's root, e.g. "https://fees.example.org" (no trailing slash)
    license: str = "CC-BY-4.0"  # SPDX id
    license_url: str = ""  # empty: the known URL of `license`
    publisher_name: str = "Open Port Fees"
    publisher_url: str = ""  # empty: the site's root
    contact_email: str = ""

    @classmethod
    def from_config(cls, config, base_url: str) -> PackageMeta:
        """The settings OPENDATA_LICENSE, OPENDATA_LICENSE_URL, OPENDATA_PUBLISHER_NAME,
        OPENDATA_PUBLISHER_URL and OPENDATA_CONTACT_EMAIL (all optional)."""
        return cls(
            base_url=base_url.rstrip("/"),
            license=config.get("OPENDATA_LICENSE") or "CC-BY-4.0",
            license_url=config.get("OPENDATA_LICENSE_URL") or "",
            publisher_name=config.get("OPENDATA_PUBLISHER_NAME") or "Open Port Fees",
            publisher_url=config.get("OPENDATA_PUBLISHER_URL") or "",
            contact_email=config.get("OPENDATA_CONTACT_EMAIL") or "",
        )

    @property
    def license_title(self) -> str:
        """The licence's name (its SPDX id when it is not one we know)."""
        return LICENSES.get(self.license, (self.license, ""))[0]

    @property
    def license_path(self) -> str:
        """The licence's address: the configured one, else the known one, else SPDX's page."""
        known = LICENSES.get(self.license, ("", ""))[1]
        return self.license_url or known or f"https://spdx.org/licenses/{self.license}.html"

    @property
    def publisher_path(self) -> str:
        """The publisher's address (the site itself unless configured)."""
        return self.publisher_url or self.base_url + "/"


def bilingual(zh: str, en: str) -> str:
    """One description in both languages, Chinese first."""
    return f"{zh} / {en}"


def package_version(log_seq: int) -> str:
    """The data package version at this log position (see the module docstring)."""
    return f"{SCHEMA_MAJOR}.{SCHEMA_MINOR}.{log_seq}"


def utc_iso(moment: datetime) -> str:
    """A UTC timestamp as `YYYY-MM-DDTHH:MM:SSZ`, as everywhere in the open data."""
    return moment.astimezone(timezone.utc).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def enum_values(f: Field) -> list[str] | None:
    """The allowed values as the descriptor states them (the empty "any" code left out)."""
    if f.enum is None:
        return None
    return [v for v in f.enum if v != ""]


def example_fits(f: Field) -> bool:
    """Whether the schema's example is a full valid value (some are shortened, e.g. "9f2c…")."""
    if not f.example:
        return False
    if f.pattern and not re.search(f.pattern, f.example):
        return False
    values = enum_values(f)
    return values is None or f.example in values


def field_descriptor(f: Field) -> dict:
    """One Table Schema field: name, type, format, bilingual description, constraints."""
    out: dict = {"name": f.name, "type": f.type, "description": bilingual(f.zh, f.en)}
    if f.type in ("date", "datetime"):
        out["format"] = "default"  # YYYY-MM-DD and YYYY-MM-DDThh:mm:ssZ (UTC)
    if f.type == "boolean":
        out["trueValues"] = TRUE_VALUES
        out["falseValues"] = FALSE_VALUES
    if f.type == "number":
        out["bareNumber"] = True  # "935.00", never "¥935" or "5%"
    constraints: dict = {}
    if f.required:
        constraints["required"] = True
    if f.unique:
        constraints["unique"] = True
    values = enum_values(f)
    if values is not None:
        constraints["enum"] = values
    if f.pattern:
        constraints["pattern"] = f.pattern
    if constraints:
        out["constraints"] = constraints
    if example_fits(f):
        out["example"] = f.example
    return out


def table_schema(resource: Resource) -> dict:
    """The Table Schema of a data set: fields in CSV column order, primary and foreign keys."""
    schema: dict = {
        "fields": [field_descriptor(f) for f in resource.fields],
        "missingValues": [""],
        "primaryKey": list(resource.primary_key),
    }
    if resource.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(fk.fields), "reference": {"resource": fk.resource, "fields": list(fk.reference)}}
            for fk in resource.foreign_keys
        ]
    return schema


def resource_descriptor(resource: Resource, *, path: str, size: int | None = None,
                        sha256: str | None = None) -> dict:
    """One data resource: its CSV file (`path`, `bytes`, `hash`) and Table Schema."""
    out: dict = {
        "name": resource.name,
        "type": "table",
        "path": path,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": bilingual(resource.title_zh, resource.title_en),
        "description": bilingual(resource.zh, resource.en),
    }
    if size is not None:
        out["bytes"] = size
    if sha256 is not None:
        out["hash"] = f"sha256:{sha256}"  # v2: "<algorithm>:<hex>" (a bare hex would mean MD5)
    out["schema"] = table_schema(resource)
    return out


def csv_name(resource: Resource) -> str:
    """The CSV file of a data set, in the zip and under /opendata/."""
    return f"{resource.name}.csv"


def package_descriptor(meta: PackageMeta, *, log_seq: int, created: datetime, files: dict[str, dict],
                       locate=csv_name, resources: tuple[Resource, ...] = RESOURCES) -> dict:
    """The whole datapackage.json.

    `files` maps a data set's name to {"bytes": n, "sha256": hex} of its CSV; `locate`
    gives each CSV's `path` (a relative file name in the zip; an absolute URL for the
    stand-alone descriptor).
    """
    site = meta.base_url
    descriptor: dict = {"$schema": PROFILE, "name": PACKAGE_NAME}
    if site:  # a build made without knowing the site's address leaves its URLs out
        descriptor["id"] = f"{site}/opendata/datapackage.json"
    descriptor.update({
        "title": bilingual(TITLE_ZH, TITLE_EN),
        "description": bilingual(DESCRIPTION_ZH, DESCRIPTION_EN),
        "version": package_version(log_seq),
        "created": utc_iso(created),
    })
    if site:
        descriptor["homepage"] = f"{site}/opendata/"
    source = {"title": SOURCE_TITLE}
    if site:
        source["path"] = f"{site}/entities"
    descriptor.update({
        "keywords": KEYWORDS,
        "licenses": [{"name": meta.license, "path": meta.license_path, "title": meta.license_title}],
        "sources": [source],
        "contributors": [_publisher(meta)],
        "resources": [
            resource_descriptor(r, path=locate(r), size=files[r.name]["bytes"], sha256=files[r.name]["sha256"])
            for r in resources
        ],
    })
    return descriptor


def _publisher(meta: PackageMeta) -> dict:
    """The publisher as a v2 contributor."""
    out = {"title": meta.publisher_name, "roles": ["publisher"]}
    if meta.publisher_url or meta.base_url:
        out["path"] = meta.publisher_path
    if meta.contact_email:
        out["email"] = meta.contact_email
    return out


# -- the data dictionary (docs/DATA_DICTIONARY.md) ----------------------------------------

def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _allowed(f: Field) -> str:
    """Allowed values or pattern, for the dictionary."""
    parts = []
    values = enum_values(f)
    if values is not None:
        parts.append(", ".join(f"`{v}`" for v in values) + ("; empty / 空" if "" in (f.enum or ()) else ""))
    if f.pattern:
        parts.append(f"`{f.pattern}`")
    return "; ".join(parts)


def _flags(f: Field, resource: Resource) -> str:
    """Required / unique / key marks."""
    marks = []
    if f.name in resource.primary_key:
        marks.append("PK")
    if f.required:
        marks.append("required 必填")
    if f.unique:
        marks.append("unique 唯一")
    if f.money:
        marks.append("money 金额")
    return ", ".join(marks)


def data_dictionary(resources: tuple[Resource, ...] = RESOURCES) -> str:
    """docs/DATA_DICTIONARY.md: every field of every data set, in Chinese and English.

    Deterministic (no dates, no host names), so a test can compare it with the committed file.
    """
    lines = [
        "# 数据字典 / Data dictionary",
        "",
        "<!-- Generated by `flask opendata docs` from opendata/schema.py. Do not edit by hand. -->",
        "",
        "本文件由 `flask opendata docs` 根据 opendata/schema.py 生成，与数据包（datapackage.json）的描述同源。",
        "This file is generated by `flask opendata docs` from opendata/schema.py, the same description "
        "the data package (datapackage.json) is built from.",
        "",
        "CSV: UTF-8 (no BOM), RFC 4180, comma, CRLF; an empty cell is a missing value. "
        "Money: exact decimals with two places, beside a `currency` column. Times: UTC, "
        "`YYYY-MM-DDTHH:MM:SSZ`; dates `YYYY-MM-DD`. Booleans `true` / `false`. "
        "Text cells starting with `=`, `+`, `-`, `@`, tab or carriage return carry one extra leading `'` "
        "(see docs/OPEN_DATA.md).",
        "",
        "CSV：UTF-8（无 BOM），RFC 4180，逗号分隔，CRLF 换行；空单元格表示无值。金额为两位精确小数，"
        "旁有 `currency` 币种列。时间为 UTC（`YYYY-MM-DDTHH:MM:SSZ`），日期为 `YYYY-MM-DD`。布尔值为 "
        "`true` / `false`。以 `=`、`+`、`-`、`@`、制表符或回车开头的文本前加了一个 `'`（见 docs/OPEN_DATA.md）。",
        "",
        "## 数据集 / Data sets",
        "",
    ]
    for r in resources:
        lines.append(f"- [`{r.name}`](#{r.name}) — {r.title_zh} / {r.title_en}")
    for r in resources:
        lines += ["", f"## {r.name}", "", f"**{r.title_zh} / {r.title_en}** — file `{csv_name(r)}`"
                  + (f", API `/api/v1/{r.collection}`" if r.collection else ""), "",
                  r.zh, "", r.en, "",
                  f"- 更新 / Updates: {r.update_zh} {r.update_en}",
                  f"- 主键 / Primary key: {', '.join(f'`{k}`' for k in r.primary_key)}"]
        for fk in r.foreign_keys:
            lines.append(f"- 外键 / Foreign key: {', '.join(f'`{k}`' for k in fk.fields)} → "
                         f"`{fk.resource}` ({', '.join(f'`{k}`' for k in fk.reference)})")
        lines += ["", "| field 字段 | type 类型 | constraints 约束 | allowed 取值 | example 示例 | 说明 | description |",
                  "|---|---|---|---|---|---|---|"]
        for f in r.fields:
            example = f"`{f.example}`" if f.example else ""
            lines.append(f"| `{f.name}` | {f.type} | {_flags(f, r)} | {_cell(_allowed(f))} | {_cell(example)} "
                         f"| {_cell(f.zh)} | {_cell(f.en)} |")
    return "\n".join(lines) + "\n"
