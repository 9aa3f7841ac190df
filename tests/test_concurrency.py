"""Two publishers at the same moment: one wins cleanly, the other gets a clear error."""
from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from fees.db import db
from fees.errors import Conflict
from fees.models import PublicationLogEntry, ScheduleVersion
from fees.services import drafts, publishing
from fees.services.ledger import verify_log
from tests import factories as f


def publish_together(app, draft_ids: list[int], effective: date) -> list:
    """Publish each draft from its own thread and session, released at the same instant."""
    barrier = threading.Barrier(len(draft_ids))
    results: list = [None] * len(draft_ids)

    def work(n: int, draft_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                version = publishing.publish_version(db.session, draft_id, effective_from=effective,
                                                     change_note=f"publisher {n}")
                results[n] = version.number
            except Conflict as exc:
                results[n] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(n, d)) for n, d in enumerate(draft_ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_concurrent_publishes_of_one_schedule(app, session):
    sched = f.schedule(session)
    f.publish(session, sched, [f.thc("850")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    first = drafts.create_draft(session, sched, items=[f.thc("800")])
    second = drafts.create_draft(session, sched, items=[f.thc("790")])
    session.commit()

    results = publish_together(app, [first.id, second.id], date(2031, 1, 1))

    winners = [r for r in results if isinstance(r, int)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert winners == [2] and len(losers) == 1
    session.expire_all()
    versions = session.scalars(select(ScheduleVersion).where(ScheduleVersion.schedule_id == sched.id)).all()
    assert sorted(v.number for v in versions if v.number) == [1, 2]
    assert [v.status for v in versions].count("draft") == 1  # the loser's draft is intact
    assert session.scalar(select(func.count()).select_from(PublicationLogEntry)) == 2
    assert verify_log(session) == []


def test_concurrent_publishes_of_different_schedules_both_land_on_one_chain(app, session):
    scheds = [f.schedule(session, slug=f"s{n}") for n in range(4)]
    draft_ids = [drafts.create_draft(session, s, items=[f.thc("850")]).id for s in scheds]
    session.commit()

    results = publish_together(app, draft_ids, date(2031, 1, 1))

    assert results == [1, 1, 1, 1]
    session.expire_all()
    seqs = session.scalars(select(PublicationLogEntry.seq).order_by(PublicationLogEntry.seq)).all()
    assert seqs == [1, 2, 3, 4]
    assert verify_log(session) == []
