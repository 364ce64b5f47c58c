"""Cases for tests, built only through the real services.

`open_case(owner)` is intake; `case_at(status, owner=…, decider=…)` walks the same
services a coordinator and a CMO use, step by step, to any status a case can reach:

    intake → assembling (referral approved) → submitted (a
    reviewer assigned and attested, the file sent) → review_received (the reviewer's
    written determination recorded) → decided (the CMO's determination signed) →
    notified (both letters sent, the mailed one confirmed) → resolved → closed;
    withdrawn from intake.

So every case a test sees has the events, clocks, submission and history production
would give it. The steps before the review run at fixed moments after the receipt at
the plan (`WALK`), so the IMRO clocks are met and the review is never "before the
reviewer had the file"; later steps run at the caller's time (freeze it with
`time_machine` when a test checks dates).
"""

import importlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.apps import apps as django_apps
from django.db import transaction
from django.utils import timezone

from cases.models import Case, DocumentKind, LetterTemplate, Member, Practitioner, Status
from cases.services import (
    CaseDetails,
    NoticeTextInput,
    ServiceLine,
    case_close,
    case_create,
    case_resolve,
    case_submit,
    case_withdraw,
    determination_record,
    determination_sign,
    document_upload,
    letter_mailed_confirm,
    letter_send,
    notice_text_save,
    oral_notice_record,
    referral_approve,
    review_record,
    tar_attachment_confirm,
    tar_bundle_build,
)
from reviewers.models import ConflictAttestation, Specialist
from reviewers.services import assignment_create, attestation_record
from tests.support.factories import (
    PRACTITIONER_EMAIL,
    PRACTITIONER_NPI,
    MemberFactory,
    PractitionerFactory,
    SpecialistFactory,
)
from tests.support.files import pdf_bytes, upload

PLAN = ZoneInfo("America/Los_Angeles")

# The default case: a standard review received at the plan on Monday 1 June 2026.
RECEIVED_AT_PLAN = datetime(2026, 6, 1, 9, 0, tzinfo=PLAN)
SERVICE_CODE, SERVICE_TEXT = "0394T", "Image-guided brachytherapy of the skin"
DIAGNOSIS_CODE = "C44.91"
TAR_NUMBER = "TAR-000123"
REVIEW_RATIONALE = "The evidence does not show benefit over standard excision."
DETERMINATION_RATIONALE = (
    "Standard excision remains the appropriate treatment; see Reviewer determination 1."
)
NO_CONFLICT = {name: False for name, _ in ConflictAttestation.ITEMS}


@dataclass(frozen=True)
class Walk:
    """When the steps before the review happen, after the receipt at the plan."""

    approved: timedelta = timedelta(hours=3)
    submitted: timedelta = timedelta(days=1, hours=1)
    review_received: timedelta = timedelta(days=3, hours=6, minutes=30)


WALK = Walk()
# The review of the default case arrives on Thursday 4 June 2026 at 15:30; decision
# tests freeze "now" on the next morning (`frozen()`), after it.
REVIEW_RECEIVED_AT = RECEIVED_AT_PLAN + WALK.review_received
NOW = datetime(2026, 6, 5, 10, 0, tzinfo=PLAN)
# The reviewer `submit` assigns unless a test names one.
REVIEWER_NAME = "Dr. Hidalgo Reviewername"


def frozen():
    """Freeze the clock at NOW, the morning after the default case's review arrived."""
    return time_machine.travel(NOW, tick=False)


def later(minutes: int = 5) -> datetime:
    return NOW + timedelta(minutes=minutes)


ORDER = [
    Status.INTAKE,
    Status.ASSEMBLING,
    Status.SUBMITTED,
    Status.REVIEW_RECEIVED,
    Status.DECIDED,
    Status.NOTIFIED,
    Status.RESOLVED,
    Status.CLOSED,
]


def details(**overrides: object) -> CaseDetails:
    """The referral file of a complete standard case (items a–i), with overrides."""
    fields: dict[str, object] = {
        "tar_number": TAR_NUMBER,
        "specialty": "Dermatology",
        "review_type": "standard",
        "received_at_plan": RECEIVED_AT_PLAN,
        "circumstances": [2],
        "services": [ServiceLine(SERVICE_CODE, SERVICE_TEXT)],
        "diagnosis_codes": [DIAGNOSIS_CODE],
        "questions": ["Is the requested therapy more beneficial than standard excision?"],
        "response_needed_by": date(2026, 6, 15),
        "relevant_information": "Lesion history summary.",
        "practitioner_information": "Letter of medical necessity summary.",
        "medical_history": "Prior excisions in 2024.",
        "clinical_data": "Biopsy result summary.",
    }
    fields.update(overrides)
    return CaseDetails(**fields)  # type: ignore[arg-type]


