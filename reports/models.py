"""The saved-report history: who pulled which QUAC report, for which range, and when.

QUAC asks for reports "on request" (policy VI.F.8); this log is how the plan shows each
request was answered. Rows are written by reports.services.report_pull only.
"""

from django.conf import settings
from django.db import models


class ReportSource(models.TextChoices):
    WEB = "web", "Reports page"
    API = "api", "REST API"
    COMMAND = "command", "quac_report command"


class ReportFormat(models.TextChoices):
    HTML = "html", "Page"
    CSV = "csv", "CSV (zip)"
    PDF = "pdf", "PDF"
    JSON = "json", "JSON"


class ReportRun(models.Model):
    """One QUAC report produced. Append-only: nothing edits or deletes these rows."""

    pulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the quac_report command produced it.",
    )
    source = models.CharField(max_length=10, choices=ReportSource.choices)
    format = models.CharField(max_length=4, choices=ReportFormat.choices)
    date_from = models.DateField()
    date_to = models.DateField(help_text="Inclusive.")
    # The optional filters as chosen (labels included), e.g. {"review_type": "standard"}.
    filters = models.JSONField(default=dict, blank=True)
    cases = models.PositiveIntegerField(help_text="Cases the report covered.")
    seconds = models.FloatField(help_text="Time the database took to compute the figures.")
    pulled_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-pulled_at", "-pk"]

    def __str__(self) -> str:
        return f"QUAC report {self.date_from:%Y-%m-%d}–{self.date_to:%Y-%m-%d} ({self.format})"

    @property
    def pulled_by_label(self) -> str:
        return self.pulled_by.get_username() if self.pulled_by else "quac_report command"

    @property
    def filters_label(self) -> str:
        return str(self.filters.get("label") or "none")
