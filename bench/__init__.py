"""Benchmarks and load tests, run on demand (see docs/performance.md); never imported by the product."""