def open_case(
    owner,
    *,
    member: Member | None = None,
    practitioner: Practitioner | None = None,
    **overrides: object,
) -> Case:
    """A case at intake, as the intake form creates it (R-INT-1)."""
    return case_create(
        member=member or MemberFactory(),
        practitioner=practitioner or PractitionerFactory(),
        details=details(**overrides),
        owner=owner,
        actor=owner,
    )


def ensure_letter_templates() -> None:
    """The seeded letter templates and inserts, again if a transactional test flushed them."""
    if not LetterTemplate.objects.exists():
        for name in ("0005_letter_templates_seed", "0043_letter_templates_v2"):
            importlib.import_module(f"cases.migrations.{name}").seed(django_apps, None)


def _at(case: Case, offset: timedelta):
    """Travel to the walk's moment for a step (the caller's time comes back after it)."""
    return time_machine.travel(case.received_at_plan + offset, tick=False)


def approve(case: Case, decider, *, walk: Walk = WALK) -> Case:
    """The CMO (or a Physician Designee) approves the referral to IMR."""
    with _at(case, walk.approved):
        referral_approve(case=case, actor=decider)
    return Case.objects.get(pk=case.pk)


def file_document(
    case: Case,
    *,
    kind: str = DocumentKind.CLINICAL_DATA,
    name: str = "labs.pdf",
    text: str = "Biopsy result",
) -> Case:
    """The coordinator files a one-page PDF on the case (a clinical note by default)."""
    document_upload(
        case=case,
        kind=kind,
        uploaded_file=upload(name, pdf_bytes([text])),
        actor=case.owner,
    )
    return case


def assign(case: Case, *, specialist: Specialist | None = None, walk: Walk = WALK) -> Case:
    """Assign a reviewer and record their clean conflict attestation: ready to submit."""
    owner = case.owner
    specialist = specialist or SpecialistFactory(
        name=REVIEWER_NAME, specialty_name=case.specialty or "Dermatology"
    )
    with _at(case, walk.submitted):
        assignment_create(
            case=case,
            specialist=specialist,
            actor=owner,
            outside_suggestion_reason="Test data: the test chooses the reviewer.",
        )
        attestation_record(case=case, specialist=specialist, actor=owner, answers=NO_CONFLICT)
    return Case.objects.get(pk=case.pk)


def submit(
    case: Case,
    *,
    specialist: Specialist | None = None,
    delivery: str = "email",
    walk: Walk = WALK,
) -> Case:
    """Assign a reviewer (see `assign`) and send the file: the IMRO receives it at the
    walk's `submitted` moment."""
    case = assign(case, specialist=specialist, walk=walk)
    with _at(case, walk.submitted):
        case_submit(case=case, actor=case.owner, delivery=delivery)
    return Case.objects.get(pk=case.pk)


def receive_review(
    case: Case,
    *,
    recommendation: str = "uphold",
    rationale: str = REVIEW_RATIONALE,
    via_portal_by=None,
    walk: Walk = WALK,
) -> Case:
    """The reviewer's written determination recorded: by UM staff at the walk's moment
    (received by e-mail), or, with `via_portal_by` (the reviewer's account), entered in
    the portal now."""
    practitioner = case.treating_practitioner
    practitioner.email = practitioner.email or PRACTITIONER_EMAIL
    practitioner.npi = practitioner.npi or PRACTITIONER_NPI
    practitioner.address = practitioner.address or "100 Clinic Road\nSanta Rosa, CA 95401"
    practitioner.save()
    specialist = case.assignments.select_related("specialist").latest("assigned_at").specialist
    fields = {
        "case": case,
        "uploaded_file": upload("determination.pdf", pdf_bytes(["Written determination"])),
        "recommendation": recommendation,
        "rationale": rationale,
        "documents_reviewed": "All documents in the packet.",
        "reviewer_qualifications": specialist.qualifications,
    }
    if via_portal_by is not None:
        review_record(actor=via_portal_by, received_via="portal", **fields)
    else:
        with _at(case, walk.review_received):
            review_record(
                actor=case.owner, received_via="staff", received_at=timezone.now(), **fields
            )
    return Case.objects.get(pk=case.pk)


def sign(
    case: Case,
    decider,
    *,
    outcome: str = "deny",
    follows_imro: bool = True,
    rationale: str = DETERMINATION_RATIONALE,
    modification: str = "",
) -> Case:
    """The CMO records and signs the coverage determination."""
    ensure_letter_templates()
    determination = determination_record(
        case=case,
        actor=decider,
        outcome=outcome,
        rationale=rationale,
        criteria_used="The plan's medical policy on skin cancer treatment.",
        follows_imro=follows_imro,
        modification=modification,
    )
    determination_sign(determination=determination, actor=decider)
    return Case.objects.get(pk=case.pk)


