from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from cases.models.case import Case


class DocumentKind(models.TextChoices):
    """Which referral-file item (or eligibility record) a document serves."""

    RELEVANT_INFORMATION = "relevant_information", "(d) Information relevant to the service"
    PRACTITIONER_SUBMISSION = "practitioner_information", "(e) Submitted by the practitioner"
    MEDICAL_HISTORY = "medical_history", "(f) Pertinent medical history"
    CLINICAL_DATA = "clinical_data", "(g) Treatment or clinical data"
    PHYSICIAN_CERTIFICATION = (
        "physician_certification",
        ("Physician certification: condition has not responded to standard therapies"),
    )
    PHYSICIAN_RECOMMENDATION = (
        "physician_recommendation",
        ("Physician recommendation: another therapy would be more beneficial"),
    )
    REVIEWER_DETERMINATION = "reviewer_determination", "Reviewer's written determination"
    OTHER = "other", "Other supporting document"


class DocumentQuerySet(models.QuerySet):
    def current(self) -> "DocumentQuerySet":
        return self.filter(superseded_by__isnull=True)


class Document(models.Model):
    """An uploaded document. Never deleted: a new version supersedes the old (R-FILE-4)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=32, choices=DocumentKind.choices)
    # A neutral title (e.g. "Clinical data 2"): the packet and letters never show file names.
    title = models.CharField(max_length=200)
    original_name = models.CharField(max_length=255)
    storage_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    extracted_text = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField()
    # Who wrote it, as the document says (R-REF-7): the VI.B.5 certification and
    # recommendation must be the case's treating physician's; blank for other kinds.
    author_name = models.CharField("author", max_length=200, blank=True)
    author_npi = models.CharField("author's NPI", max_length=10, blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    # What the packet's copy of an uploaded PDF leaves out (cases.pdf_sanitize, R-SEC-4),
    # in words: ["JavaScript open action", "2 URI links"]. The stored file is unchanged.
    sanitized_removed = models.JSONField(default=list, blank=True)
    history = HistoricalRecords(excluded_fields=["extracted_text"])

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title


# The VI.B.5 documents: written by the case's treating physician (R-REF-7).
PHYSICIAN_AUTHORED_KINDS = (
    DocumentKind.PHYSICIAN_CERTIFICATION,
    DocumentKind.PHYSICIAN_RECOMMENDATION,
)


# The neutral name each kind of document gets in the packet, numbered per case.
NEUTRAL_TITLES: dict[str, str] = {
    DocumentKind.RELEVANT_INFORMATION: "Relevant information",
    DocumentKind.PRACTITIONER_SUBMISSION: "Practitioner submission",
    DocumentKind.MEDICAL_HISTORY: "Medical history",
    DocumentKind.CLINICAL_DATA: "Clinical data",
    DocumentKind.PHYSICIAN_CERTIFICATION: "Physician certification",
    DocumentKind.PHYSICIAN_RECOMMENDATION: "Physician recommendation",
    DocumentKind.REVIEWER_DETERMINATION: "Reviewer determination",
    DocumentKind.OTHER: "Supporting document",
}
