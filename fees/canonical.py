"""The canonical form of a published version and of a log entry, and their SHA-256.

This is the contract that lets anyone re-compute hashes from the open data: JSON with
sorted keys, no insignificant whitespace, UTF-8, money as strings with two decimals,
quantities as plain decimal strings, timestamps as UTC `YYYY-MM-DDTHH:MM:SSZ`.
docs/PUBLICATION_LOG.md describes it field by field; keep the two in step.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timezone
from decimal import Decimal

GENESIS_HASH = "0" * 64
VERSION_FORMAT = "openportfees/version/1"
ENTRY_FORMAT = "openportfees/log-entry/1"


def money_str(value: Decimal | None) -> str | None:
    """Money as a string with exactly two decimals (None stays None)."""
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def qty_str(value: Decimal | None) -> str | None:
    """A quantity as the shortest plain decimal string (`5`, `2.5`)."""
    if value is None:
        return None
    text = format(Decimal(value).normalize(), "f")
    return text


def utc_str(value: datetime) -> str:
    """A timestamp as UTC ISO 8601 to the second."""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def item_content(item) -> dict:
    """The canonical plain dict of a fee item (a FeeItem or anything with its attributes)."""
    return {
        "code": item.code,
        "name_zh": item.name_zh,
        "name_en": item.name_en or "",
        "service": item.service or "",
        "unit": item.unit,
        "container": item.container or "",
        "direction": item.direction,
        "cargo_class": item.cargo_class or "",
        "amount": money_str(item.amount),
        "currency": item.currency,
        "min_amount": money_str(item.min_amount),
        "tiers": [
            {"from": qty_str(t.from_qty), "to": qty_str(t.to_qty), "amount": money_str(t.amount)}
            for t in item.tiers
        ],
        "legal_basis": item.legal_basis or "",
        "notes": item.notes or "",
    }


def version_content(
    *,
    entity_slug: str,
    entity_uscc: str,
    schedule_slug: str,
    currency: str,
    number: int,
    effective_from: date,
    published_at: datetime,
    change_note: str,
    items: list[dict],
) -> dict:
    """The canonical content of a published version."""
    return {
        "format": VERSION_FORMAT,
        "entity": entity_slug,
        "entity_uscc": entity_uscc,
        "schedule": schedule_slug,
        "currency": currency,
        "number": number,
        "effective_from": effective_from.isoformat(),
        "published_at": utc_str(published_at),
        "change_note": change_note,
        "items": items,
    }


def canonical_bytes(obj: dict) -> bytes:
    """Serialise a plain dict the one canonical way."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sha256_hex(obj: dict) -> str:
    """SHA-256 of the canonical serialisation, as 64 lowercase hex digits."""
    return hashlib.sha256(canonical_bytes(obj)).hexdigest()


def entry_content(
    *,
    seq: int,
    action: str,
    recorded_at: datetime,
    entity_slug: str,
    schedule_slug: str,
    version_number: int,
    effective_from: date,
    content_sha256: str,
    prev_hash: str,
) -> dict:
    """The canonical content of one publication-log entry (its hash covers prev_hash)."""
    return {
        "format": ENTRY_FORMAT,
        "seq": seq,
        "action": action,
        "recorded_at": utc_str(recorded_at),
        "entity": entity_slug,
        "schedule": schedule_slug,
        "version": version_number,
        "effective_from": effective_from.isoformat(),
        "content_sha256": content_sha256,
        "prev_hash": prev_hash,
    }
