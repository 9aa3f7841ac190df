"""The raw material of the generated national data set: ports, kinds of entity, name
parts, and the fees each kind of entity charges, with plausible base prices.

Everything here is fictional but shaped like the real thing (real UN/LOCODEs and
administrative division codes, the standard catalogue's codes, Chinese wording), so
that search, comparison and estimates meet the same variety they would in production.
Plain data only; bench.gen_plan turns it into entities, schedules and versions.
"""
from __future__ import annotations

import csv
from decimal import Decimal

from fees.cli import DEFAULT_CATALOG

# (UN/LOCODE, Chinese name, English name, city (zh), city (pinyin), administrative
# division code for credit codes, telephone area code, weight: how many entities it gets)
PORTS = (
    ("CNSHA", "上海港", "Port of Shanghai", "上海", "shanghai", "310115", "021", 18),
    ("CNNGB", "宁波舟山港", "Port of Ningbo-Zhoushan", "宁波", "ningbo", "330200", "0574", 16),
    ("CNSZX", "深圳港", "Port of Shenzhen", "深圳", "shenzhen", "440300", "0755", 14),
    ("CNQIN", "青岛港", "Port of Qingdao", "青岛", "qingdao", "370200", "0532", 10),
    ("CNGZG", "广州港", "Port of Guangzhou", "广州", "guangzhou", "440100", "020", 10),
    ("CNXMN", "厦门港", "Port of Xiamen", "厦门", "xiamen", "350200", "0592", 10),
    ("CNTSN", "天津港", "Port of Tianjin", "天津", "tianjin", "120116", "022", 8),
    ("CNDLC", "大连港", "Port of Dalian", "大连", "dalian", "210200", "0411", 5),
    ("CNFOC", "福州港", "Port of Fuzhou", "福州", "fuzhou", "350100", "0591", 5),
    ("CNLYG", "连云港港", "Port of Lianyungang", "连云港", "lianyungang", "320700", "0518", 4),
)

DISTRICTS = ("港区", "自贸片区", "保税区", "临港新区", "物流园区", "综合保税区")
ROADS = ("港湾大道", "海港路", "码头路", "物流大道", "保税路", "临海路", "航运路", "集装箱大道")

# Two-character brand names: each character with its pinyin for the English name and slug.
BRAND_CHARS = (
    ("海", "hai"), ("联", "lian"), ("通", "tong"), ("达", "da"), ("远", "yuan"), ("恒", "heng"),
    ("盛", "sheng"), ("华", "hua"), ("泰", "tai"), ("鑫", "xin"), ("航", "hang"), ("运", "yun"),
    ("安", "an"), ("顺", "shun"), ("捷", "jie"), ("宏", "hong"), ("嘉", "jia"), ("润", "run"),
    ("丰", "feng"), ("利", "li"), ("和", "he"), ("祥", "xiang"), ("瑞", "rui"), ("德", "de"),
    ("源", "yuan"), ("洋", "yang"), ("湾", "wan"), ("星", "xing"), ("辰", "chen"), ("隆", "long"),
    ("兴", "xing"), ("成", "cheng"), ("优", "you"), ("东", "dong"), ("南", "nan"), ("新", "xin"),
    ("亿", "yi"), ("万", "wan"), ("金", "jin"), ("宇", "yu"), ("天", "tian"), ("中", "zhong"),
    ("启", "qi"), ("凯", "kai"), ("峰", "feng"), ("腾", "teng"), ("致", "zhi"), ("众", "zhong"),
)

