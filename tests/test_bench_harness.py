"""The benchmark harness's pure parts (bench/measure_stats.py): percentiles, the shape
and names of bench/results.json, target checks and the printed table. No server runs."""
from __future__ import annotations

import json

import pytest

from bench import measure_stats as stats


def run(scale: str, **figures) -> dict:
    """A run's figures as bench/run.py makes them (only what a test needs)."""
    base = {name: 1.0 for name in stats.REQUIRED}
    return {"scale": scale, "fee_items": stats.scale_items(scale), "measured_at": "2026-11-27T00:00:00Z",
            "machine": {"cores": 2}, "git_commit": "abc1234", **base, **figures}


def test_percentile_interpolates_between_closest_ranks_like_numpy():
    samples = [15, 20, 35, 40, 50]
    assert stats.percentile(samples, 0) == 15
    assert stats.percentile(samples, 50) == 35
    assert stats.percentile(samples, 100) == 50
    assert stats.percentile(samples, 40) == pytest.approx(29.0)  # numpy.percentile(samples, 40)
    assert stats.percentile(samples, 95) == pytest.approx(48.0)


def test_percentile_ignores_order_and_takes_one_sample():
    assert stats.percentile([3, 1, 2], 50) == 2
    assert stats.percentile([7.5], 95) == 7.5


@pytest.mark.parametrize("samples, p", [([], 50), ([1, 2], 101), ([1, 2], -1)])
def test_percentile_refuses_nonsense(samples, p):
    with pytest.raises(ValueError):
        stats.percentile(samples, p)


def test_latency_summary_is_in_milliseconds():
    summary = stats.latency_summary([0.010] * 19 + [0.100])
    assert summary == {"p50_ms": 10.0, "p95_ms": 14.5, "max_ms": 100.0, "n": 20}


def test_ratio_is_none_when_a_side_is_missing():
    assert stats.ratio(300, 200) == 1.5
    assert stats.ratio(None, 200) is None
    assert stats.ratio(300, 0) is None


def test_scales_by_name_or_number():
    assert [stats.scale_items(s) for s in ("10k", "100k", "1m", "500")] == [10_000, 100_000, 1_000_000, 500]
    with pytest.raises(ValueError):
        stats.scale_items("huge")


def test_results_carry_every_required_name_of_the_largest_run_at_the_top():
    first = stats.merge_run(None, run("1m", export_rows_per_s=90_000.0))
    results = stats.merge_run(first, run("10k", export_rows_per_s=120_000.0))
    for name in stats.REQUIRED:
        assert name in results
    assert results["scale"] == "1m"
    assert results["export_rows_per_s"] == 90_000.0  # the national-scale figure, not the latest run's
    assert results["latest"] == "10k"
    assert list(results["runs"]) == ["10k", "1m"]  # smallest first
    assert results["machine"] == {"cores": 2} and results["git_commit"] == "abc1234"


def test_a_new_run_replaces_the_same_scale():
    results = stats.merge_run(stats.merge_run(None, run("10k", publish_ms=300.0)), run("10k", publish_ms=200.0))
    assert list(results["runs"]) == ["10k"]
    assert results["publish_ms"] == 200.0
    assert results["growth"] is None  # one scale: nothing to compare


def test_growth_compares_the_smallest_and_the_largest_run():
    results = stats.merge_run(
        stats.merge_run(None, run("10k", api_page_p50_ms=5.0, export_rows_per_s=100_000.0, export_seconds=0.1)),
        run("1m", api_page_p50_ms=6.0, export_rows_per_s=80_000.0, export_seconds=12.5))
    assert results["growth"] == {
        "from": "10k", "to": "1m", "items_ratio": 100.0, "api_page_p50_ratio": 1.2, "api_page_p95_ratio": 1.0,
        "export_rows_per_s_ratio": 0.8, "export_seconds_ratio": 125.0,
    }


def test_targets_say_met_or_by_how_much_missed():
    checks = {c["figure"]: c for c in stats.target_checks(run(
        "1m", export_vs_datasette=1.0, api_page_p95_ms=12.0, publish_ms=1000.0, estimate_p95_ms=None))}
    assert checks["export_vs_datasette"]["met"] is False and checks["export_vs_datasette"]["factor"] == 2.0
    assert checks["api_page_p95_ms"]["met"] is True
    assert checks["publish_ms"]["met"] is False and checks["publish_ms"]["factor"] == 2.0
    assert checks["estimate_p95_ms"]["met"] is None
    assert {c["figure"] for c in stats.target_checks(run("1m"))} >= {"export_vs_sqlite3", "export_peak_rss_mb",
                                                                     "api_throughput_vs_datasette", "import_5k_s"}


def test_results_file_round_trips(tmp_path):
    path = tmp_path / "results.json"
    assert stats.read_results(path) is None
    results = stats.merge_run(None, run("100k"))
    stats.write_results(path, results)
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert json.loads(text) == stats.read_results(path) == results


def test_table_has_a_column_per_scale_and_the_targets():
    results = stats.merge_run(stats.merge_run(None, run("10k", export_rows_per_s=123_456.0, api_page_p95_ms=7.25)),
                              run("100k", export_rows_per_s=98_765.4, api_page_p95_ms=30.0))
    table = stats.render_table(results)
    lines = table.splitlines()
    assert lines[0].split() == ["figure", "unit", "10k", "100k"]
    export = next(line for line in lines if line.startswith("CSV export over HTTP"))
    assert export.split()[-2:] == ["123,456", "98,765"]
    p95 = next(line for line in lines if line.startswith("API page of 100, unloaded p95"))
    assert p95.split()[-2:] == ["7.25", "30.0"]
    assert "targets at 100k:" in table
    assert "api_page_p95_ms ≤ 25.0: 30.0  MISSED (1.2× off)" in table
    assert "sqlite3 -csv, plain table" not in table  # a figure no run has is left out


def test_values_print_readably():
    assert stats.format_value(None) == "—"
    assert stats.format_value(1.5, "×") == "1.50×"
    assert stats.format_value(1234567.8) == "1,234,568"
    assert stats.format_value(123.4) == "123"
    assert stats.format_value(12.34) == "12.3"
    assert stats.format_value(1.234) == "1.23"


def test_markdown_table_for_the_docs():
    results = stats.merge_run(None, run("10k", export_rows_per_s=123_456.0, export_vs_datasette=2.5))
    lines = stats.render_markdown(results).splitlines()
    assert lines[0] == "| figure | unit | 10k |"
    assert lines[1] == "|---|---|---:|"
    assert "| CSV export over HTTP | rows/s | 123,456 |" in lines
    assert "| export: ours / Datasette | × | 2.50× |" in lines


def test_a_publication_without_the_search_index_update_proves_nothing():
    checks = {c["figure"]: c for c in stats.target_checks(run("1m", publish_ms=35.0,
                                                                 publish_updates_search_index=False))}
    assert checks["publish_ms"]["met"] is None
    assert checks["publish_ms"]["note"] == "without the search index update"
