"""Opaque cursors for paged API lists: one encoding for every list.

A cursor is URL-safe base64 of a small JSON object such as {"after": 120}; clients pass
it back unchanged in `?cursor=`. Anything else is refused (ValueError), never guessed.
"""
from __future__ import annotations

import base64
import binascii
import json


def encode_cursor(field: str, value: int) -> str:
    """The cursor for a page that starts from `field` = `value` (e.g. after seq 120)."""
    return base64.urlsafe_b64encode(json.dumps({field: value}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, field: str) -> int:
    """The non-negative whole number a cursor holds under `field`; ValueError otherwise."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise ValueError(cursor) from exc
    value = data.get(field) if isinstance(data, dict) else None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(cursor)
    return value
