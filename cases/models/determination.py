from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from cases.models.case import Case


class Outcome(models.TextChoices):
    APPROVE = "approve", "Approve"
    DENY = "deny", "Deny"
    MODIFY = "modify", "Modify"


class Determination(models.Model):
    """The CMO's or Physician Designee's coverage determination (R-TRK-5, policy VI.F.4).

    Signed by the signer's login and time; after signing the row is never changed. A
    correction is a new Determination whose `amends` points at the one it corrects; the
    letters follow the latest signed one.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="determinations")
    amends = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amended_by"
    )
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    rationale = models.TextField(help_text="In plain language: it goes into the letters.")
    criteria_used = models.TextField(blank=True)
    follows_imro = models.BooleanField(
        help_text="Whether the determination follows the IMRO's recommendation."
    )
    modification = models.TextField(
        blank=True, help_text="For a modification: what is approved instead."
    )
    amendment_reason = models.TextField(blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # At most one determination per case that is not an amendment.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(amends__isnull=True),
                name="one_original_determination_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"determination {self.pk} ({self.outcome})"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None
