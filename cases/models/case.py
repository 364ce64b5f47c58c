from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connections, models
from django.db.models.expressions import RawSQL
from simple_history.models import HistoricalRecords

from cases import workflow
from cases.models.member import Member, Practitioner
from cases.models.status import Status

if TYPE_CHECKING:
    from cases.models.documents import Document


class ReviewType(models.TextChoices):
    STANDARD = "standard", "Standard"
    EXPEDITED = "expedited", "Expedited"
    RETROSPECTIVE = "retrospective", "Retrospective"


class Origin(models.TextChoices):
    """Where the request under review came from; it picks the plan's own overall clock
    from the rules table (R-DL-14, policy VI.F.9)."""

    APPEAL = "appeal", "Appeal"
    PRE_SERVICE = "pre_service", "Pre-service request"
    RETROSPECTIVE = "retrospective", "Retrospective request"


def origin_for(*, review_type: str, circumstances: Iterable[int]) -> str:
    """The origin intake records: a retrospective review is a retrospective request; a
    case referred under VI.B.3 ("in the instance of an appeal") is an appeal; any other
    case is a request for authorization before the service (pre-service)."""
    if review_type == ReviewType.RETROSPECTIVE:
        return Origin.RETROSPECTIVE
    if Circumstance.APPEAL in set(circumstances):
        return Origin.APPEAL
    return Origin.PRE_SERVICE


class Circumstance(models.IntegerChoices):
    """The circumstances of policy VI.B under which a case is referred (R-REF-1)."""

    EFFICACY_OR_SCOPE = 1, "(1) Efficacy or scope of application"
    EXPERIMENTAL_REQUEST = 2, "(2) Experimental or investigational request"
    APPEAL = 3, "(3) Appeal"
    EXPERIMENTAL_DENIAL_SERIOUS = (
        4,
        (
            "(4) Denial of experimental/investigational therapy, life-threatening or "
            "seriously debilitating condition"
        ),
    )
    MEDICAL_NECESSITY = 5, "(5) Denial, modification or delay for medical necessity"
    EXISTING_TECHNOLOGY_NEW_USE = 6, "(6) Existing technology or pharmacology used differently"


class ExpeditedCriterion(models.TextChoices):
    """Policy VI.G.2.a (R-DL-8)."""

    IMMINENT_THREAT = (
        "imminent_threat",
        (
            "Imminent and serious threat to health (severe pain, potential loss of life, limb or "
            "major bodily function, immediate and serious deterioration)"
        ),
    )
    LESS_EFFECTIVE = (
        "less_effective",
        (
            "The member's physician determined the therapy would be significantly less effective "
            "if not promptly initiated"
        ),
    )


class ExpeditedDeterminedBy(models.TextChoices):
    CMO = "cmo", "CMO or Physician Designee"
    TREATING_PHYSICIAN = "treating_physician", "Treating physician"


class CaseQuerySet(models.QuerySet):
    def open(self) -> "CaseQuerySet":
        return self.filter(status__in=workflow.OPEN)

    def search(self, text: str, *, member_ids: list[int] | None = None) -> "CaseQuerySet":
        """TAR number, internal identifier (exact, case-insensitive) or member name (prefix).

        `member_ids`: the ids of members_matching(text), when the caller read them already
        (the case list does, by index, when they are few): the cases are then found by the
        TAR-number index OR the member index (a BitmapOr), never by a walk of every case.
        """
        text = text.strip()
        if not text:
            return self
        tar = models.Q(tar_number__iexact=text)
        if member_ids is None:
            # Members as a subquery, not an OR across the join: the member conditions then
            # use their own indexes (migration 0007) instead of a scan of every case's member.
            members = Member.objects.filter(members_matching(text))
            return self.filter(tar | models.Q(member__in=members))
        if connections[self.db].vendor != "postgresql":
            return self.filter(tar | models.Q(member__in=member_ids))
        # One array parameter, not a placeholder per id (each quoted in Python).
        column = f'"{self.model._meta.db_table}"."member_id"'
        any_member = RawSQL(  # noqa: S611 (the model's own column; the ids are one parameter)
            f"{column} = ANY(%s)", (list(member_ids),), output_field=models.BooleanField()
        )
        return self.filter(tar | models.Q(any_member))