# kind: (weight in a national population, name suffixes (zh, en), slug word, description,
# USCC registration prefix: 91 = enterprise, 12 = public institution)
KINDS = {
    "container_terminal": (4, (("集装箱码头有限公司", "Container Terminal Co., Ltd."),
                               ("国际集装箱码头有限公司", "International Container Terminal Co., Ltd.")),
                           "terminal", "集装箱码头，提供装卸船、堆存、查验配合及冷藏箱服务。", "91"),
    "yard": (6, (("集装箱堆场有限公司", "Container Yard Co., Ltd."), ("物流园有限公司", "Logistics Park Co., Ltd.")),
             "yard", "港外集装箱堆场，提供重箱、空箱堆存及提还箱服务。", "91"),
    "shipping_line": (8, (("航运有限公司", "Shipping Co., Ltd."), ("集装箱航运有限公司", "Container Lines Co., Ltd.")),
                      "shipping", "集装箱班轮公司，经营近洋及远洋航线。", "91"),
    "shipping_agency": (10, (("船务代理有限公司", "Shipping Agency Co., Ltd."),),
                        "agency", "船舶代理，办理船舶进出港手续、签发提单及放货。", "91"),
    "forwarder": (20, (("国际货运代理有限公司", "International Freight Forwarding Co., Ltd."),
                       ("供应链管理有限公司", "Supply Chain Management Co., Ltd.")),
                  "logistics", "国际货运代理，提供订舱、拖车、报关及拼箱服务。", "91"),
    "customs_broker": (15, (("报关有限公司", "Customs Brokerage Co., Ltd."), ("报关行有限公司", "Customs Broker Co., Ltd.")),
                       "customs", "报关企业，提供进出口申报及查验陪同服务。", "91"),
    "tally": (2, (("外轮理货有限公司", "Ocean Shipping Tally Co., Ltd."),), "tally",
              "理货机构，提供集装箱及件杂货理货服务。", "91"),
    "towage": (3, (("港口拖轮有限公司", "Harbour Tug Co., Ltd."),), "towage", "拖轮公司，提供船舶靠离泊及移泊拖带服务。", "91"),
    "pilotage": (1, (("引航站", "Pilot Station"),), "pilots", "引航机构，提供船舶进出港及移泊引航。", "12"),
    "trucking": (14, (("集装箱运输有限公司", "Container Transport Co., Ltd."), ("汽车运输有限公司", "Motor Transport Co., Ltd.")),
                 "trucking", "集装箱道路运输企业，提供港区至门点的拖车服务。", "91"),
    "inspection_site": (3, (("查验服务有限公司", "Inspection Services Co., Ltd."),), "inspection",
                        "海关查验场站，提供查验吊柜、掏箱及熏蒸服务。", "91"),
    "ecommerce_logistics": (8, (("跨境电商物流有限公司", "Cross-border E-commerce Logistics Co., Ltd."),),
                            "ecommerce", "跨境电商物流企业，提供清关、仓配及退货服务。", "91"),
    "bonded_warehouse": (6, (("保税仓储有限公司", "Bonded Warehousing Co., Ltd."),), "bonded",
                         "保税仓库，提供保税仓储、分拣包装及出入库服务。", "91"),
}

# Container types and the price of each relative to a 20GP.
CONTAINER_FACTOR = {
    "": Decimal("1"), "20GP": Decimal("1"), "40GP": Decimal("1.5"), "40HQ": Decimal("1.55"),
    "45HQ": Decimal("1.75"), "20RF": Decimal("1.45"), "40RF": Decimal("2.1"), "40RH": Decimal("2.15"),
    "20OT": Decimal("1.3"), "40OT": Decimal("1.9"), "20FR": Decimal("1.3"), "40FR": Decimal("1.9"),
    "20TK": Decimal("1.4"),
}
CARGO_FACTOR = {
    "": Decimal("1"), "general": Decimal("1"), "dangerous": Decimal("1.8"), "empty": Decimal("0.5"),
    "oversize": Decimal("1.6"), "domestic": Decimal("0.5"), "foreign": Decimal("1"),
}
DIRECTION_FACTOR = {"both": Decimal("1"), "export": Decimal("1"), "import": Decimal("1.05")}

CONTAINERS = {
    "none": ("",),
    "std": ("20GP", "40GP", "40HQ"),
    "dry": ("20GP", "40GP", "40HQ", "45HQ"),
    "rf": ("20RF", "40RF", "40RH"),
    "all": tuple(c for c in CONTAINER_FACTOR if c),
}
DIRECTIONS = {"b": ("both",), "ie": ("import", "export"), "ieb": ("both", "import", "export")}
CARGO = {
    "n": ("",),
    "de": ("", "dangerous", "empty"),
    "d": ("", "dangerous"),
    "fd": ("foreign", "domestic"),
    "gdo": ("general", "dangerous", "oversize"),
    "ng": ("", "general", "dangerous", "domestic"),
}

LEGAL_BASIS = {
    "government_set": "《港口收费计费办法》（交水规〔2019〕2号）；政府定价",
    "government_guided": "《港口收费计费办法》（交水规〔2019〕2号）；政府指导价",
    "market": "企业自主定价",
}
LEGAL_BASIS_MARKET_ALT = "《港口收费计费办法》（交水规〔2019〕2号）；企业自主定价"

