"""gunicorn settings for ./run.sh and production (override with GUNICORN_CMD_ARGS)."""
import gc
import os

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


def post_worker_init(worker):
    """Warm the worker up, then freeze what it holds so far: the imported app is ~150,000
    long-lived objects that every full garbage collection would walk again (an 80-100 ms
    pause in the middle of some request). A failed warm-up (database down) is only logged."""
    app = worker.wsgi
    try:
        with app.test_client() as client:
            for path in WARM_UP_PATHS:
                client.get(path, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    except Exception:  # the worker must start anyway; requests will show the real error
        worker.log.exception("warm-up requests failed")
    gc.collect()
    gc.freeze()