def members_matching(text: str, *, through: str = "") -> models.Q:
    """A search's member conditions: internal identifier (exact) or name prefixes, each
    case-insensitive and each on its own UPPER() index (migration 0007). `through`: the
    relation to the member when the conditions are on another model ("member__")."""
    text = text.strip()

    def q(**conditions: str) -> models.Q:
        return models.Q(**{f"{through}{name}": value for name, value in conditions.items()})

    members = q(internal_id__iexact=text)
    parts = text.split()
    if len(parts) >= 2:
        members |= q(first_name__istartswith=parts[0], last_name__istartswith=parts[-1])
    else:
        members |= q(last_name__istartswith=text) | q(first_name__istartswith=text)
    return members


class Case(models.Model):
    """One External Independent Medical Review of one TAR."""

    tar_number = models.CharField("TAR number", max_length=30, db_index=True)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="cases")
    treating_practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="cases"
    )
    specialty = models.CharField(
        max_length=100, help_text="Specialty of the requested service, used to match reviewers."
    )
    review_type = models.CharField(
        max_length=16, choices=ReviewType.choices, default=ReviewType.STANDARD
    )
    expedited_criterion = models.CharField(
        max_length=20, choices=ExpeditedCriterion.choices, blank=True
    )
    expedited_determined_by = models.CharField(
        max_length=20, choices=ExpeditedDeterminedBy.choices, blank=True
    )
    life_threatening = models.BooleanField(default=False)
    seriously_debilitating = models.BooleanField(default=False)
    benefit_exclusion = models.BooleanField(
        default=False, help_text="The plan's determination was based on a benefit exclusion."
    )
    experimental_investigational = models.BooleanField(
        default=False, help_text="The request is experimental or investigational."
    )
    received_at_plan = models.DateTimeField(help_text="When the plan received the request.")
    # Set by intake and edit from the review type and circumstances (origin_for).
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.PRE_SERVICE)
    response_needed_by = models.DateField(
        null=True, blank=True, help_text="Date response needed (referral file item h)."
    )
    # Referral file items d–g may be given as text, as documents of the matching kind, or both.
    relevant_information = models.TextField(blank=True)
    practitioner_information = models.TextField(blank=True)
    medical_history = models.TextField(blank=True)
    clinical_data = models.TextField(blank=True)

    referral_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    referral_approved_at = models.DateTimeField(null=True, blank=True)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_cases"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INTAKE)
    withdrawn_reason = models.TextField(blank=True)
    # Optimistic concurrency: every saved change increments it; a stale form is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = CaseQuerySet.as_manager()

    # The referral file's own columns (policy VI.F.2 a–i, and the facts VI.B, VI.C and
    # VI.G.2.a rules read): set at intake, editable until submission. The one list from
    # which the intake and edit form (cases.forms.CaseForm), the API's shapes
    # (cases.serializers.case) and the services' input (cases.services.case.CaseDetails)
    # are made. The receipt at the plan is set at intake only (then it is an audited
    # date, R-TRK-9); services, diagnoses, questions and circumstances are child rows.
    REFERRAL_FACTS = (
        "tar_number",
        "specialty",
        "review_type",
        "expedited_criterion",
        "expedited_determined_by",
        "life_threatening",
        "seriously_debilitating",
        "benefit_exclusion",
        "experimental_investigational",
        "relevant_information",
        "practitioner_information",
        "medical_history",
        "clinical_data",
        "response_needed_by",
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["status", "owner"],
                name="case_open_owner_idx",
                condition=~models.Q(status__in=list(workflow.CLOSED)),
            ),
            # The same predicate as CaseQuerySet.open(), so the planner can prove it: the
            # work queue reads open cases through it, never the years of closed ones.
            # It holds the id as well, so the queue's join reads the index alone instead
            # of one heap page per open case (open cases lie scattered among closed ones).
            models.Index(
                fields=["owner", "id"],
                name="case_open_idx",
                condition=models.Q(status__in=workflow.OPEN),
            ),
            # The work queue's open cases in id order with what its filters and the act-by
            # time read (cases.selectors.safe_time.act_by_table): an Index Only Scan that
            # merges with the running clocks' summary, also in case order.
            models.Index(
                fields=["id", "status", "review_type", "owner"],
                name="case_queue_idx",
                condition=models.Q(status__in=workflow.OPEN),
            ),
            # The case list's order: its first page is read from the top of the index.
            models.Index(fields=["-received_at_plan", "-id"], name="case_received_idx"),
        ]

    def __str__(self) -> str:
        return f"IMR case {self.pk} (TAR {self.tar_number})"

    @property
    def is_open(self) -> bool:
        return self.status in workflow.OPEN

    @property
    def is_editable(self) -> bool:
        """The referral file may still change: before submission (cases.workflow.EDITABLE)."""
        return self.status in workflow.EDITABLE

    @property
    def awaits_notice(self) -> bool:
        """A signed determination whose letters may be sent (cases.workflow.AWAITING_NOTICE)."""
        return self.status in workflow.AWAITING_NOTICE

    @property
    def is_expedited(self) -> bool:
        return self.review_type == ReviewType.EXPEDITED

    def current_documents(self) -> list["Document"]:
        """The current version of each document (none superseded), in upload order.

        From the documents the case page prefetched when it did (one query for the whole
        page instead of one per panel), else one query.
        """
        if "documents" not in getattr(self, "_prefetched_objects_cache", {}):
            return list(self.documents.current().order_by("pk"))
        documents = sorted(self.documents.all(), key=lambda document: document.pk)
        replaced = {document.supersedes_id for document in documents if document.supersedes_id}
        return [document for document in documents if document.pk not in replaced]


