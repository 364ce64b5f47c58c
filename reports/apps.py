from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """De-identified QUAC reports across cases, clocks and reviewers (R-RPT-1, R-RPT-2)."""

    name = "reports"
