"""gunicorn settings for ./run.sh and production (override with GUNICORN_CMD_ARGS)."""
import gc
import os
import sys

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 60
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Pages a worker renders once before it takes requests: its first request would otherwise
# pay for SQLAlchemy's mapper set-up, template compilation, plotly and Babel's locale data
# and the first SQL compilations (100-150 ms), on top of whatever it was asked.
WARM_UP_PATHS = (
    "/",
    "/compare?code=THC",
    "/estimate?line=port&direction=export&40HQ=1",
    "/api/v1/compare?code=THC",
)


# CPython 3.11 runs the cyclic garbage collector from inside whatever allocation crosses
# the threshold, in the middle of C code. Under bench.load (readers while publishers
# publish) that crashed gunicorn workers with SIGSEGV within seconds on 3.11.7 — heap
# corruption, in no one place — and never with the collector off, nor on 3.12 (which
# collects only between bytecodes). So on 3.11 a worker collects when a request is done
# instead (post_request), as often as the collector would have. docs/PERFORMANCE.md, "Load".
COLLECT_BETWEEN_REQUESTS = sys.version_info < (3, 12)


def post_worker_init(worker):
    """Warm the worker up, then freeze what it holds so far: the imported app is ~150,000
    long-lived objects that every full garbage collection would walk again (an 80-100 ms
    pause). A failed warm-up (database down) is only logged. On 3.11, automatic collection
    is then turned off: post_request collects instead."""
    app = worker.wsgi
    try:
        with app.test_client() as client:
            for path in WARM_UP_PATHS:
                client.get(path, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    except Exception:  # the worker must start anyway; requests will show the real error
        worker.log.exception("warm-up requests failed")
    gc.collect()
    gc.freeze()
    if COLLECT_BETWEEN_REQUESTS:
        gc.disable()


def post_request(worker, req, environ, resp):
    """After a request (its response sent), collect garbage if the collector is due."""
    if COLLECT_BETWEEN_REQUESTS:
        collect_if_due()


def collect_if_due() -> int:
    """What the automatic collector would do at this point: the oldest generation whose
    count has passed its threshold, if the youngest has (counts go on while it is off).
    Returns the generation collected, or -1."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    if counts[0] < thresholds[0]:
        return -1
    generation = 2 if counts[2] >= thresholds[2] else 1 if counts[1] >= thresholds[1] else 0
    gc.collect(generation)
    return generation