class ReferralCircumstance(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="circumstances")
    circumstance = models.PositiveSmallIntegerField(choices=Circumstance.choices)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "circumstance"], name="one_circumstance_once")
        ]

    def __str__(self) -> str:
        return self.get_circumstance_display()


class CodeSystem(models.TextChoices):
    CPT = "CPT", "CPT"
    HCPCS = "HCPCS", "HCPCS Level II"


class RequestedService(models.Model):
    """Referral file item b: a requested service with its CPT or HCPCS code."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    code_system = models.CharField(max_length=5, choices=CodeSystem.choices)
    code = models.CharField(max_length=5)
    description = models.CharField(
        max_length=300, help_text="Plain-language description, used in letters."
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.code_system} {self.code}"


class Diagnosis(models.Model):
    """Referral file item c: an ICD-10-CM code from the current code set."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="diagnoses")
    code = models.CharField(max_length=8)
    description = models.CharField(max_length=300)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "diagnoses"
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="one_diagnosis_once")]

    def __str__(self) -> str:
        return self.code


class ReviewerQuestion(models.Model):
    """Referral file item i: a specific question for the reviewer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=1)
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"question {self.position}"


class CaseEvent(models.Model):
    """Append-only log of what happened to a case, written explicitly by services.

    The database refuses UPDATE, DELETE and TRUNCATE; each case's events are a hash
    chain that `manage.py audit_verify` checks (R-SEC-6).

    Field-level before/after lives in django-simple-history; this says what a person
    or job did, in words a UM coordinator or an auditor reads.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Who acted, in words, fixed when the event is written: the person's name, or a
    # named non-person actor (the deadline sweep, the TAR system, a practitioner's office
    # through a secure link). Never empty, so every event list renders without a person.
    actor_name = models.CharField(max_length=120)
    kind = models.CharField(max_length=40)
    summary = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    # The case's hash chain (cases.events): the previous event's row_hash, and the
    # SHA-256 of it with this event's content. Written once, by case_events_bulk_add.
    prev_hash = models.CharField(max_length=64)
    row_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(actor_name=""), name="caseevent_actor_named")
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"


class AuditedDateChange(models.Model):
    """A change to a date regulators audit (R-TRK-9): who, when, before, after and why."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="audited_date_changes")
    field = models.CharField(max_length=60)
    old_value = models.CharField(max_length=40)
    new_value = models.CharField(max_length=40)
    reason = models.TextField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.field} changed {self.changed_at:%Y-%m-%d}"