NOTES = (
    "节假日及夜间作业加收30%", "不足一天按一天计", "含增值税", "按实际发生计收", "客户自愿选择的服务",
    "危险品箱另加收50%", "冷藏箱按同尺寸普通箱的1.5倍计", "代收代付，按实际金额结算",
    "同一票货物多箱的按箱分别计收", "超出免费期后开始计费",
)

# Fees: code -> (name_zh, name_en, unit, service, base price, tier shape).
# Catalogue codes take their names and unit from the catalogue (names here are None).
# Tier shapes: "days" (free days, then a rate, then double), "kg" (first kg, then each
# further kg), None (a flat amount).
FEES = {
    "THC": (None, None, None, "集装箱在起运港或目的港码头的装卸船及场内操作，由船公司或其代理向货方收取", "560", None),
    "PORT_PACKAGE": (None, None, None, "集装箱装卸船、港区内水平运输、堆场作业及港口设施保安等港口作业包干服务", "480", None),
    "SECURITY": (None, None, None, "港口设施保安服务（按箱计收）", "8.50", None),
    "CARGO_DUES": (None, None, None, "港口公共设施维护，由码头代政府收取", "32", None),
    "STORAGE": (None, None, None, "重箱在堆场的堆存（按自然日计，进场当日起算）", "20", "days"),
    "REEFER": (None, None, None, "冷藏箱插电供冷、温度监控及异常报告", "120", None),
    "LIFT_INSPECTION": (None, None, None, "海关查验时集装箱的吊装、移箱至查验位及查验后归位", "300", None),
    "TALLY": (None, None, None, "集装箱装卸船理箱、箱号及铅封核对、残损记录", "25", None),
    "PILOTAGE": (None, None, None, "船舶进出港引航", "4500", None),
    "TOWAGE": (None, None, None, "船舶靠离泊拖轮协助（按艘次计，含靠泊与离泊各一次）", "6000", None),
    "BERTHING": (None, None, None, "船舶在港停泊（按净吨及停泊天数计）", "0.25", None),
    "DOC": (None, None, None, "提单或提货单的制作、签发与更换", "300", None),
    "EIR": (None, None, None, "设备交接单（EIR）的制作与放箱", "30", None),
    "SEAL": (None, None, None, "提供符合国际标准的高保封志一枚", "50", None),
    "CUSTOMS_BROKER": (None, None, None, "报关单录入、申报、放行跟踪及单证归档", "200", None),
    "TRUCKING": (None, None, None, "港区至市区门点的集装箱拖运，含一次提箱和还箱", "900", None),
    "CLEANING": (None, None, None, "空箱清扫、清洗及晾干", "80", None),
    "FUMIGATION": (None, None, None, "按检疫要求对集装箱实施熏蒸并出具熏蒸证明", "400", None),
    "DEMURRAGE": (None, None, None, "进口重箱超过免费用箱期后的集装箱使用费（自卸船次日起算）", "100", "days"),
    "AIR_HANDLING": (None, None, None, "出口跨境电商包裹在机场货站的收货、安检、打板及交航", "0.8", None),
    "EC_CLEARANCE": (None, None, None, "跨境电商订单的申报、税款代扣代缴及放行跟踪", "1.5", None),
    "EC_DECLARATION": (None, None, None, "订单、支付单、运单三单比对与推送", "0.8", None),
    "EC_WAREHOUSE": (None, None, None, "保税仓库内商品存储（按实际占用体积计，按自然日计）", "2", "days"),
    "EC_PICK_PACK": (None, None, None, "按订单拣货、复核、包装及出库", "1.2", None),
    "EC_LABEL": (None, None, None, "粘贴中文标签或面单", "0.3", None),
    "EC_DELIVERY": (None, None, None, "包裹由保税区仓库至国内收件人的配送", "8", "kg"),
    "EC_RETURN": (None, None, None, "退货包裹的签收、质检及重新上架", "5", None),
    # An entity's own codes
    "LOLO": ("吊装费", "Lift-on/lift-off", "per_container", "提箱或还箱时的吊上或吊下作业（每次）", "180", None),
    "PTI": ("冷藏箱预检费", "Reefer pre-trip inspection", "per_container", "冷藏箱出场前制冷机组预检（PTI）并出具报告", "250", None),
    "MANIFEST": ("舱单申报费", "Manifest filing fee", "per_bill", "向海关传输原始舱单及变更", "100", None),
    "BOOKING": ("订舱服务费", "Booking service", "per_bill", "向船公司订舱、确认舱位并跟踪放舱", "200", None),
    "VGM": ("VGM申报费", "VGM submission", "per_container", "集装箱核实总重（VGM）的采集与申报", "50", None),
    "INSPECTION_ATTEND": ("查验陪同费", "Attendance at customs inspection", "per_container",
                          "派员到查验场站陪同海关查验并处理查验结果", "200", None),
    "DECL_PAGE": ("报关单续页费", "Additional declaration page", "per_piece", "报关单商品超过5项时每增加一页的录入", "20", None),
    "ORIGIN_CERT": ("原产地证代办费", "Certificate of origin service", "per_bill", "代办一般原产地证或优惠原产地证书", "150", None),
    "TALLY_LCL": ("拆装箱理货费", "Stuffing/unstuffing tally", "per_tonne", "拼箱货物拆装箱时的计数、分标志及残损记录", "6", None),
    "TOWAGE_SHIFT": ("移泊拖轮费", "Towage for shifting berth", "per_vessel_call", "船舶在港内移泊时的拖轮协助", "4000", None),
    "PILOTAGE_SHIFT": ("移泊引航费", "Pilotage for shifting berth", "per_vessel_call", "船舶在港内移泊的引航", "2500", None),
    "PILOTAGE_CANCEL": ("引航申请取消费", "Cancelled pilotage request", "per_vessel_call",
                        "引航员已登轮或已出发后船方取消引航申请", "1500", None),
    "TRUCK_WAIT": ("压车费", "Truck detention", "per_day", "门点装卸货超过4小时免费等待时间后，每车每天计收", "600", None),
    "UNSTUFF": ("掏箱费", "Unstuffing", "per_container", "查验或入库时的人工及机械掏箱、复装", "600", None),
    "STUFF": ("装箱费", "Stuffing", "per_container", "出口货物在场站内的装箱及加固", "500", None),
    "WEIGHING": ("过磅费", "Weighing", "per_container", "集装箱过磅称重并出具称重单", "100", None),
    "DG_SURCHARGE": ("危险品箱附加费", "Dangerous goods surcharge", "per_container", "危险品集装箱的申报审核及特殊作业", "800", None),
    "OOG_SURCHARGE": ("超限箱附加费", "Out-of-gauge surcharge", "per_container", "超高、超宽框架箱及开顶箱的特殊吊装", "1200", None),
    "DO_FEE": ("换单费", "Delivery order fee", "per_bill", "进口提单换取提货单", "300", None),
    "TELEX": ("电放费", "Telex release fee", "per_bill", "电放提单的办理与确认", "350", None),
    "AMEND": ("改单费", "Bill amendment fee", "per_bill", "提单或舱单信息截止后的更改", "300", None),
    "CIC": ("集装箱不平衡附加费", "Container imbalance charge", "per_container", "进口集装箱空箱调运成本分摊（以美元计收）", "80", None),
    "AMS": ("美国舱单申报费", "US AMS filing", "per_bill", "向美国海关传输舱单信息（以美元计收）", "35", None),
    "ENS": ("欧盟舱单申报费", "EU ENS filing", "per_bill", "向欧盟海关传输入境摘要申报（以美元计收）", "35", None),
    "AGENCY_FEE": ("船舶代理费", "Ship agency fee", "per_vessel_call", "办理船舶进出港口岸手续及在港期间代理服务", "3000", None),
    "LCL_CFS": ("拼箱操作费", "LCL CFS charge", "per_cbm", "拼箱货物进仓、理货、装箱（按体积计）", "85", None),
    "INSURANCE": ("货物保险代办费", "Cargo insurance service", "percent_of_value", "代办货物运输保险（按货值百分比计）", "0.3", None),
    "DISINFECT": ("消毒费", "Disinfection", "per_container", "按检疫要求对集装箱实施消毒", "150", None),
    "INSPECT_PLATFORM": ("查验平台使用费", "Inspection platform use", "per_container", "海关查验平台、月台及照明设备的使用", "200", None),
    "REPACK": ("复箱费", "Re-packing after inspection", "per_container", "查验后货物复装入箱及加封", "350", None),
    "STOCKTAKE": ("盘点费", "Stocktaking", "per_piece", "按客户要求对在库商品盘点", "0.5", None),
    "EC_INBOUND": ("入库操作费", "Inbound handling", "per_cbm", "货物卸车、清点、理货及上架", "15", None),
    "EC_OUTBOUND": ("出库操作费", "Outbound handling", "per_cbm", "货物下架、复核及装车出库", "12", None),
    "EC_TAX_AGENT": ("税款代缴服务费", "Duty and tax payment service", "percent_of_value", "按完税价格代为缴纳跨境电商综合税", "0.5", None),
    "BONDED_STORAGE": ("保税仓储费", "Bonded storage", "per_cbm_day", "一般贸易保税货物在库存储（按实际占用体积、自然日计）", "3", "days"),
}

