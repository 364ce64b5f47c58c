"""Reads for the reviewer panel, the portal and the API (R-REV-2, R-TRK-2, R-TRK-10)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.events import actor_display
from cases.models import AccessLog, Case, CaseEvent, Status
from cases.phi_scan import reviewer_text_redact
from reviewers.events import ReviewerEvent
from reviewers.gates import current_assignment, submission_problems
from reviewers.models import (
    Assignment,
    ConflictAttestation,
    ContactLogEntry,
    InformationRequest,
    Review,
    Specialist,
    Specialty,
    Submission,
)
from reviewers.models.registry import normalize_specialty
from timelines.models import Clock


def specialty_for_case(case: Case) -> Specialty | None:
    """The registry specialty named by the case's free-text specialty (name or alias)."""
    wanted = normalize_specialty(case.specialty)
    if not wanted:
        return None
    # About a hundred rows: matching in Python keeps aliases and dash variants simple.
    for specialty in Specialty.objects.all():
        if wanted in specialty.names():
            return specialty
    return None


def similar_specialty_ids(specialty: Specialty) -> set[int]:
    """Similar: linked as similar, the board of a sub-specialty, or a board's sub-specialties."""
    ids = set(specialty.similar.values_list("pk", flat=True))
    if specialty.board_id:
        ids.add(specialty.board_id)
    else:
        ids |= set(specialty.subspecialties.values_list("pk", flat=True))
    ids.discard(specialty.pk)
    return ids


@dataclass(frozen=True)
class Suggestion:
    specialist: Specialist
    match: str  # "same" or "similar" specialty
    charge: Decimal | None


def conflicted_specialist_ids(case: Case) -> set[int]:
    return {
        attestation.specialist_id
        for attestation in ConflictAttestation.objects.filter(case=case)
        if attestation.has_conflict
    }


def reviewer_suggestions(case: Case, *, on: date | None = None) -> list[Suggestion]:
    """Eligible reviewers of the same or a similar specialty, with no conflict (R-REV-2).

    Same specialty first, then similar, each by name. Nothing ranks reviewers by their
    past decisions (R-REF-6).
    """
    on = on or timezone.localdate()
    specialty = specialty_for_case(case)
    if specialty is None:
        return []
    similar = similar_specialty_ids(specialty)
    candidates = (
        Specialist.objects.eligible(on)
        .filter(
            Q(specialty_id__in=similar | {specialty.pk})
            | Q(subspecialty_id__in=similar | {specialty.pk})
        )
        .exclude(pk__in=conflicted_specialist_ids(case))
        .select_related("specialty", "subspecialty", "imro")
    )
    suggestions = [
        Suggestion(
            specialist=s,
            match="same" if specialty.pk in (s.specialty_id, s.subspecialty_id) else "similar",
            charge=s.charge_for(case.review_type),
        )
        for s in candidates
    ]
    return sorted(
        suggestions, key=lambda s: (s.match != "same", s.specialist.name, s.specialist.pk)
    )


@dataclass(frozen=True)
class RegistryRow:
    specialist: Specialist
    reasons: list[str]

    @property
    def eligible(self) -> bool:
        return not self.reasons


def registry_rows(*, on: date | None = None) -> list[RegistryRow]:
    """Every specialist with why they are ineligible today, if they are (R-REV-1)."""
    on = on or timezone.localdate()
    specialists = Specialist.objects.select_related("specialty", "subspecialty", "imro")
    return [RegistryRow(s, s.ineligibility_reasons(on)) for s in specialists]


def open_information_requests(case: Case) -> QuerySet[InformationRequest]:
    """The reviewer's unanswered questions; a case with any cannot close (R-TRK-10)."""
    return InformationRequest.objects.open().filter(case=case)


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str  # "contact" for the contact log, otherwise the event kind
    title: str
    detail: str
    by: str


@dataclass
class ReviewerPanel:
    """Context of templates/reviewers/_case_reviewer_panel.html."""

    case: Case
    specialty: Specialty | None
    suggestions: list[Suggestion]
    other_eligible: list[Specialist]
    ineligible: list[RegistryRow]
    assignment: Assignment | None
    attestation: ConflictAttestation | None
    submission: Submission | None
    submit_problems: list[str]
    contacts: list[ContactLogEntry]
    timeline: list[TimelineItem]
    information_requests: list[InformationRequest]
    review: Review | None
    can_assign: bool
    can_record_review: bool
    attestation_items: tuple[tuple[str, str], ...] = field(default=ConflictAttestation.ITEMS)

    @property
    def open_information_requests(self) -> list[InformationRequest]:
        return [r for r in self.information_requests if r.is_open]


