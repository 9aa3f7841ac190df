"""Benchmarks at national scale: a data generator (bench.generate) and the benchmark
harness (bench.run). See bench/README.md and docs/PERFORMANCE.md."""