SPANISH_TEXTS = {
    "condition_es": "cáncer de piel",
    "services_es": "Radioterapia de la piel guiada por imagen",
    "qualifications_es": "Dermatólogo certificado, experto en cirugía de Mohs, con 18 años "
    "de práctica.",
    "analysis_es": "Las pruebas no muestran que este cuidado sea mejor que quitar la lesión.",
    "rationale_es": "Quitar la lesión sigue siendo el mejor cuidado; vea el informe.",
    "criteria_es": "La regla médica del plan sobre el cáncer de piel.",
}


def confirm_letter_texts(case: Case, **overrides: str) -> Case:
    """UM staff confirm the letter texts: the review's rationale as the analysis, the
    condition in plain words, and Spanish versions (R-NOT-6, R-NOT-9)."""
    determination = case.determinations.order_by("-pk").first()
    texts = {
        "analysis_en": REVIEW_RATIONALE,
        "condition_en": "skin cancer",
        **SPANISH_TEXTS,
        "modification_es": "Lo que aprobamos, con cambios."
        if determination is not None and determination.modification
        else "",
    }
    texts.update(overrides)
    notice_text_save(case=case, actor=case.owner, texts=NoticeTextInput(**texts))
    return case


def notify(case: Case) -> Case:
    """Both letters sent (the practitioner's by secure link, the member's by mail,
    confirmed mailed); the e-mails run as they would after commit. For an expedited
    case the oral notice is recorded first (R-NOT-12)."""
    owner = case.owner
    if not hasattr(case, "notice_text"):
        confirm_letter_texts(case)
    if case.is_expedited and not case.oral_notices.exists():
        oral_notice_record(
            case=case,
            actor=owner,
            given_at=timezone.now(),
            given_to="The member",
            method="phone",
        )
    with _run_on_commit():
        member = letter_send(case=case, party="member", actor=owner)
        letter_send(case=case, party="practitioner", actor=owner)
        letter_mailed_confirm(letter=member, actor=owner)
    return Case.objects.get(pk=case.pk)


def close(case: Case) -> Case:
    """Build the TAR bundle, confirm it attached, close."""
    owner = case.owner
    tar_bundle_build(case=case, actor=owner)
    tar_attachment_confirm(case=case, actor=owner, tar_number=case.tar_number)
    return case_close(case=case, actor=owner)


def case_at(
    status: str,
    *,
    owner,
    decider=None,
    recommendation: str = "uphold",
    outcome: str = "deny",
    follows_imro: bool = True,
    rationale: str = DETERMINATION_RATIONALE,
    modification: str = "",
    specialist: Specialist | None = None,
    delivery: str = "email",
    walk: Walk = WALK,
    letter_texts: bool = True,
    **overrides: object,
) -> Case:
    """A case walked through the real services to `status`.

    From "decided" on, UM staff have confirmed the letter texts (`confirm_letter_texts`)
    unless `letter_texts` is False.

    `decider` (a CMO) is needed from "assembling" on; `overrides` go to the referral
    file (`details`); `walk` moves the steps before the review. A withdrawn case is
    withdrawn at intake with a reason.
    """
    case = open_case(owner, **overrides)
    if status == Status.WITHDRAWN:
        return case_withdraw(case=case, actor=owner, reason="The member withdrew the request.")
    target = ORDER.index(Status(status))
    if target >= ORDER.index(Status.ASSEMBLING):
        case = approve(case, decider, walk=walk)
    if target >= ORDER.index(Status.SUBMITTED):
        case = submit(case, specialist=specialist, delivery=delivery, walk=walk)
    if target >= ORDER.index(Status.REVIEW_RECEIVED):
        case = receive_review(case, recommendation=recommendation, walk=walk)
    if target >= ORDER.index(Status.DECIDED):
        case = sign(
            case,
            decider,
            outcome=outcome,
            follows_imro=follows_imro,
            rationale=rationale,
            modification=modification,
        )
        if letter_texts:
            confirm_letter_texts(case)
    if target >= ORDER.index(Status.NOTIFIED):
        case = notify(case)
    if target >= ORDER.index(Status.RESOLVED):
        case_resolve(case=case, actor=decider)
        case = Case.objects.get(pk=case.pk)
    if target >= ORDER.index(Status.CLOSED):
        case = close(case)
    assert case.status == status, f"walked to {case.status}, not {status}"
    return case


class _run_on_commit:
    """Run the on-commit callbacks registered inside the block at its end, as a commit
    would (tests run inside one transaction that never commits)."""

    def __enter__(self):
        connection = transaction.get_connection()
        self._start = len(connection.run_on_commit)
        return self

    def __exit__(self, kind, value, traceback):
        if kind is not None:
            return False
        connection = transaction.get_connection()
        while len(connection.run_on_commit) > self._start:
            _savepoints, callback, _robust = connection.run_on_commit.pop(self._start)
            callback()
        return False