_PORTAL_EVENT_KINDS = frozenset(
    kind.value for kind in ReviewerEvent if kind != ReviewerEvent.CONTACT_LOGGED
)


_UNREAD = object()  # an argument the caller did not load: read it here


def reviewer_panel_for_case(
    case: Case,
    *,
    on: date | None = None,
    review: Review | object | None = _UNREAD,
    information_requests: list[InformationRequest] | None = None,
    events: list[CaseEvent] | None = None,
) -> ReviewerPanel:
    """Everything the staff case page shows about the reviewer and the IMRO loop.

    The choice of reviewer (suggestions, the registry's eligibility, conflicts) is only
    shown while a reviewer can still be assigned, and the submission gates only until
    the case is submitted, so neither is computed afterwards: most cases a coordinator
    opens are past both, and the registry is the panel's dearest part.

    The case page passes the review and information requests it loaded once for all its
    panels (and the case with its submission joined), and `events`, every event of the
    case when it read them all, for the portal activity; otherwise they are read here.
    """
    on = on or timezone.localdate()
    can_assign = case.is_editable
    suggestions, rows, conflicted, specialty = [], [], set(), None
    if can_assign:
        suggestions = reviewer_suggestions(case, on=on)
        conflicted = conflicted_specialist_ids(case)
        rows = registry_rows(on=on)
        specialty = specialty_for_case(case)
    suggested = {s.specialist.pk for s in suggestions}
    assignment = current_assignment(case, with_attestation=True)
    submission = getattr(case, "submission", None)  # no row: RelatedObjectDoesNotExist
    contacts = list(ContactLogEntry.objects.filter(case=case).select_related("by"))
    return ReviewerPanel(
        case=case,
        specialty=specialty,
        suggestions=suggestions,
        other_eligible=[
            r.specialist
            for r in rows
            if r.eligible and r.specialist.pk not in suggested | conflicted
        ],
        ineligible=[r for r in rows if not r.eligible],
        assignment=assignment,
        attestation=assignment.attestation if assignment else None,
        submission=submission,
        submit_problems=submission_problems(case, on=on) if submission is None else [],
        contacts=contacts,
        timeline=_timeline(case, contacts, events=events, submitted=submission is not None),
        information_requests=(
            information_requests
            if information_requests is not None
            else list(
                InformationRequest.objects.filter(case=case).select_related(
                    "asked_by", "answered_by"
                )
            )
        ),
        review=(
            Review.objects.filter(case=case).select_related("document").first()
            if review is _UNREAD
            else review
        ),
        can_assign=can_assign,
        can_record_review=case.status == Status.SUBMITTED,
    )


def _who(user: AbstractBaseUser | None) -> str:
    return "system" if user is None else actor_display(user)


def _timeline(
    case: Case,
    contacts: list[ContactLogEntry],
    *,
    events: list[CaseEvent] | None = None,
    submitted: bool = True,
) -> list[TimelineItem]:
    """The contact log and the portal's events, oldest first (R-TRK-2).

    `events`: all the case's events, when the caller read them; `submitted` False when
    the case has no submission, so no packet to download yet (nothing is read for it).
    """
    items = [
        TimelineItem(
            at=entry.at,
            kind="contact",
            title=f"{entry.get_channel_display()} with {entry.with_whom}",
            detail=entry.summary,
            by=_who(entry.by),
        )
        for entry in contacts
    ]
    if events is None:
        portal = list(CaseEvent.objects.filter(case=case, kind__in=_PORTAL_EVENT_KINDS))
    else:
        portal = sorted(
            (e for e in events if e.kind in _PORTAL_EVENT_KINDS), key=lambda e: (e.at, e.pk)
        )
    items += [
        TimelineItem(at=e.at, kind=e.kind, title=e.summary, detail="", by=e.actor_name)
        for e in portal
    ]
    # The reviewer downloads the packet in the portal only once the file is submitted.
    downloads = (
        AccessLog.objects.filter(
            case=case, action=AccessLog.Action.DOWNLOAD_PACKET, user__specialist__isnull=False
        ).select_related("user")
        if submitted
        else []
    )
    items += [
        TimelineItem(
            at=log.at,
            kind="packet_downloaded",
            title="The reviewer downloaded the packet in the portal.",
            detail="",
            by=_who(log.user),
        )
        for log in downloads
    ]
    return sorted(items, key=lambda item: item.at)


# The reviewer portal. Its selectors return de-identified values only, never the Case,
# so no template can reach the member by accident (R-FILE-a, R-FILE-3).


