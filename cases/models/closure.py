"""Resolution and closure of a case (R-TRK-7, policy VI.F.5–6)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from cases.models.case import Case


class CaseResolution(models.Model):
    """The CMO's or Physician Designee's final resolution, after every party was notified.

    Its time is the one the appeal clocks are judged against when the case closes.
    """

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="resolution")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField()
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"resolution of case {self.case_id}"


class TarBundle(models.Model):
    """The case summary PDF and all supporting documents, as handed to the UM
    documentation system. The zip handed over is also kept in private storage."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tar_bundles")
    number = models.PositiveIntegerField(help_text="1 for the first bundle of the case, then 2…")
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    built_at = models.DateTimeField()
    storage_name = models.CharField(max_length=100, unique=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    summary_pages = models.PositiveIntegerField()
    manifest = models.JSONField(default=list, help_text="Each file: name, bytes, SHA-256.")
    handed_off_to = models.CharField(
        max_length=500, help_text="Where the UM documentation system seam put it."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="one_tar_bundle_number"),
        ]

    def __str__(self) -> str:
        return f"TAR bundle {self.number} of case {self.case_id}"


class TarAttachment(models.Model):
    """UM staff's confirmation that the bundle is attached to the member's TAR file."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="tar_attachment")
    bundle = models.ForeignKey(TarBundle, on_delete=models.PROTECT, related_name="+")
    tar_number = models.CharField("TAR number", max_length=30)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField()
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"TAR attachment of case {self.case_id}"
