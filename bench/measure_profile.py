"""Profile one request in process with pyinstrument, to see where a slow figure's time goes.

    .venv/bin/python -m bench.measure_profile --db bench/data/work-100k/opf.db \\
        --search-dir bench/data/work-100k/search "/api/v1/fee-items.csv" [--repeat 3] [--html out.html]

The app runs in this process (Flask's test client, the whole WSGI stack, a streamed
body read to its end), so the profile holds the view, the queries and the CSV writer,
without gunicorn or the network. The first request is a warm-up and is not profiled.
pyinstrument lives in bench/.venv (bench/requirements.txt), not in the site's .venv: it
is put at the end of the import path, so the site's own packages always win.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

BENCH_SITE_PACKAGES = sorted((Path(__file__).resolve().parent / ".venv" / "lib").glob("python3*/site-packages"))


def profiler_class():
    """pyinstrument's Profiler, from bench/.venv when the site's venv lacks it."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        sys.path.extend(str(p) for p in BENCH_SITE_PACKAGES)
        from pyinstrument import Profiler
    return Profiler


def main(argv: list[str] | None = None) -> int:
    """Warm up, then profile `repeat` requests of the path and print the call tree."""
    parser = argparse.ArgumentParser(prog="python -m bench.measure_profile", description=__doc__.split("\n")[0])
    parser.add_argument("path", help="the request path with its query, e.g. /search?q=THC")
    parser.add_argument("--db", required=True)
    parser.add_argument("--search-dir", required=True)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--html", type=Path, help="also write pyinstrument's HTML report here")
    args = parser.parse_args(argv)

    from bench.measure_site import make_app

    Profiler = profiler_class()
    app = make_app(args.db, args.search_dir)
    client = app.test_client()

    def fetch() -> int:
        response = client.get(args.path)
        size = sum(len(chunk) for chunk in response.response)  # a streamed body, read to its end
        response.close()
        if response.status_code != 200:
            raise SystemExit(f"{args.path} answered {response.status_code}")
        return size

    fetch()
    profiler = Profiler(interval=0.001)
    started = time.perf_counter()
    with profiler:
        for _ in range(args.repeat):
            size = fetch()
    seconds = (time.perf_counter() - started) / args.repeat
    print(f"{args.path}: {seconds * 1000:.1f} ms per request, {size:,} bytes", file=sys.stderr)
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        args.html.write_text(profiler.output_html(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
