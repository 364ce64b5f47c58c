"""The IMRO loop on one case: assignment, attestation, submission, contacts, questions, review."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from reviewers.models.registry import Imro, Specialist


class Assignment(models.Model):
    """The reviewer chosen for a case. One current assignment per case; ended ones are kept."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="assignments")
    specialist = models.ForeignKey(Specialist, on_delete=models.PROTECT, related_name="assignments")
    # Copied at assignment: the IMRO the case went to, even if the specialist moves later.
    imro = models.ForeignKey(
        Imro, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments"
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    assigned_at = models.DateTimeField()
    suggested = models.BooleanField(
        default=True, help_text="The reviewer was among the case's suggestions (R-REV-2)."
    )
    outside_suggestion_reason = models.TextField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_at=None), name="one_current_assignment_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"assignment {self.pk} on case {self.case_id}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class ConflictAttestation(models.Model):
    """A reviewer's per-case statement of material ties (Health & Safety Code 1374.32(c)).

    Each item is a yes/no; any "yes" is a declared conflict, and that reviewer can then
    neither be assigned to nor receive the case (R-REF-6).
    """

    # (field, what the reviewer answers about), in the statute's order.
    ITEMS: tuple[tuple[str, str], ...] = (
        ("plan_or_officers", "The health plan, or any of its officers, directors or managers"),
        ("treating_physician_or_group", "The treating physician or the physician's medical group"),
        ("facility", "The institution or facility at which the service would be provided"),
        ("manufacturer", "The maker of the drug, device, procedure or therapy under review"),
        ("member_or_family", "The member, or the member's family"),
    )

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="attestations")
    specialist = models.ForeignKey(
        Specialist, on_delete=models.PROTECT, related_name="attestations"
    )
    plan_or_officers = models.BooleanField()
    treating_physician_or_group = models.BooleanField()
    facility = models.BooleanField()
    manufacturer = models.BooleanField()
    member_or_family = models.BooleanField()
    notes = models.TextField(blank=True)
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        help_text="The reviewer in the portal, or UM staff recording a signed form.",
    )
    attested_at = models.DateTimeField()
    via_portal = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["attested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "specialist"], name="one_attestation_per_case_and_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"attestation {self.pk} on case {self.case_id}"

    @property
    def declared(self) -> list[str]:
        """The labels of the items answered yes."""
        return [label for field, label in self.ITEMS if getattr(self, field)]

    @property
    def has_conflict(self) -> bool:
        return bool(self.declared)


class DeliveryChannel(models.TextChoices):
    PORTAL = "portal", "Reviewer portal"
    EMAIL = "email", "Secure e-mail of a link"


class Submission(models.Model):
    """The complete file sent to the reviewer (R-TRK-1). One per case: a second is refused."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="submission")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    submitted_at = models.DateTimeField()
    imro_received_at = models.DateTimeField(
        help_text="When the reviewer received the complete file; starts the IMRO clocks."
    )
    delivery_channel = models.CharField(max_length=10, choices=DeliveryChannel.choices)
    review_type = models.CharField(max_length=16)
    # The reviewer's charge to the plan for this review (R-REF-5); empty when the registry
    # holds no rate for an independent specialist.
    charge_to_plan = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        # The QUAC report's scope is a range of IMRO receipt (R-RPT-1).
        indexes = [models.Index(fields=["imro_received_at"], name="submission_imro_received_idx")]

    def __str__(self) -> str:
        return f"submission of case {self.case_id}"


class ContactChannel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    PORTAL = "portal", "Portal"
    FAX = "fax", "Fax"
    OTHER = "other", "Other"


class ContactLogEntry(models.Model):
    """UM staff's contact with the IMRO or specialist about a case (R-TRK-2, policy VI.F.3)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="contacts")
    at = models.DateTimeField(help_text="When the contact happened.")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=ContactChannel.choices)
    with_whom = models.CharField(max_length=200)
    summary = models.TextField()
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = "contact log entries"
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"contact {self.pk} on case {self.case_id}"


class InformationRequestQuerySet(models.QuerySet):
    def open(self) -> "InformationRequestQuerySet":
        return self.filter(answered_at=None)


class InformationRequest(models.Model):
    """A reviewer's question to the plan; an open one blocks closing the case (R-TRK-10)."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="information_requests"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField()
    question = models.TextField()
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = InformationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["asked_at", "pk"]
        indexes = [
            models.Index(
                fields=["case"], name="info_request_open_idx", condition=Q(answered_at=None)
            )
        ]

    def __str__(self) -> str:
        return f"information request {self.pk} on case {self.case_id}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class Recommendation(models.TextChoices):
    UPHOLD = "uphold", "Uphold the plan's decision"
    OVERTURN = "overturn", "Overturn the plan's decision"
    MODIFY = "modify", "Modify the plan's decision"


class ReceivedVia(models.TextChoices):
    PORTAL = "portal", "Uploaded by the reviewer in the portal"
    STAFF = "staff", "Recorded by UM staff"


class Review(models.Model):
    """The reviewer's written determination (R-TRK-4) with their qualifications (R-REV-3)."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="review")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey("cases.Document", on_delete=models.PROTECT, related_name="+")
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices)
    rationale = models.TextField()
    documents_reviewed = models.TextField()
    reviewer_qualifications = models.TextField(
        help_text="As printed in the member letter (VI.G.4): qualifications, not identity."
    )
    received_at = models.DateTimeField()
    received_via = models.CharField(max_length=10, choices=ReceivedVia.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    # Against the IMRO determination clock: True met, False missed, None no clock ran.
    timely = models.BooleanField(null=True)
    # The turnaround from the IMRO's receipt of the complete file to this review, stored
    # when the review is recorded (reviewers.turnaround.review_turnaround) so the QUAC
    # report reads it instead of recomputing it per case (docs/reports.md "Turnaround").
    # Null only on a review the backfill has not reached.
    turnaround_hours = models.FloatField(null=True, blank=True)
    turnaround_business_days = models.IntegerField(null=True, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"review of case {self.case_id}"
