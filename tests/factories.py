"""Build test data through the same services users call."""
from __future__ import annotations

from datetime import date, datetime, timezone
from itertools import count

from stdnum.cn import uscc

from fees.services import drafts, publishing, registry
from fees.services.base import Policy

_serial = count(1)


def next_serial() -> int:
    """A number unique within the test run."""
    return next(_serial)


def valid_uscc(n: int) -> str:
    """A unified social credit code with a correct check character, unique per n."""
    body = f"91350200MA{n:06d}"[:16] + "0"
    body = body[:17]
    return body + uscc.calc_check_digit(body)


def utc(y: int, m: int, d: int, hour: int = 2) -> datetime:
    """An aware UTC datetime (10:00 in Xiamen at the default hour)."""
    return datetime(y, m, d, hour, tzinfo=timezone.utc)


def port(session, locode: str = "CNXMN"):
    """The port of Xiamen (created once)."""
    from sqlalchemy import select

    from fees.models import Port

    found = session.scalar(select(Port).where(Port.locode == locode))
    return found or registry.create_port(session, locode=locode, name_zh="厦门港", name_en="Port of Xiamen")


def entity(session, slug: str | None = None, kind: str = "container_terminal", **extra):
    """A charging entity at Xiamen with a valid credit code."""
    port(session)
    n = next(_serial)
    return registry.create_entity(
        session,
        slug=slug or f"entity-{n}",
        name_zh=extra.pop("name_zh", f"测试码头{n}"),
        name_en=extra.pop("name_en", f"Test Terminal {n}"),
        kind=kind,
        port_locode="CNXMN",
        uscc=extra.pop("uscc", valid_uscc(n)),
        **extra,
    )


def schedule(session, owner=None, slug: str = "container", business_line: str = "port", **extra):
    """A fee schedule (of a new entity unless one is given)."""
    owner = owner or entity(session)
    return registry.create_schedule(
        session, entity=owner, slug=slug, name_zh=extra.pop("name_zh", "集装箱业务收费"),
        name_en=extra.pop("name_en", "Container services"), business_line=business_line, **extra,
    )


def thc(amount: str = "850", container: str = "40HQ", direction: str = "export", **extra) -> dict:
    """A THC item as a user would type it."""
    return {"code": "THC", "name_zh": "码头操作费", "name_en": "Terminal handling charge",
            "unit": "per_container", "container": container, "direction": direction,
            "amount": amount, **extra}


def storage(tiers=None, container: str = "20GP", **extra) -> dict:
    """A tiered storage item: days 1–4 free, 5–10 ¥20/day, 11+ ¥40/day unless told otherwise."""
    return {"code": "STORAGE", "name_zh": "堆存费", "name_en": "Storage", "unit": "per_container_day",
            "container": container, "direction": "both",
            "tiers": tiers if tiers is not None else [
                {"from": "1", "to": "4", "amount": "0"},
                {"from": "5", "to": "10", "amount": "20"},
                {"from": "11", "to": None, "amount": "40"},
            ], **extra}


def publish(session, sched, items: list[dict], *, effective: date, now: datetime,
            note: str = "调整收费标准", policy: Policy = Policy(), actor=None):
    """Draft `items` for `sched` and publish them (effective on `effective`, published at `now`)."""
    draft = drafts.create_draft(session, sched, items=items, actor=actor)
    return publishing.publish_version(
        session, draft.id, effective_from=effective, change_note=note, policy=policy, now=now, actor=actor
    )
