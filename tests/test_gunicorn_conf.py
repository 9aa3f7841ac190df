"""gunicorn.conf.py's worker warm-up: pages rendered before the first request, long-lived
objects frozen out of the garbage collector's way, and a worker that starts whatever
the warm-up meets."""
from __future__ import annotations

import gc
import runpy
from pathlib import Path

import pytest

CONF = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))


class Worker:
    """What post_worker_init uses of a gunicorn worker."""

    def __init__(self, wsgi) -> None:
        self.wsgi = wsgi
        self.failures: list[str] = []
        self.log = self

    def exception(self, message: str) -> None:
        self.failures.append(message)


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()


def test_a_worker_renders_the_warm_up_pages_then_freezes(app, schedule, unfrozen):
    seen = []
    app.after_request(lambda response: seen.append(response.status_code) or response)
    worker = Worker(app)
    CONF["post_worker_init"](worker)
    assert worker.failures == []
    assert seen == [200] * len(CONF["WARM_UP_PATHS"])
    assert gc.get_freeze_count() > 0


def test_a_failed_warm_up_is_logged_and_the_worker_still_starts(app, unfrozen):
    def broken(environ, start_response):
        raise RuntimeError("database unreachable")

    app.wsgi_app = broken
    worker = Worker(app)
    CONF["post_worker_init"](worker)
    assert worker.failures == ["warm-up requests failed"]
    assert gc.get_freeze_count() > 0