# Band codes: a fee charged by size band or zone, one code per band ("TOWAGE_B3").
BANDS = {
    "TOWAGE_B": ("拖轮费（{}）", "Towage ({})", "per_vessel_call", "船舶靠离泊拖轮协助，按船舶总吨分档计收", "5000",
                 ("1万总吨以下", "1万至3万总吨", "3万至5万总吨", "5万至10万总吨", "10万至15万总吨", "15万总吨以上"),
                 ("under 10k GT", "10k-30k GT", "30k-50k GT", "50k-100k GT", "100k-150k GT", "over 150k GT")),
    "PILOT_D": ("引航费（{}）", "Pilotage ({})", "per_vessel_call", "船舶进出港引航，按吃水分档计收", "3000",
                ("吃水7米以下", "吃水7至10米", "吃水10至12米", "吃水12至14米", "吃水14米以上"),
                ("draught under 7 m", "draught 7-10 m", "draught 10-12 m", "draught 12-14 m", "draught over 14 m")),
    "TRUCK_Z": ("拖车费（{}）", "Drayage ({})", "per_container", "港区至门点的集装箱拖运，按运距分区计收，含一次提箱和还箱", "700",
                ("市区", "30公里以内", "30至60公里", "60至100公里", "100至200公里", "200公里以上"),
                ("city", "within 30 km", "30-60 km", "60-100 km", "100-200 km", "over 200 km")),
    "EC_DELIVERY_R": ("国内配送费（{}）", "Domestic delivery ({})", "per_kg", "包裹由保税区仓库至国内收件人的配送，按区域计收", "8",
                      ("省内", "华东", "华南", "华北", "华中", "西南", "西北", "东北"),
                      ("in province", "East China", "South China", "North China", "Central China", "Southwest",
                       "Northwest", "Northeast")),
}

