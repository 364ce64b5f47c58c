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


class MonthSummary(models.Model):
    """The QUAC report's sums for one calendar month of IMRO receipt (plan time zone) ×
    review type × IMRO (empty: the independent specialists together) × specialty.

    Derived data, never edited by hand: reports.summary.summary_refresh recomputes the
    rows of the cases a service changed, inside that service's transaction, with the
    same queries as the full computation; `manage.py rebuild_report_summary` recomputes
    a range. The report reads these rows for every sum it needs (docs/reports.md
    "Summary table"); percentiles and what depends on the moment the report is read
    (running clocks overdue) still come from the facts.
    """

    month = models.DateField(help_text="First day of the month of IMRO receipt.")
    review_type = models.CharField(max_length=16)
    imro = models.ForeignKey(
        "reviewers.Imro",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the independent specialists, reported together (R-REF-6).",
    )
    specialty = models.CharField(max_length=100, blank=True)
    cases = models.PositiveIntegerField(default=0)
    reviewed = models.PositiveIntegerField(default=0)
    turnaround_hours_sum = models.FloatField(default=0)
    cost = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    uncharged = models.PositiveIntegerField(default=0)
    # UM 5 (R-RPT-3), the part that does not depend on when the report is read: cases
    # with the decision (notice) recorded, plus those without one whose plan clock is
    # already missed. A running plan clock past due is added when the report is read.
    um5_decision_measured = models.PositiveIntegerField(default=0)
    um5_decision_on_time = models.PositiveIntegerField(default=0)
    um5_notice_measured = models.PositiveIntegerField(default=0)
    um5_notice_on_time = models.PositiveIntegerField(default=0)
    # CMS-0057-F shape (R-RPT-4); the median is computed from the facts.
    cms_decided = models.PositiveIntegerField(default=0)
    cms_approved = models.PositiveIntegerField(default=0)
    cms_denied = models.PositiveIntegerField(default=0)
    cms_approved_after_appeal = models.PositiveIntegerField(default=0)
    cms_extended = models.PositiveIntegerField(default=0)
    cms_approved_after_extension = models.PositiveIntegerField(default=0)
    cms_hours_sum = models.FloatField(default=0)
    cms_hours_count = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "review_type", "imro", "specialty"],
                condition=models.Q(imro__isnull=False),
                name="month_summary_one_row_per_key",
            ),
            models.UniqueConstraint(
                fields=["month", "review_type", "specialty"],
                condition=models.Q(imro__isnull=True),
                name="month_summary_one_independent_row",
            ),
        ]

    def __str__(self) -> str:
        return f"summary {self.month:%Y-%m} {self.review_type} imro={self.imro_id}"


class SummaryCount(models.TextChoices):
    CIRCUMSTANCE = "circumstance", "cases per VI.B circumstance"
    OUTCOME = "outcome", "cases per IMRO recommendation × CMO final decision"
    CLOCK = "clock", "clocks per clock review type and name"


class MonthSummaryCount(models.Model):
    """A count of a MonthSummary row broken down further: cases per circumstance ("3",
    "" for none recorded), per recommendation × final decision ("uphold|deny", an empty
    side for none yet), or clocks met / missed / running per clock ("standard|name")."""

    summary = models.ForeignKey(MonthSummary, on_delete=models.CASCADE, related_name="counts")
    dimension = models.CharField(max_length=12, choices=SummaryCount.choices)
    value = models.CharField(max_length=80, blank=True)
    cases = models.PositiveIntegerField(default=0)
    met = models.PositiveIntegerField(default=0)
    missed = models.PositiveIntegerField(default=0)
    running = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "dimension", "value"], name="month_summary_count_one_per_value"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension} {self.value} of {self.summary}"


class MonthSummaryCase(models.Model):
    """One case of a MonthSummary row, with the values the report takes percentiles of
    (medians and 90th percentiles cannot be summed): the review's stored turnaround and
    the hours from receipt at the plan to the original signed determination of a
    decided case. Rewritten with its summary row."""

    summary = models.ForeignKey(MonthSummary, on_delete=models.CASCADE, related_name="cases_in")
    case = models.ForeignKey("cases.Case", on_delete=models.DO_NOTHING, related_name="+")
    turnaround_hours = models.FloatField(null=True)
    turnaround_business_days = models.IntegerField(null=True)
    decision_hours = models.FloatField(null=True)

    def __str__(self) -> str:
        return f"case {self.case_id} of {self.summary}"


class MonthSummaryClock(models.Model):
    """A clock of a MonthSummary row's cases that is missed or still running: the list of
    missed (and running, overdue) clocks and the overdue counts read these instead of
    every clock of the range. Rewritten with its summary row."""

    summary = models.ForeignKey(MonthSummary, on_delete=models.CASCADE, related_name="clocks")
    clock_id = models.BigIntegerField()
    case = models.ForeignKey("cases.Case", on_delete=models.DO_NOTHING, related_name="+")
    # The member's random internal identifier (the only member column a report shows),
    # copied so the list of missed clocks needs no join to the case and the member.
    internal_id = models.CharField(max_length=20)
    review_type = models.CharField(max_length=16)
    name = models.CharField(max_length=40)
    status = models.CharField(max_length=10)
    due_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["due_at", "clock_id"], name="month_summary_clock_due_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.status}) of {self.summary}"
