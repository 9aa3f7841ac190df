"""gunicorn.conf.py's worker warm-up: pages rendered before the first request, long-lived
objects frozen out of the garbage collector's way, and a worker that starts whatever
the warm-up meets; on CPython 3.11, garbage collected between requests instead of inside
them (the crash behind it is in docs/PERFORMANCE.md, "Load")."""
from __future__ import annotations

import gc
import runpy
import sys
import weakref
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
    gc.enable()


def test_a_worker_renders_the_warm_up_pages_then_freezes(app, schedule, unfrozen):
    seen = []
    app.after_request(lambda response: seen.append(response.status_code) or response)
    worker = Worker(app)
    CONF["post_worker_init"](worker)
    assert worker.failures == []
    assert seen == [200] * len(CONF["WARM_UP_PATHS"])
    assert gc.get_freeze_count() > 0
    assert gc.isenabled() is (sys.version_info >= (3, 12))


def test_a_failed_warm_up_is_logged_and_the_worker_still_starts(app, unfrozen):
    def broken(environ, start_response):
        raise RuntimeError("database unreachable")

    app.wsgi_app = broken
    worker = Worker(app)
    CONF["post_worker_init"](worker)
    assert worker.failures == ["warm-up requests failed"]
    assert gc.get_freeze_count() > 0


class Cycle:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def collector_off():
    thresholds = gc.get_threshold()
    gc.collect()
    gc.disable()
    gc.set_threshold(50, 2, 2)
    yield
    gc.set_threshold(*thresholds)
    gc.enable()


def test_collect_if_due_does_what_the_collector_would_have_done(collector_off):
    assert CONF["COLLECT_BETWEEN_REQUESTS"] is (sys.version_info < (3, 12))
    garbage = Cycle()
    gone = weakref.ref(garbage)
    del garbage
    assert CONF["collect_if_due"]() == -1  # not due yet: nothing collected
    assert gone() is not None
    keep = [[] for _ in range(60)]  # past the youngest generation's threshold
    assert CONF["collect_if_due"]() == 0
    assert gone() is None  # the cycle was collected
    assert gc.get_count()[0] < 50 and keep


def test_older_generations_are_collected_when_their_turn_comes(collector_off):
    collected, keep = [], []
    for _ in range(6):
        keep.append([[] for _ in range(60)])  # kept: the counts only grow
        collected.append(CONF["collect_if_due"]())
    assert collected == [0, 0, 1, 0, 0, 1]


def test_post_request_collects_on_3_11_only(collector_off):
    keep = [[] for _ in range(60)]
    CONF["post_request"](None, None, {}, None)
    assert (gc.get_count()[0] < 50) is CONF["COLLECT_BETWEEN_REQUESTS"] and keep