# What each kind of entity charges: (code, containers, directions, cargo classes, core).
# Core lines are in every schedule of the kind (the fees people compare); the others
# are drawn at random, so that schedules differ as they do in practice.
KIND_LINES = {
    "container_terminal": [
        ("PORT_PACKAGE", "dry", "ie", "n", True), ("PORT_PACKAGE", "all", "ie", "de", False),
        ("SECURITY", "dry", "b", "n", True), ("CARGO_DUES", "all", "b", "fd", True),
        ("STORAGE", "std", "ie", "n", True), ("STORAGE", "all", "ie", "de", False),
        ("REEFER", "rf", "b", "n", True), ("LIFT_INSPECTION", "all", "b", "n", False),
        ("EIR", "none", "ie", "n", False), ("LOLO", "all", "b", "n", False), ("VGM", "none", "b", "n", False),
        ("WEIGHING", "dry", "b", "n", False), ("DG_SURCHARGE", "all", "ie", "n", False),
        ("OOG_SURCHARGE", ("20OT", "40OT", "20FR", "40FR"), "ie", "n", False), ("BERTHING", "none", "b", "fd", False),
    ],
    "yard": [
        ("STORAGE", "std", "ie", "n", True), ("STORAGE", "all", "ie", "de", False), ("LOLO", "all", "b", "de", True),
        ("LIFT_INSPECTION", "all", "b", "n", False), ("EIR", "none", "ie", "n", False), ("CLEANING", "all", "b", "n", False),
        ("REEFER", "rf", "b", "n", False), ("PTI", "rf", "b", "n", False), ("STUFF", "all", "b", "d", False),
        ("UNSTUFF", "all", "b", "d", False), ("WEIGHING", "dry", "b", "n", False),
    ],
    "shipping_line": [
        ("THC", "dry", "ie", "n", True), ("THC", "all", "ie", "d", False), ("DOC", "none", "ie", "n", True),
        ("DEMURRAGE", "std", "ie", "n", True), ("DEMURRAGE", "all", "ie", "d", False), ("SEAL", "none", "b", "n", False),
        ("EIR", "none", "ie", "n", False), ("CLEANING", "all", "b", "n", False), ("DO_FEE", "none", "b", "ng", False),
        ("TELEX", "none", "b", "ng", False), ("AMEND", "none", "ie", "n", False), ("CIC", "all", "b", "n", False),
        ("AMS", "none", "b", "n", False), ("ENS", "none", "b", "n", False), ("MANIFEST", "none", "ie", "ng", False),
    ],
    "shipping_agency": [
        ("DOC", "none", "ie", "ng", True), ("AGENCY_FEE", "none", "ieb", "ng", True), ("DO_FEE", "none", "b", "ng", False),
        ("TELEX", "none", "b", "ng", False), ("AMEND", "none", "ieb", "ng", False), ("MANIFEST", "none", "ieb", "ng", False),
        ("THC", "all", "ie", "n", False), ("EIR", "none", "ie", "ng", False), ("SEAL", "none", "b", "ng", False),
        ("AMS", "none", "b", "ng", False), ("ENS", "none", "b", "ng", False),
    ],
    "forwarder": [
        ("BOOKING", "none", "ie", "ng", True), ("DOC", "none", "ie", "ng", True), ("TRUCKING", "std", "ie", "n", True),
        ("TRUCKING", "all", "ie", "d", False), ("CUSTOMS_BROKER", "none", "ie", "ng", False),
        ("LCL_CFS", "none", "ie", "ng", False), ("VGM", "none", "b", "ng", False), ("AMS", "none", "b", "ng", False),
        ("ENS", "none", "b", "ng", False), ("INSURANCE", "none", "ie", "ng", False), ("THC", "all", "ie", "n", False),
        ("TELEX", "none", "b", "ng", False), ("ORIGIN_CERT", "none", "b", "ng", False),
    ],
    "customs_broker": [
        ("CUSTOMS_BROKER", "none", "ie", "ng", True), ("DECL_PAGE", "none", "ie", "ng", True),
        ("INSPECTION_ATTEND", "all", "ie", "n", False), ("ORIGIN_CERT", "none", "ieb", "ng", False),
        ("MANIFEST", "none", "ie", "ng", False), ("AMEND", "none", "ie", "ng", False),
        ("INSURANCE", "none", "ie", "ng", False), ("EC_CLEARANCE", "none", "ie", "ng", False),
        ("EC_TAX_AGENT", "none", "ie", "ng", False), ("DOC", "none", "ie", "ng", False),
    ],
    "tally": [
        ("TALLY", "dry", "ie", "n", True), ("TALLY", "all", "ie", "gdo", False), ("TALLY_LCL", "none", "ieb", "ng", True),
        ("SEAL", "none", "b", "ng", False), ("WEIGHING", "all", "b", "n", False), ("VGM", "all", "b", "n", False),
    ],
    "towage": [
        ("TOWAGE", "none", "b", "n", True), ("TOWAGE", "none", "ieb", "ng", False),
        ("TOWAGE_B", "none", "b", "n", True), ("TOWAGE_B", "none", "ieb", "ng", False),
        ("TOWAGE_SHIFT", "none", "b", "ng", False), ("BERTHING", "none", "b", "ng", False),
    ],
    "pilotage": [
        ("PILOTAGE", "none", "b", "n", True), ("PILOTAGE", "none", "ieb", "ng", False),
        ("PILOT_D", "none", "b", "n", True), ("PILOT_D", "none", "ieb", "ng", False),
        ("PILOTAGE_SHIFT", "none", "b", "ng", False), ("PILOTAGE_CANCEL", "none", "b", "ng", False),
    ],
    "trucking": [
        ("TRUCKING", "dry", "ie", "n", True), ("TRUCK_Z", "std", "ie", "n", True), ("TRUCK_Z", "all", "ie", "d", False),
        ("TRUCK_WAIT", "none", "b", "n", False), ("TRUCKING", "all", "ie", "de", False), ("WEIGHING", "dry", "b", "n", False),
    ],
    "inspection_site": [
        ("LIFT_INSPECTION", "dry", "ie", "n", True), ("LIFT_INSPECTION", "all", "ie", "d", False),
        ("UNSTUFF", "all", "ie", "d", True), ("REPACK", "all", "ie", "d", False), ("FUMIGATION", "all", "b", "n", False),
        ("DISINFECT", "all", "b", "n", False), ("INSPECT_PLATFORM", "all", "b", "n", False),
        ("STORAGE", "all", "b", "n", False), ("CLEANING", "all", "b", "n", False),
    ],
    "ecommerce_logistics": [
        ("EC_CLEARANCE", "none", "ie", "ng", True), ("EC_DECLARATION", "none", "ie", "ng", True),
        ("EC_PICK_PACK", "none", "ieb", "ng", True), ("EC_DELIVERY", "none", "b", "n", True),
        ("EC_DELIVERY_R", "none", "b", "ng", False), ("EC_LABEL", "none", "ieb", "ng", False),
        ("EC_RETURN", "none", "ieb", "ng", False), ("AIR_HANDLING", "none", "ie", "ng", False),
        ("EC_TAX_AGENT", "none", "ie", "ng", False), ("EC_WAREHOUSE", "none", "b", "ng", False),
    ],
    "bonded_warehouse": [
        ("EC_WAREHOUSE", "none", "b", "ng", True), ("EC_PICK_PACK", "none", "ieb", "ng", True),
        ("EC_INBOUND", "none", "ieb", "ng", True), ("EC_OUTBOUND", "none", "ieb", "ng", False),
        ("EC_LABEL", "none", "ieb", "ng", False), ("EC_RETURN", "none", "ieb", "ng", False),
        ("STOCKTAKE", "none", "b", "ng", False), ("BONDED_STORAGE", "none", "b", "ng", False),
        ("EC_DELIVERY_R", "none", "b", "n", False), ("EC_CLEARANCE", "none", "ie", "ng", False),
    ],
}

