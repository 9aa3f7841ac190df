"""The pure part of the benchmark: percentiles, the results file and the printed table.

No server, no database and no third-party import here, so tests/test_bench_harness.py
checks it in milliseconds with the project's own interpreter, while bench/run.py (in
bench/.venv) uses it for the real figures.

results.json keeps one block of figures per scale under "runs" ("10k", "100k", "1m")
and repeats the figures of the largest scale measured at the top level, under the
names the issue asks for, so a reader (or a CI check) finds the national-scale answer
without knowing which runs were made.
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

# The names issue 7 requires at the top level of results.json.
REQUIRED = (
    "export_rows_per_s", "export_vs_sqlite3", "export_vs_datasette", "export_peak_rss_mb",
    "api_page_p95_ms", "api_throughput_vs_datasette", "compare_p95_ms", "search_p95_ms",
    "entity_page_p95_ms", "import_5k_s", "publish_ms",
)

# Scale names in growing order; a number of items is a scale too (e.g. "500").
SCALES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}

# (figure, target, "max" when the figure must stay at or below the target, "min" when at
# or above it), from "Targets at national scale" in issue 7.
TARGETS = (
    ("export_vs_datasette", 2.0, "min"),
    ("export_vs_sqlite3", 0.30, "min"),
    ("export_peak_rss_mb", 150.0, "max"),
    ("api_throughput_vs_datasette", 1.0, "min"),
    ("api_page_p95_ms", 25.0, "max"),
    ("compare_p95_ms", 100.0, "max"),
    ("search_p95_ms", 100.0, "max"),
    ("entity_page_p95_ms", 100.0, "max"),
    ("estimate_p95_ms", 100.0, "max"),
    ("publish_ms", 500.0, "max"),
    ("import_5k_s", 5.0, "max"),
)

# The printed table: (figure, label, unit). Figures missing from a run print as "—".
ROWS = (
    ("fee_items", "fee items (all versions)", ""),
    ("export_rows_per_s", "CSV export over HTTP", "rows/s"),
    ("sqlite3_rows_per_s", "  sqlite3 -csv, same columns", "rows/s"),
    ("sqlite3_plain_rows_per_s", "  sqlite3 -csv, plain table", "rows/s"),
    ("datasette_rows_per_s", "  Datasette _stream=on", "rows/s"),
    ("export_vs_sqlite3", "  export: ours / sqlite3", "×"),
    ("export_vs_datasette", "  export: ours / Datasette", "×"),
    ("export_peak_rss_mb", "  peak RSS of a worker", "MB"),
    ("export_baseline_rss_mb", "  its RSS before the export", "MB"),
    ("api_page_p50_ms", "API page of 100, unloaded p50", "ms"),
    ("api_page_p95_ms", "API page of 100, unloaded p95", "ms"),
    ("api_throughput_rps", "API page under load", "req/s"),
    ("api_loaded_p50_ms", "  p50 under load", "ms"),
    ("api_loaded_p95_ms", "  p95 under load", "ms"),
    ("datasette_throughput_rps", "  Datasette table JSON", "req/s"),
    ("api_throughput_vs_datasette", "  API under load: ours / Datasette", "×"),
    ("datasette_lean_throughput_rps", "  Datasette, _nocount&_nofacet", "req/s"),
    ("api_throughput_vs_datasette_lean", "  ours / that Datasette", "×"),
    ("compare_p95_ms", "/compare page p95", "ms"),
    ("compare_first_max_ms", "  its first request (cold)", "ms"),
    ("compare_api_p95_ms", "/api/v1/compare p95", "ms"),
    ("search_p95_ms", "/search page p95", "ms"),
    ("search_first_max_ms", "  slowest first request of a query (cold)", "ms"),
    ("search_api_p95_ms", "/api/v1/search p95", "ms"),
    ("entity_page_p95_ms", "entity page p95", "ms"),
    ("estimate_p95_ms", "/estimate page p95", "ms"),
    ("estimate_first_max_ms", "  its first request (cold)", "ms"),
    ("import_5k_s", "import a 5,000-row CSV", "s"),
    ("publish_ms", "publish a 60-item version", "ms"),
)


def percentile(samples: Iterable[float], p: float) -> float:
    """The p-th percentile (0–100) by linear interpolation between closest ranks
    (numpy's default "linear" method), so figures match what a reader's own tools say."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("no samples")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} is not within 0..100")
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_summary(seconds: Sequence[float]) -> dict:
    """p50, p95, max and count of latencies given in seconds, as milliseconds."""
    return {
        "p50_ms": round(percentile(seconds, 50) * 1000, 2),
        "p95_ms": round(percentile(seconds, 95) * 1000, 2),
        "max_ms": round(max(seconds) * 1000, 2),
        "n": len(seconds),
    }


def ratio(ours: float | None, theirs: float | None) -> float | None:
    """ours / theirs, rounded; None when either side was not measured."""
    if not ours or not theirs:
        return None
    return round(ours / theirs, 3)


def scale_items(scale: str) -> int:
    """The number of fee items a scale name stands for ("100k" -> 100000, "500" -> 500)."""
    if scale in SCALES:
        return SCALES[scale]
    if scale.isdigit() and int(scale) > 0:
        return int(scale)
    raise ValueError(f"unknown scale {scale!r}: use {', '.join(SCALES)} or a number of items")


