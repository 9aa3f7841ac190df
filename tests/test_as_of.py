"""Public pages as of any day (?on=YYYY-MM-DD), with a banner, at the boundaries."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from fees.services import publishing
from fees.types import utcnow
from fees.views.helpers import today
from tests import factories as f


@pytest.fixture
def history(session):
    """v1 from 2022-03-01 (¥850), v2 from 2023-03-01 (¥935), v3 withdrawn before 2024-01-01 took effect."""
    sched = f.schedule(session, f.entity(session, slug="asof-terminal"))
    f.publish(session, sched, [f.thc("850")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    f.publish(session, sched, [f.thc("935")], effective=date(2023, 3, 1), now=f.utc(2023, 1, 10))
    v3 = f.publish(session, sched, [f.thc("999")], effective=date(2024, 1, 1), now=f.utc(2023, 11, 1))
    publishing.withdraw_version(session, v3.id, reason="录入错误", now=f.utc(2023, 11, 2))
    return sched


def in_effect_amount(client, on: str) -> str:
    page = client.get(f"/entities/asof-terminal?lang=en&on={on}").get_data(as_text=True)
    section = page[page.index('id="schedule-container"'):]
    if "No version of this schedule is in effect" in section[:600]:
        return "none"
    return "935.00" if "935.00" in section.split("Earlier versions")[0] else "850.00"


@pytest.mark.parametrize("on, expected", [
    ("2022-02-28", "none"), ("2022-03-01", "850.00"), ("2022-03-02", "850.00"),
    ("2023-02-28", "850.00"), ("2023-03-01", "935.00"), ("2023-03-02", "935.00"),
    ("2024-01-01", "935.00"),  # the withdrawn version never counts
])
def test_entity_page_on_a_day(client, history, on, expected):
    assert in_effect_amount(client, on) == expected


def test_banner_says_past_or_future(client, history):
    past = client.get("/entities/asof-terminal?lang=en&on=2022-06-01").get_data(as_text=True)
    assert "You are looking at the past" in past and "2022-06-01" in past
    future_day = (today() + timedelta(days=10)).isoformat()
    ahead = client.get(f"/entities/asof-terminal?lang=en&on={future_day}").get_data(as_text=True)
    assert "You are looking ahead" in ahead
    assert "asof-banner" not in client.get("/entities/asof-terminal").get_data(as_text=True)
    assert "asof-banner" not in client.get(f"/entities/asof-terminal?on={today().isoformat()}").get_data(as_text=True)


def test_upcoming_version_shows_as_in_effect_on_its_day(client, session, history):
    upcoming = today() + timedelta(days=40)
    f.publish(session, history, [f.thc("1000")], effective=upcoming, now=utcnow())
    assert "1,000.00" not in client.get("/entities/asof-terminal").get_data(as_text=True).split("Earlier")[0]
    page = client.get(f"/entities/asof-terminal?on={upcoming.isoformat()}").get_data(as_text=True)
    assert "1,000.00" in page


def test_version_page_names_the_version_in_effect_on_the_day(client, history):
    page = client.get("/entities/asof-terminal/schedules/container/versions/1?lang=en&on=2023-06-01").get_data(as_text=True)
    assert "This is not the version in effect on 2023-06-01" in page and "See version 2" in page
    page = client.get("/entities/asof-terminal/schedules/container/versions/1?lang=en&on=2022-06-01").get_data(as_text=True)
    assert "This is not the version in effect" not in page


def test_a_bad_date_is_refused_clearly(client, history):
    response = client.get("/entities/asof-terminal?lang=en&on=2023-02-30")
    assert response.status_code == 422 and "2023-02-30 is not a date" in response.get_data(as_text=True)
