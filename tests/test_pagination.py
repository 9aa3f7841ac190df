"""Opaque cursors: round trip, and refusal of anything that is not one of ours."""
from __future__ import annotations

import pytest

from opendata.pagination import decode_cursor, encode_cursor


def test_round_trip():
    assert decode_cursor(encode_cursor("after", 120), "after") == 120


@pytest.mark.parametrize("cursor", ["", "!!!", encode_cursor("offset", 3), encode_cursor("after", -1), "e30"])
def test_refused(cursor):
    with pytest.raises(ValueError):
        decode_cursor(cursor, "after")
