"""Reading request parameters: one strict date format."""
from __future__ import annotations

from datetime import date

import pytest

from fees.params import day_param, parse_day


def test_parse_day():
    assert parse_day("2024-02-29") == date(2024, 2, 29)
    assert parse_day(" 2024-02-29 ") == date(2024, 2, 29)
    assert parse_day("") is None and parse_day(None) is None


@pytest.mark.parametrize("raw", ["2023-02-30", "2023-2-3", "20230203", "tomorrow", 20230203])
def test_malformed_days_are_refused(raw):
    with pytest.raises(ValueError):
        parse_day(raw)


def test_day_param_collects_errors(app):
    errors = []
    assert day_param({"on": "2023-02-30"}, "on", date(2024, 1, 1), errors) == date(2024, 1, 1)
    assert [e.field for e in errors] == ["on"]
    assert day_param({}, "on", date(2024, 1, 1), errors) == date(2024, 1, 1) and len(errors) == 1
