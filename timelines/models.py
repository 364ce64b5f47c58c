from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from timelines.rules import OnPass, RuleKind


class Holiday(models.Model):
    """A day the plan is closed. The table is the calendar's source of truth at run time."""

    class Source(models.TextChoices):
        SEED = "seed", "Default list (migration)"
        ADMINISTRATOR = "administrator", "Added by an Administrator"

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ADMINISTRATOR)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class ClockStatus(models.TextChoices):
    RUNNING = "running", "Running"
    MET = "met", "Met"
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled"


class ClockQuerySet(models.QuerySet):
    def running(self) -> "ClockQuerySet":
        return self.filter(status=ClockStatus.RUNNING)

    def alert_due(self, now) -> "ClockQuerySet":
        """Running clocks with a warning or breach time passed and not yet recorded."""
        return self.running().filter(next_alert_at__lte=now)

    def hour_clocks(self) -> "ClockQuerySet":
        return self.filter(rule_kind=RuleKind.ELAPSED_HOURS)


class Clock(models.Model):
    """One deadline on a case, computed from a row of timelines.rules.RULES.

    The row's key, kind and amount are copied onto the clock so that history shows what a
    clock was computed with even after the rules table changes (R-DL-16).
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="clocks")
    name = models.CharField(max_length=40)
    review_type = models.CharField(max_length=16)
    trigger = models.CharField(max_length=30)
    rule_kind = models.CharField(max_length=16, choices=[(k.value, k.value) for k in RuleKind])
    rule_amount = models.PositiveSmallIntegerField(default=0)
    # ClockRule.key of the row used; blank only on clocks made outside the services.
    rule_key = models.CharField(max_length=120, blank=True, default="")
    on_pass = models.CharField(max_length=10, choices=[(k.value, k.value) for k in OnPass])
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=ClockStatus.choices, default="running")
    stopped_at = models.DateTimeField(null=True, blank=True)
    explanation = models.JSONField(default=dict)
    extended = models.BooleanField(default=False)
    # The earliest warning or breach time not yet recorded; None when nothing is pending.
    # The sweep selects on it, so a missed run is caught by the next one.
    next_alert_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    objects = ClockQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            # Starting the same clock twice is a no-op: at most one live clock per name.
            models.UniqueConstraint(
                fields=["case", "name"],
                condition=~models.Q(status="cancelled"),
                name="one_live_clock_per_case_and_name",
            ),
        ]
        indexes = [
            # The sweep's selection (next_alert_at <= now). A clock with nothing pending
            # (None) is left out, so a sweep that clears it writes no entry here.
            models.Index(
                fields=["next_alert_at"],
                name="clock_running_alert_idx",
                condition=models.Q(status="running", next_alert_at__isnull=False),
            ),
            # With the name, the work queue's summary of running clocks per case (nearest,
            # nearest file clock, nearest other) reads this index alone, in case order.
            models.Index(
                fields=["case", "due_at", "name"],
                name="clock_running_case_due_idx",
                condition=models.Q(status="running"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} on case {self.case_id}"

    @property
    def is_running(self) -> bool:
        return self.status == ClockStatus.RUNNING


class ClockEvent(models.Model):
    """Append-only log of what happened to a clock. Never edited."""

    class Kind(models.TextChoices):
        STARTED = "started", "Started"
        EXTENDED = "extended", "Extended"
        DECLINED = "declined", "Extension declined"
        RECOMPUTED = "recomputed", "Recomputed"
        STOPPED = "stopped", "Stopped"
        CANCELLED = "cancelled", "Cancelled"
        WARNED = "warned", "Warned"
        BREACHED = "breached", "Breached"

    # Indexed by (clock, at) below, which serves every read by clock: a second index on
    # the clock alone would only cost the sweep one more entry per event.
    clock = models.ForeignKey(
        Clock, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    # Nothing reads events by actor; the partial index below serves the PROTECT check when
    # a user is deleted, without an entry for each of the sweep's events (actor None).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["clock", "at"]),
            models.Index(
                fields=["actor"],
                name="clockevent_actor_idx",
                condition=models.Q(actor__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.clock_id}"


class AlertLevel(models.TextChoices):
    LAST_DAY = "last_day", "Last business day started"
    SIX_HOURS = "6h_left", "6 hours left"
    TWO_HOURS = "2h_left", "2 hours left"
    DUE_PASSED = "due_passed", "Due time passed"


class ClockAlert(models.Model):
    """A warning or breach, recorded once per clock and level (unique constraint).

    `notified` is False when a later level was reached in the same sweep (a missed run
    caught up): the earlier warning is recorded so it never fires later, but only the
    most severe level is sent.
    """

    # The unique (clock, level) index serves every read by clock; no second one.
    clock = models.ForeignKey(
        Clock, on_delete=models.PROTECT, related_name="alerts", db_index=False
    )
    level = models.CharField(max_length=12, choices=AlertLevel.choices)
    severity = models.CharField(max_length=10, choices=[(k.value, k.value) for k in OnPass])
    notified = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clock", "level"], name="one_alert_per_clock_and_level")
        ]

    def __str__(self) -> str:
        return f"{self.level} for clock {self.clock_id}"


class SweepRun(models.Model):
    """One finished sweep: operators read the last one in the admin; /healthz checks it."""

    class Scope(models.TextChoices):
        ALL = "all", "All clocks (nightly)"
        HOURS = "hours", "Hour clocks (every 5 minutes)"

    scope = models.CharField(max_length=8, choices=Scope.choices)
    as_of = models.DateTimeField(help_text="The time the sweep compared due times with.")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(db_index=True)
    examined = models.PositiveIntegerField(default=0)
    warned = models.PositiveIntegerField(default=0)
    breached = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-finished_at"]
        get_latest_by = "finished_at"

    def __str__(self) -> str:
        return f"{self.scope} sweep at {self.finished_at:%Y-%m-%d %H:%M}"