# Which schedules an entity of each kind keeps: (slug, name_zh, name_en, business line,
# share of such entities that keep it).
SCHEDULES = {
    "ecommerce_logistics": (("ecommerce", "跨境电商物流服务收费", "Cross-border e-commerce logistics charges", "ecommerce", 1.0),),
    "bonded_warehouse": (("ecommerce", "保税仓储服务收费", "Bonded warehousing charges", "ecommerce", 1.0),
                         ("general-trade", "一般贸易仓储收费", "General trade warehousing charges", "port", 0.4)),
    "forwarder": (("port-services", "货运代理服务收费", "Freight forwarding charges", "port", 1.0),
                  ("ecommerce", "跨境电商服务收费", "Cross-border e-commerce charges", "ecommerce", 0.15)),
    "customs_broker": (("port-services", "报关服务收费", "Customs brokerage charges", "port", 1.0),
                       ("ecommerce", "跨境电商清关收费", "Cross-border e-commerce clearance charges", "ecommerce", 0.25)),
}
DEFAULT_SCHEDULE = (("port-services", "港口服务收费", "Port service charges", "port", 1.0),)

# The lines a second, e-commerce schedule of a port-line kind draws from.
ECOMMERCE_LINES = KIND_LINES["ecommerce_logistics"]
# A bonded warehouse's general-trade (port line) schedule.
GENERAL_TRADE_LINES = [
    ("BONDED_STORAGE", "none", "b", "ng", True), ("EC_INBOUND", "none", "ieb", "ng", True),
    ("EC_OUTBOUND", "none", "ieb", "ng", False), ("STORAGE", "all", "b", "de", False),
    ("STUFF", "all", "ie", "d", False), ("UNSTUFF", "all", "ie", "d", False), ("STOCKTAKE", "none", "b", "ng", False),
    ("LIFT_INSPECTION", "all", "b", "n", False),
]

# Fees quoted in US dollars (shipping lines' surcharges), and the usual USD amounts.
USD_CODES = frozenset({"CIC", "AMS", "ENS"})


def read_catalog() -> dict[str, dict]:
    """The standard fee catalogue (the file `flask catalog load` reads), by code."""
    with open(DEFAULT_CATALOG, newline="", encoding="utf-8-sig") as fh:
        return {row["code"]: row for row in csv.DictReader(fh)}
