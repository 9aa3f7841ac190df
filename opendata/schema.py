"""The one description of the open data: every data set, every field, in Chinese and English.

Everything that says what the open data hold is built from this module, so none of them
can drift from another:

- the bulk data package (`/opendata/datapackage.json`, the CSV files in `dataset.zip`):
  Frictionless Table Schemas with types, constraints, primary and foreign keys;
- the API collections under /api/v1 (their CSV columns are these fields, in this order;
  their JSON objects have these keys) and their OpenAPI schemas;
- the field documentation on the /opendata/ pages.

A data set (`Resource`) is one table. Its `fields` are the CSV columns. Types are Table
Schema types; `money` fields are exact decimals: a decimal string with two places in
JSON and CSV (e.g. "935.00"), never a binary float, always beside a `currency` field.
Timestamps are UTC, `YYYY-MM-DDTHH:MM:SSZ`; dates `YYYY-MM-DD`.

Vocabularies (`enum`) come from fees.vocab, so a new code there is a new allowed value here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from fees.vocab import (
    BUSINESS_LINES,
    CARGO_CLASSES,
    CONTAINER_TYPES,
    DIRECTIONS,
    ENTITY_KINDS,
    LOG_ACTIONS,
    PRICING_REGIMES,
    CODE_PATTERN,
    LOCODE_PATTERN,
    SLUG_PATTERN,
    UNITS,
)

SHA256_PATTERN = "^[0-9a-f]{64}$"
CURRENCY_PATTERN = "^[A-Z]{3}$"


@dataclass(frozen=True)
class Field:
    """One column of a data set.

    `zh` and `en` are its description, shown to people; `example` is a typical value as
    the CSV writes it. `enum` lists every allowed value (the empty string, where allowed,
    means "any" and is written as an empty cell).
    """

    name: str
    type: str  # Table Schema: string, integer, number, boolean, date, datetime
    zh: str
    en: str
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    money: bool = False
    example: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    """Columns of this data set that name a row of another (by that one's columns)."""

    fields: tuple[str, ...]
    resource: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    """One data set: a table, a CSV file in the bulk download and an API collection."""

    name: str  # file name (without .csv) in dataset.zip, Frictionless resource name
    collection: str | None  # /api/v1/<collection> and /api/v1/<collection>.csv
    title_zh: str
    title_en: str
    zh: str
    en: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    update_zh: str = "每次发布或撤回收费版本时更新。"
    update_en: str = "Updated whenever a fee version is published or withdrawn."
    extra: dict = field(default_factory=dict)

    @cached_property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def _codes(vocab: dict) -> tuple[str, ...]:
    return tuple(vocab)


# -- fields shared by several data sets ------------------------------------------------

ENTITY = Field("entity", "string", "收费主体的标识（slug），见 entities 数据集。",
               "The charging entity's identifier (slug); see the entities data set.",
               required=True, pattern=SLUG_PATTERN, example="haicang-demo")
SCHEDULE = Field("schedule", "string", "收费目录的标识（slug），在该收费主体内唯一。",
                 "The fee schedule's identifier (slug), unique within its entity.",
                 required=True, pattern=SLUG_PATTERN, example="container")
VERSION = Field("version", "integer", "版本号：该收费目录的第几个发布版本，从 1 起。",
                "Version number: the schedule's n-th published version, from 1.",
                required=True, example="2")
VERSION_ID = Field("version_id", "integer", "版本的数字编号，见 versions 数据集的 id。",
                   "The version's numeric id; see `id` in the versions data set.",
                   required=True, example="17")
EFFECTIVE_FROM = Field("effective_from", "date", "生效日期（口岸当地日期，YYYY-MM-DD）。",
                       "The date the version takes effect (local date at the port, YYYY-MM-DD).",
                       required=True, example="2025-07-01")
CURRENCY = Field("currency", "string", "币种（ISO 4217 代码），金额以此币种计。",
                 "Currency of the amounts (ISO 4217 code).",
                 required=True, pattern=CURRENCY_PATTERN, example="CNY")
NAME_ZH = "中文名称。"
NAME_EN = "English name (may be empty)."
BUSINESS_LINE = Field("business_line", "string", "业务类别：port 港口业务，ecommerce 跨境电商。",
                      "Business line: port (port services) or ecommerce (cross-border e-commerce).",
                      required=True, enum=_codes(BUSINESS_LINES), example="port")
UNIT = Field("unit", "string", "计费单位代码，如 per_container（每箱）、per_bill（每票）、per_kg（每公斤）。",
             "Charging unit code, e.g. per_container, per_bill, per_kg.",
             required=True, enum=_codes(UNITS), example="per_container")
CODE = Field("code", "string", "收费项目代码：标准目录代码（见 catalog 数据集）或收费主体自定义代码。",
             "Fee code: a standard catalogue code (see the catalog data set) or the entity's own.",
             required=True, pattern=CODE_PATTERN, example="THC")
CONTAINER = Field("container", "string", "箱型，如 20GP、40HQ；空表示不分箱型。",
                  "Container type such as 20GP or 40HQ; empty means any container.",
                  enum=_codes(CONTAINER_TYPES), example="40HQ")
DIRECTION = Field("direction", "string", "进出口方向：import 进口，export 出口，both 不分。",
                  "Direction: import, export, or both.",
                  required=True, enum=_codes(DIRECTIONS), example="export")
CARGO_CLASS = Field("cargo_class", "string", "货类，如 dangerous（危险品）、empty（空箱）；空表示不分货类。",
                    "Cargo class such as dangerous or empty; empty means any cargo.",
                    enum=_codes(CARGO_CLASSES), example="dangerous")


# -- the data sets ---------------------------------------------------------------------

PORTS = Resource(
    name="ports", collection="ports",
    title_zh="口岸", title_en="Ports",
    zh="收费主体所在的口岸（港口）。", en="The ports where charging entities operate.",
    fields=(
        Field("locode", "string", "联合国贸易和运输地点代码（UN/LOCODE），如 CNXMN 厦门。",
              "UN/LOCODE of the port, e.g. CNXMN for Xiamen.", required=True, unique=True,
              pattern=LOCODE_PATTERN, example="CNXMN"),
        Field("name_zh", "string", NAME_ZH, "Name in Chinese.", required=True, example="厦门"),
        Field("name_en", "string", "英文名称。", "Name in English.", example="Xiamen"),
    ),
    primary_key=("locode",),
    update_zh="新增口岸时更新。", update_en="Updated when a port is added.",
)

ENTITIES = Resource(
    name="entities", collection="entities",
    title_zh="收费主体", title_en="Charging entities",
    zh="在本站公示收费的企业：码头、堆场、船公司及代理、货代、报关行、拖轮、引航、拖车、查验场站、跨境电商物流、保税仓等。",
    en="The companies that publish their fees here: terminals, yards, shipping lines and agents, "
       "forwarders, customs brokers, towage, pilotage, trucking, inspection sites, cross-border "
       "e-commerce logistics and bonded warehouses.",
    fields=(
        Field("slug", "string", "收费主体的标识，在本站网址中使用，永不改变。",
              "The entity's identifier, used in this site's addresses; never changes.",
              required=True, unique=True, pattern=SLUG_PATTERN, example="haicang-demo"),
        Field("name_zh", "string", "中文名称（营业执照登记名称）。", "Registered name in Chinese.",
              required=True, example="海沧示例码头有限公司"),
        Field("name_en", "string", "英文名称。", NAME_EN, example="Haicang Demo Terminal"),
        Field("kind", "string", "主体类型代码，如 container_terminal（集装箱码头）、customs_broker（报关行）。",
              "Kind of entity, e.g. container_terminal or customs_broker.",
              required=True, enum=_codes(ENTITY_KINDS), example="container_terminal"),
        Field("port", "string", "所在口岸的 UN/LOCODE，见 ports 数据集。",
              "UN/LOCODE of its port; see the ports data set.", required=True, example="CNXMN"),
        Field("uscc", "string", "统一社会信用代码（18 位）。", "Unified social credit code (18 characters).",
              required=True, unique=True, pattern="^[0-9A-Z]{18}$", example="91350200MA2XXXXXX0"),
        Field("contact", "string", "公示的联系方式。", "Published contact details.", example="0592-0000000"),
        Field("website", "string", "网站。", "Website.", example="https://example.com"),
        Field("address", "string", "地址。", "Address.", example="厦门市海沧区"),
        Field("description", "string", "简介。", "Short description.", example=""),
        Field("verified", "boolean", "是否经监管部门核实主体身份。",
              "Whether the regulator has verified the entity's identity.", required=True, example="true"),
        Field("created_at", "datetime", "在本站登记的时间（UTC）。", "When it was registered on this site (UTC).",
              required=True, example="2025-05-01T08:00:00Z"),
    ),
    primary_key=("slug",),
    foreign_keys=(ForeignKey(("port",), "ports", ("locode",)),),
    update_zh="新增收费主体时更新。", update_en="Updated when an entity is added.",
)

CATALOG = Resource(
    name="catalog", collection="catalog",
    title_zh="标准收费项目目录", title_en="Standard fee catalogue",
    zh="口岸收费的标准项目代码，以及各项目的价格管理形式（政府定价、政府指导价、市场调节价）。",
    en="The standard fee codes of the port and each fee's pricing regime "
       "(government-set, government-guided or market-regulated).",
    fields=(
        Field("code", "string", "标准收费项目代码。", "Standard fee code.", required=True, unique=True,
              pattern=CODE_PATTERN, example="THC"),
        Field("name_zh", "string", NAME_ZH, "Name in Chinese.", required=True, example="码头操作费"),
        Field("name_en", "string", "英文名称。", "Name in English.", example="Terminal handling charge"),
        BUSINESS_LINE,
        Field("pricing_regime", "string",
              "价格管理形式：government_set 政府定价，government_guided 政府指导价，market 市场调节价。",
              "Pricing regime: government_set, government_guided or market.",
              required=True, enum=_codes(PRICING_REGIMES), example="market"),
        UNIT,
        Field("tiered", "boolean", "是否通常按阶梯计费（如堆存费按天数分段）。",
              "Whether the fee is usually charged in tiers (e.g. storage by days).", required=True,
              example="false"),
        Field("notes", "string", "说明。", "Notes.", example=""),
    ),
    primary_key=("code",),
    update_zh="目录调整时更新。", update_en="Updated when the catalogue is revised.",
)

SCHEDULES = Resource(
    name="schedules", collection="schedules",
    title_zh="收费目录", title_en="Fee schedules",
    zh="每个收费主体的收费目录（一个主体可按业务分设多个），每个目录有一串发布版本。",
    en="Each entity's fee schedules (one per line of business); each has a series of published versions.",
    fields=(
        Field("id", "integer", "收费目录的数字编号。", "The schedule's numeric id.", required=True, unique=True,
              example="3"),
        ENTITY,
        Field("slug", "string", "收费目录的标识，在该收费主体内唯一。",
              "The schedule's identifier, unique within its entity.", required=True,
              pattern=SLUG_PATTERN, example="container"),
        Field("name_zh", "string", NAME_ZH, "Name in Chinese.", required=True, example="集装箱业务收费"),
        Field("name_en", "string", "英文名称。", NAME_EN, example="Container services"),
        BUSINESS_LINE,
        CURRENCY,
        Field("created_at", "datetime", "建立时间（UTC）。", "When it was created (UTC).", required=True,
              example="2025-05-01T08:00:00Z"),
    ),
    primary_key=("id",),
    foreign_keys=(ForeignKey(("entity",), "entities", ("slug",)),),
    update_zh="新增收费目录时更新。", update_en="Updated when a schedule is added.",
)

VERSIONS = Resource(
    name="versions", collection="versions",
    title_zh="收费目录版本", title_en="Schedule versions",
    zh="每个收费目录的每个已发布版本（含已撤回的）。已发布的版本永不修改或删除；"
       "content_sha256 是其规范内容的哈希，与公示日志一致。",
    en="Every published version of every schedule (withdrawn ones included). Published versions "
       "are never changed or deleted; content_sha256 is the hash of the canonical content, as in "
       "the publication log.",
    fields=(
        Field("id", "integer", "版本的数字编号。", "The version's numeric id.", required=True, unique=True,
              example="17"),
        Field("schedule_id", "integer", "所属收费目录的编号，见 schedules 数据集。",
              "The schedule's id; see the schedules data set.", required=True, example="3"),
        ENTITY,
        SCHEDULE,
        Field("number", "integer", "版本号：该收费目录的第几个发布版本，从 1 起。",
              "Version number: the schedule's n-th published version, from 1.", required=True, example="2"),
        Field("status", "string", "状态：published 已发布，withdrawn 已撤回（生效前撤回，从未生效）。",
              "Status: published, or withdrawn (withdrawn before it took effect; never in effect).",
              required=True, enum=("published", "withdrawn"), example="published"),
        EFFECTIVE_FROM,
        Field("published_at", "datetime", "发布时间（UTC）。", "When it was published (UTC).", required=True,
              example="2025-06-01T02:00:00Z"),
        Field("change_note", "string", "发布说明：为何调整。", "The publisher's note on what changed and why.",
              example="THC 上调 5%"),
        Field("short_notice", "boolean", "是否未按规定提前公示（提前天数不足）即上调收费。",
              "Whether it raised charges with less notice than the rules require.", required=True,
              example="false"),
        Field("content_sha256", "string", "版本规范内容的 SHA-256（见公示日志说明）。",
              "SHA-256 of the version's canonical content (see the publication log documentation).",
              required=True, pattern=SHA256_PATTERN, example="9f2c…"),
        Field("withdrawn_at", "datetime", "撤回时间（UTC），未撤回为空。", "When it was withdrawn (UTC); empty if not.",
              example=""),
        Field("withdraw_reason", "string", "撤回原因。", "Why it was withdrawn.", example=""),
    ),
    primary_key=("id",),
    foreign_keys=(ForeignKey(("schedule_id",), "schedules", ("id",)),),
)

FEE_ITEMS = Resource(
    name="fee_items", collection="fee-items",
    title_zh="收费项目", title_en="Fee items",
    zh="每个已发布版本中的每个收费项目及其金额。某日有效的收费，是各收费目录在该日已生效的最新版本中的项目。",
    en="Every fee item of every published version, with its amount. The fees in effect on a day are "
       "the items of each schedule's latest version that took effect on or before that day.",
    fields=(
        Field("id", "integer", "收费项目的数字编号。", "The item's numeric id.", required=True, unique=True,
              example="905"),
        VERSION_ID,
        ENTITY,
        SCHEDULE,
        VERSION,
        EFFECTIVE_FROM,
        Field("position", "integer", "在版本中的排列顺序（数值只表示先后，可能不连续）。",
              "Order within the version (the numbers only order the items; they may have gaps).",
              required=True, example="1"),
        CODE,
        Field("name_zh", "string", "收费项目中文名称。", "The fee's name in Chinese.", required=True,
              example="码头操作费"),
        Field("name_en", "string", "收费项目英文名称。", "The fee's name in English.", example="Terminal handling charge"),
        Field("service", "string", "服务内容。", "What service the fee pays for.", example=""),
        UNIT,
        CONTAINER,
        DIRECTION,
        CARGO_CLASS,
        Field("amount", "number", "收费标准：每计费单位的金额（精确小数，两位）。阶梯收费时为第一个收费阶梯的单价。",
              "Amount per unit (exact decimal, two places). For a tiered fee, the rate of the first charged tier.",
              required=True, money=True, example="935.00"),
        CURRENCY,
        Field("min_amount", "number", "最低收费（精确小数），无则为空。", "Minimum charge (exact decimal); empty if none.",
              money=True, example="50.00"),
        Field("tiers", "string", "阶梯收费的简写，如 “1-4:0.00; 5-10:20.00; 11+:40.00”（数量区间:单价）；"
                                 "详见 fee_tiers 数据集。",
              "Tiers written compactly, e.g. \"1-4:0.00; 5-10:20.00; 11+:40.00\" (quantity range:rate); "
              "the fee_tiers data set has them row by row.", example="1-4:0.00; 5+:20.00"),
        Field("legal_basis", "string", "收费依据（文件名称、文号）。", "Legal basis (document title and number).",
              example="厦发改价〔2020〕1号"),
        Field("notes", "string", "备注。", "Notes.", example=""),
    ),
    primary_key=("id",),
    foreign_keys=(ForeignKey(("version_id",), "versions", ("id",)),),
)

FEE_TIERS = Resource(
    name="fee_tiers", collection=None,  # no API list of its own: fee-items carry their tiers
    title_zh="阶梯收费", title_en="Fee tiers",
    zh="阶梯计费的收费项目的各个阶梯（如堆存费：第 1–4 天免费，第 5–10 天每天 20 元，第 11 天起每天 40 元）。",
    en="The tiers of tiered fee items (e.g. storage: days 1–4 free, days 5–10 ¥20 a day, from day 11 ¥40 a day).",
    fields=(
        Field("item_id", "integer", "收费项目编号，见 fee_items 数据集。", "The fee item's id; see the fee_items data set.",
              required=True, example="905"),
        Field("position", "integer", "阶梯的先后顺序（数值只表示先后）。",
              "Order of the tier (the numbers only order the tiers).", required=True, example="1"),
        Field("from_qty", "number", "本阶梯起始数量（含）。", "First quantity of the tier (inclusive).",
              required=True, example="1"),
        Field("to_qty", "number", "本阶梯结束数量（含）；最后一个阶梯为空，表示不设上限。",
              "Last quantity of the tier (inclusive); empty for the open-ended last tier.", example="4"),
        Field("amount", "number", "本阶梯每计费单位的金额（精确小数，两位），币种同收费项目。",
              "Amount per unit in this tier (exact decimal, two places), in the item's currency.",
              required=True, money=True, example="20.00"),
    ),
    primary_key=("item_id", "position"),
    foreign_keys=(ForeignKey(("item_id",), "fee_items", ("id",)),),
)

CHANGES = Resource(
    name="changes", collection="changes",
    title_zh="收费变动", title_en="Fee changes",
    zh="每个发布版本相对于同一收费目录上一个发布版本的逐项变化：新增、取消或调整的收费项目，以及金额变化。",
    en="Item by item, what each published version changed against the schedule's previous published "
       "version: fees added, removed or changed, and by how much.",
    fields=(
        VERSION_ID,
        ENTITY,
        SCHEDULE,
        VERSION,
        Field("previous_version", "integer", "比较的上一个发布版本号；首个版本为空。",
              "The previous published version it is compared with; empty for the first version.", example="1"),
        EFFECTIVE_FROM,
        Field("position", "integer", "本条变化在该版本变化列表中的顺序，从 0 起。",
              "Order of this change within the version's changes, from 0.", required=True, example="0"),
        Field("status", "string", "变化类型：added 新增，removed 取消，changed 调整。",
              "Kind of change: added, removed or changed.", required=True,
              enum=("added", "removed", "changed"), example="changed"),
        CODE,
        CONTAINER,
        DIRECTION,
        CARGO_CLASS,
        UNIT,
        Field("changed_fields", "string", "调整了哪些字段（以空格分隔），如 “amount notes”。",
              "Which fields changed, separated by spaces, e.g. \"amount notes\".", example="amount"),
        Field("old_amount", "number", "调整前金额（精确小数）；新增时为空。",
              "Amount before (exact decimal); empty for an added fee.", money=True, example="890.00"),
        Field("new_amount", "number", "调整后金额（精确小数）；取消时为空。",
              "Amount after (exact decimal); empty for a removed fee.", money=True, example="935.00"),
        Field("currency", "string", "金额币种（ISO 4217）。", "Currency of the amounts (ISO 4217).",
              pattern=CURRENCY_PATTERN, example="CNY"),
        Field("amount_change", "number", "金额变化 = 调整后 − 调整前（精确小数）。",
              "Change in amount = after − before (exact decimal).", money=True, example="45.00"),
        Field("amount_change_pct", "number", "金额变化百分比（相对调整前），无法计算时为空。",
              "Change in amount as a percentage of the amount before; empty when it cannot be computed.",
              example="5.06"),
    ),
    primary_key=("version_id", "position"),
    foreign_keys=(ForeignKey(("version_id",), "versions", ("id",)),),
)

PUBLICATION_LOG = Resource(
    name="publication_log", collection="log",
    title_zh="公示日志", title_en="Publication log",
    zh="每一次发布和撤回的只增不改的哈希链日志：每条记录的哈希覆盖上一条的哈希，任何对历史的改写都能被发现。",
    en="The append-only, hash-chained log of every publication and withdrawal: each entry's hash covers "
       "the previous one's, so any rewriting of history can be detected.",
    fields=(
        Field("seq", "integer", "日志序号，从 1 起连续。", "Sequence number, from 1, without gaps.", required=True,
              unique=True, example="12"),
        Field("action", "string", "动作：publish 发布，withdraw 撤回。", "Action: publish or withdraw.",
              required=True, enum=_codes(LOG_ACTIONS), example="publish"),
        Field("recorded_at", "datetime", "记录时间（UTC）。", "When it was recorded (UTC).", required=True,
              example="2025-06-01T02:00:00Z"),
        ENTITY,
        SCHEDULE,
        VERSION,
        EFFECTIVE_FROM,
        Field("content_sha256", "string", "该版本规范内容的 SHA-256。", "SHA-256 of the version's canonical content.",
              required=True, pattern=SHA256_PATTERN, example="9f2c…"),
        Field("prev_hash", "string", "上一条记录的 entry_hash（第一条为 64 个 0）。",
              "The previous entry's entry_hash (64 zeros for the first).", required=True, unique=True,
              pattern=SHA256_PATTERN, example="0000…"),
        Field("entry_hash", "string", "本条记录规范内容的 SHA-256。", "SHA-256 of this entry's canonical content.",
              required=True, unique=True, pattern=SHA256_PATTERN, example="4b1e…"),
    ),
    primary_key=("seq",),
    update_zh="每次发布或撤回时追加一条。", update_en="One entry is appended at every publication and withdrawal.",
)

RESOURCES: tuple[Resource, ...] = (
    PORTS, ENTITIES, CATALOG, SCHEDULES, VERSIONS, FEE_ITEMS, FEE_TIERS, CHANGES, PUBLICATION_LOG,
)
BY_NAME = {r.name: r for r in RESOURCES}
BY_COLLECTION = {r.collection: r for r in RESOURCES if r.collection}


def resource(name: str) -> Resource:
    """A data set by its name (ports, entities, …, publication_log)."""
    return BY_NAME[name]