def portal_assignments(user: AbstractBaseUser) -> QuerySet[Assignment]:
    """Current assignments the user reviews, or coordinates as their IMRO's account."""
    return (
        Assignment.objects.filter(ended_at=None)
        .filter(Q(specialist__user=user) | Q(imro__coordinator=user))
        .select_related("case__member", "specialist")
        .order_by("-assigned_at", "-pk")
    )


@dataclass(frozen=True)
class PortalLine:
    code: str
    description: str


@dataclass(frozen=True)
class PortalCase:
    """What a reviewer may see of a case: the internal identifier, never the member."""

    case_id: int
    internal_id: str
    review_type: str
    reviewer: str
    submitted: bool
    received_at: datetime | None
    due_at: datetime | None
    response_needed_by: date | None
    services: list[PortalLine]
    diagnoses: list[PortalLine]
    questions: list[str]
    attestation: ConflictAttestation | None
    information_requests: list[InformationRequest]
    review: Review | None
    status: str

    @property
    def needs_attestation(self) -> bool:
        return self.attestation is None

    @property
    def can_ask(self) -> bool:
        return self.submitted and self.review is None and self.status == Status.SUBMITTED

    @property
    def can_upload(self) -> bool:
        return self.can_ask


def portal_case(assignment: Assignment) -> PortalCase:
    case = assignment.case
    member = case.member
    submission = Submission.objects.filter(case=case, assignment=assignment).first()
    submitted = submission is not None

    def clean(text: str) -> str:
        # Staff-typed text can name the member; the portal shows the packet's redaction.
        return reviewer_text_redact(member=member, text=text)

    imro_clock = (
        Clock.objects.filter(case=case, trigger="imro_receipt")
        .exclude(status="cancelled")
        .order_by("-due_at")
        .first()
    )
    return PortalCase(
        case_id=case.pk,
        internal_id=member.internal_id,
        review_type=case.get_review_type_display(),
        reviewer=assignment.specialist.name,
        submitted=submitted,
        received_at=submission.imro_received_at if submission else None,
        due_at=imro_clock.due_at if imro_clock else None,
        response_needed_by=case.response_needed_by,
        services=[
            PortalLine(f"{s.code_system} {s.code}", clean(s.description))
            for s in case.services.all()
        ]
        if submitted
        else [],
        diagnoses=[PortalLine(d.code, clean(d.description)) for d in case.diagnoses.all()]
        if submitted
        else [],
        questions=[clean(q.text) for q in case.questions.all()] if submitted else [],
        attestation=ConflictAttestation.objects.filter(
            case=case, specialist=assignment.specialist
        ).first(),
        information_requests=list(InformationRequest.objects.filter(case=case)),
        review=Review.objects.filter(case=case, assignment=assignment).first(),
        status=case.status,
    )


@dataclass(frozen=True)
class PortalListItem:
    case_id: int
    internal_id: str
    review_type: str
    reviewer: str
    state: str
    # The reviewer's own deadline: the earliest running IMRO clock, and how it stands.
    due_at: datetime | None = None
    due_flag: str = ""  # "overdue", "today" or ""


def portal_case_list(user: AbstractBaseUser) -> list[PortalListItem]:
    assignments = list(portal_assignments(user))
    submitted = set(
        Submission.objects.filter(assignment__in=assignments).values_list(
            "assignment_id", flat=True
        )
    )
    reviewed = set(
        Review.objects.filter(assignment__in=assignments).values_list("assignment_id", flat=True)
    )
    due: dict[int, datetime] = {}
    for case_id, due_at in (
        Clock.objects.filter(
            case_id__in=[a.case_id for a in assignments],
            trigger="imro_receipt",
            status="running",
        )
        .order_by("due_at")
        .values_list("case_id", "due_at")
    ):
        due.setdefault(case_id, due_at)
    now = timezone.now()
    items = []
    for a in assignments:
        due_at = due.get(a.case_id) if a.pk in submitted and a.pk not in reviewed else None
        flag = ""
        if due_at is not None:
            if due_at < now:
                flag = "overdue"
            elif timezone.localdate(due_at) == timezone.localdate(now):
                flag = "today"
        if a.pk in reviewed:
            state = "Determination received"
        elif a.pk in submitted:
            state = "Awaiting your determination"
        else:
            state = "Assigned: conflict attestation, then the file"
        items.append(
            PortalListItem(
                case_id=a.case_id,
                internal_id=a.case.member.internal_id,
                review_type=a.case.get_review_type_display(),
                reviewer=a.specialist.name,
                state=state,
                due_at=due_at,
                due_flag=flag,
            )
        )
    return items
