from datetime import date

from tests import factories as f


def test_publish_and_show(client, session):
    sched = f.schedule(session)
    version = f.publish(session, sched, [f.thc("850")], effective=date(2022, 3, 1), now=f.utc(2022, 1, 10))
    assert version.number == 1
    page = client.get(f"/entities/{sched.entity.slug}")
    assert page.status_code == 200
