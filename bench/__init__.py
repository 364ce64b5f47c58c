"""Benchmarks and load tests, run on demand (docs/performance.md); never imported by the product."""