def merge_run(previous: dict | None, run: dict) -> dict:
    """results.json after `run` (one scale's figures, with "scale"): the run replaces an
    earlier run of the same scale, and the top level repeats the largest scale's figures
    (the required names among them) with "growth" comparing the smallest and largest."""
    runs = dict((previous or {}).get("runs", {}))
    runs[run["scale"]] = run
    largest = max(runs, key=scale_items)
    smallest = min(runs, key=scale_items)
    result = {name: runs[largest].get(name) for name in REQUIRED}
    result.update({
        "scale": largest,
        "fee_items": runs[largest].get("fee_items"),
        "measured_at": runs[largest].get("measured_at"),
        "machine": runs[largest].get("machine"),
        "git_commit": runs[largest].get("git_commit"),
        "targets": target_checks(runs[largest]),
        "growth": growth(runs[smallest], runs[largest]) if smallest != largest else None,
        "latest": run["scale"],
        "runs": {name: runs[name] for name in sorted(runs, key=scale_items)},
    })
    return result


def growth(small: dict, large: dict) -> dict:
    """How cost grows from the smallest run to the largest: paged queries should cost
    about the same (large/small within 2×), the export's rows/s should hold (linear growth)."""
    def cost_ratio(name):
        return ratio(large.get(name), small.get(name))

    return {
        "from": small["scale"],
        "to": large["scale"],
        "items_ratio": ratio(large.get("fee_items"), small.get("fee_items")),
        "api_page_p50_ratio": cost_ratio("api_page_p50_ms"),
        "api_page_p95_ratio": cost_ratio("api_page_p95_ms"),
        "export_rows_per_s_ratio": cost_ratio("export_rows_per_s"),
        "export_seconds_ratio": cost_ratio("export_seconds"),
    }


def target_checks(run: dict) -> list[dict]:
    """Each target of the issue against a run: met or not, and by how much."""
    checks = []
    for name, target, kind in TARGETS:
        value = run.get(name)
        if name == "publish_ms" and run.get("publish_updates_search_index") is False:
            # Measured without a search index (--no-search): the index update, most of
            # a publication's cost, was not part of it, so the figure proves nothing.
            checks.append({"figure": name, "target": target, "kind": kind, "value": value, "met": None,
                           "note": "without the search index update"})
            continue
        if value is None:
            checks.append({"figure": name, "target": target, "kind": kind, "value": None, "met": None})
            continue
        met = value <= target if kind == "max" else value >= target
        # How far off: for a ceiling, value/target (2.0 = twice too slow); for a floor, target/value.
        off = value / target if kind == "max" else (target / value if value else None)
        checks.append({"figure": name, "target": target, "kind": kind, "value": value, "met": met,
                       "factor": round(off, 2) if off is not None else None})
    return checks


def read_results(path: Path) -> dict | None:
    """The results file, or None when there is none yet (or it is unreadable)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def write_results(path: Path, results: dict) -> None:
    """Write results.json: sorted runs, two-space indent, a final newline (diff-friendly)."""
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def format_value(value, unit: str = "") -> str:
    """A figure for the table: thousands separators for big numbers, 3 digits otherwise."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if unit == "×":
        return f"{value:.2f}×"
    if isinstance(value, int) or (isinstance(value, float) and abs(value) >= 1000):
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def render_table(results: dict) -> str:
    """The figures of every run, one column per scale, as plain text for the terminal."""
    runs = results.get("runs", {})
    scales = sorted(runs, key=scale_items)
    header = ["figure", "unit", *scales]
    lines = [header]
    for name, label, unit in ROWS:
        if not any(runs[s].get(name) is not None for s in scales):
            continue
        lines.append([label, unit, *(format_value(runs[s].get(name), unit) for s in scales)])
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    out = []
    for number, row in enumerate(lines):
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1]),
                 *(cell.rjust(width) for cell, width in zip(row[2:], widths[2:]))]
        out.append("  ".join(cells).rstrip())
        if number == 0:
            out.append("  ".join("-" * w for w in widths))
    checks = results.get("targets") or []
    if checks:
        out.append("")
        out.append(f"targets at {results.get('scale')}:")
        for check in checks:
            if check["met"] is None:
                state = check.get("note") or "not measured"
            else:
                state = "met" if check["met"] else f"MISSED ({check['factor']}× off)"
            sign = "≤" if check["kind"] == "max" else "≥"
            out.append(f"  {check['figure']} {sign} {check['target']}: {format_value(check['value'])}  {state}")
    return "\n".join(out)


def render_markdown(results: dict) -> str:
    """The same table as render_table, in Markdown, for docs/PERFORMANCE.md:
    `bench/.venv/bin/python -m bench.measure_stats` prints it from bench/results.json."""
    runs = results.get("runs", {})
    scales = sorted(runs, key=scale_items)
    lines = ["| figure | unit | " + " | ".join(scales) + " |", "|---|---|" + "---:|" * len(scales)]
    for name, label, unit in ROWS:
        if any(runs[s].get(name) is not None for s in scales):
            cells = " | ".join(format_value(runs[s].get(name), unit) for s in scales)
            lines.append(f"| {label.strip()} | {unit} | {cells} |")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    found = read_results(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("results.json"))
    print(render_markdown(found) if found else "no results yet: run bench/run.sh")
