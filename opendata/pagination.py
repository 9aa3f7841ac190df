"""Opaque cursors for paged API lists: one encoding for every list.

A cursor is URL-safe base64 of a small JSON object such as {"after": 120} (one number) or
{"after": [17, 3]} (a whole primary key, for keyset pages over composite or text keys);
clients pass it back unchanged in `?cursor=`. Anything else is refused (ValueError),
never guessed.

`page_response` renders a page of any list the one way: `{"items": [...], "next": <url or
null>}` plus, when a page follows, an RFC 8288 `Link: <url>; rel="next"` header.
"""
from __future__ import annotations

import base64
import binascii
import json
from urllib.parse import urlencode

from flask import Response, current_app, request

MAX_INT = 2**31 - 1  # keys are 32-bit columns: PostgreSQL refuses a larger number in a comparison


def encode_cursor(field: str, value) -> str:
    """The cursor for a page that starts from `field` = `value` (e.g. after seq 120)."""
    return base64.urlsafe_b64encode(json.dumps({field: value}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, field: str) -> int:
    """The non-negative whole number a cursor holds under `field`; ValueError otherwise."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise ValueError(cursor) from exc
    value = data.get(field) if isinstance(data, dict) else None
    if not _whole(value):
        raise ValueError(cursor)
    return value


def _whole(value) -> bool:
    """A whole number a database integer column can be compared with (0 to 2³¹−1)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_INT


# Keyset cursors over a whole primary key: {"after": [17, 3]}. The key's parts are whole
# numbers or short strings (slugs, codes), so a cursor stays small and safe to log.
MAX_TEXT = 200


def encode_key(key: tuple) -> str:
    """The cursor for the page after the row whose primary key is `key`."""
    return encode_cursor("after", list(key))


def decode_key(cursor: str, kinds: tuple[type, ...]) -> tuple:
    """The key a cursor of encode_key holds, checked against the key's kinds (int or str
    per column, in order); ValueError when it is not such a key."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise ValueError(cursor) from exc
    values = data.get("after") if isinstance(data, dict) else None
    if not isinstance(values, list) or len(values) != len(kinds):
        raise ValueError(cursor)
    for value, kind in zip(values, kinds):
        if kind is int and not _whole(value):
            raise ValueError(cursor)
        if kind is str and (not isinstance(value, str) or not value or len(value) > MAX_TEXT
                            or not value.isprintable()):
            raise ValueError(cursor)
    return tuple(values)


# -- pages of a JSON list --------------------------------------------------------------

def next_url(cursor: str | None) -> str | None:
    """This request's path and query with `cursor` in place of any ?cursor= or ?after=
    (every other parameter kept as sent, repeated ones too); None without a cursor."""
    if cursor is None:
        return None
    query = [(k, v) for k, v in request.args.items(multi=True) if k not in ("cursor", "after")]
    return f"{request.script_root}{request.path}?{urlencode([*query, ('cursor', cursor)])}"


def page_response(items: list, cursor: str | None) -> Response:
    """A page of a list: `{"items": [...], "next": <url or null>}`, and when a page
    follows, the same URL in an RFC 8288 `Link: <…>; rel="next"` header."""
    following = next_url(cursor)
    # Keys stay in the data set's field order (jsonify would sort them): id first, as in the CSV.
    body = current_app.json.dumps({"items": items, "next": following}, sort_keys=False)
    response = current_app.response_class(f"{body}\n", mimetype=current_app.json.mimetype)
    if following:
        response.headers["Link"] = f'<{following}>; rel="next"'
    return response
