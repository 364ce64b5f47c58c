"""The one place that fabricates test and benchmark data."""
