"""Case services: intake, editing with stale-form protection, transitions, approval,
audited date changes. Each runs in one transaction and writes its case event.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases import workflow
from cases.codes import diagnosis_code_lookup, procedure_code_parse
from cases.events import AUDITED_DATE_CHANGED, case_event_add
from cases.models import (
    AuditedDateChange,
    Case,
    Diagnosis,
    Member,
    Practitioner,
    ReferralCircumstance,
    RequestedService,
    ReviewerQuestion,
    Status,
    origin_for,
)
from cases.phi_scan import reviewer_text_problems
from cases.workflow import STALE_CASE, check_transition
from imr.errors import Conflict, Refused
from imr.roles import perm
from reports.summary import summary_refresh
from timelines.services import clocks_cancel, clocks_recompute_for_case, clocks_start


@dataclass
class ServiceLine:
    code: str
    description: str


class CaseDetails:
    """The facts of a case as intake and edit submit them (keyword arguments only).

    Every name of Case.REFERRAL_FACTS may be given (a missing one takes the model's
    default) and is then an attribute; any other name is a programming error. Beside
    them: the receipt at the plan and the child rows (circumstances, services, diagnosis
    codes, questions).
    """

    def __init__(
        self,
        *,
        received_at_plan: datetime,
        circumstances: list[int],
        services: list[ServiceLine],
        diagnosis_codes: list[str],
        questions: list[str],
        **facts: object,
    ) -> None:
        unknown = set(facts) - set(Case.REFERRAL_FACTS)
        if unknown:
            raise TypeError(f"Not a referral-file fact of a case: {', '.join(sorted(unknown))}")
        self.received_at_plan = received_at_plan
        self.circumstances = circumstances
        self.services = services
        self.diagnosis_codes = diagnosis_codes
        self.questions = questions
        for name in Case.REFERRAL_FACTS:
            value = facts[name] if name in facts else Case._meta.get_field(name).get_default()
            setattr(self, name, value)

    def facts(self) -> dict[str, object]:
        """The referral-file columns, as Case(**facts) takes them."""
        return {name: getattr(self, name) for name in Case.REFERRAL_FACTS}


def _validated_codes(details: CaseDetails) -> tuple[list[RequestedService], list[Diagnosis]]:
    """Parse every code; raise one ValidationError naming every bad code (R-FILE-b, R-FILE-c)."""
    errors: dict[str, list[str]] = {}
    services = []
    for line in details.services:
        try:
            parsed = procedure_code_parse(line.code)
        except ValidationError as exc:
            errors.setdefault("services", []).extend(exc.messages)
            continue
        if not line.description.strip():
            errors.setdefault("services", []).append(
                f"Describe the service for code {parsed.code} in plain words (used in letters)."
            )
        services.append(
            RequestedService(
                code_system=parsed.system, code=parsed.code, description=line.description.strip()
            )
        )
    diagnoses = []
    seen = set()
    for raw in details.diagnosis_codes:
        try:
            found = diagnosis_code_lookup(raw)
        except ValidationError as exc:
            errors.setdefault("diagnosis_codes", []).extend(exc.messages)
            continue
        if found.code not in seen:
            seen.add(found.code)
            diagnoses.append(Diagnosis(code=found.code, description=found.description))
    if not details.tar_number.strip():
        errors.setdefault("tar_number", []).append("Enter the TAR number.")
    if details.review_type == "expedited" and not details.expedited_criterion:
        errors.setdefault("expedited_criterion", []).append(
            "An expedited review needs the criterion that applies (policy VI.G.2.a)."
        )
    if errors:
        raise Refused(errors)
    return services, diagnoses


def _questions_check(member: Member, details: CaseDetails) -> None:
    """The questions go to the reviewer word for word: no PHI of the member (R-SEC-4)."""
    questions = [q.strip() for q in details.questions if q.strip()]
    problems = reviewer_text_problems(
        member=member,
        texts=[(f"Question {n} for the reviewer", q) for n, q in enumerate(questions, 1)],
    )
    if problems:
        raise Refused({"questions": problems})


def _write_children(
    case: Case,
    details: CaseDetails,
    services: list[RequestedService],
    diagnoses: list[Diagnosis],
) -> None:
    """Replace the child rows; django-simple-history keeps every removed row."""
    for model in (RequestedService, Diagnosis, ReviewerQuestion, ReferralCircumstance):
        for row in model.objects.filter(case=case):
            row.delete()
    for row in [*services, *diagnoses]:
        row.case = case
        row.save()
    for position, text in enumerate((q.strip() for q in details.questions if q.strip()), 1):
        ReviewerQuestion.objects.create(case=case, position=position, text=text)
    for number in sorted(set(details.circumstances)):
        ReferralCircumstance.objects.create(case=case, circumstance=number)


@transaction.atomic
def case_create(
    *,
    member: Member,
    practitioner: Practitioner,
    details: CaseDetails,
    owner: AbstractBaseUser,
    actor: AbstractBaseUser,
) -> Case:
    """Open a case from a TAR for a saved member. Records the case's origin (R-DL-14) and
    starts the clocks counted from receipt at the plan; a clock the holiday calendar
    cannot count refuses the intake (R-DL-17)."""
    services, diagnoses = _validated_codes(details)
    _questions_check(member, details)
    case = _case_validated(details=details, owner=owner)
    case.member, case.treating_practitioner = member, practitioner
    return _case_open(case, details=details, rows=(services, diagnoses), actor=actor)


@dataclass(frozen=True)
class IntakeResult:
    """The case intake opened, and which of the member's recorded fields it changed."""

    case: Case
    member_created: bool
    member_changes: list[str]


@transaction.atomic
def case_intake(
    *,
    member: dict[str, object],
    practitioner: dict[str, object],
    details: CaseDetails,
    owner: AbstractBaseUser,
    actor: AbstractBaseUser,
) -> IntakeResult:
    """Intake as one change (R-SEC-3): the member, the practitioner and the case.

    Everything is checked before anything is written, and the writes share one
    transaction, so a refused intake (a bad code, a bad date of birth) leaves an
    existing member as it was and creates no member for a new CIN. An existing member's
    changed demographics are saved (django-simple-history keeps the old values), named
    in the case's log and returned, so that the page or the API can say what changed.
    """
    services, diagnoses = _validated_codes(details)
    member_row, member_changes = _member_validated(**member)
    _questions_check(member_row, details)
    case = _case_validated(details=details, owner=owner)
    created = member_row.pk is None
    if created or member_changes:
        member_row._change_reason = "Intake of a new case"  # simple-history's reason
        member_row.save()
    case.member = member_row
    case.treating_practitioner = practitioner_find_or_create(**practitioner)
    _case_open(case, details=details, rows=(services, diagnoses), actor=actor)
    if member_changes:
        labels = ", ".join(_member_field_label(name) for name in member_changes)
        case_event_add(
            case=case,
            kind="member_updated",
            summary=f"Member record updated at intake: {labels}.",
            actor=actor,
            data={"fields": member_changes},
        )
    return IntakeResult(case=case, member_created=created, member_changes=member_changes)


def _case_validated(*, details: CaseDetails, owner: AbstractBaseUser) -> Case:
    """The unsaved case with its facts checked (its member and practitioner come later)."""
    case = Case(
        owner=owner,
        received_at_plan=details.received_at_plan,
        origin=origin_for(review_type=details.review_type, circumstances=details.circumstances),
        **details.facts(),
    )
    case.full_clean(exclude=["member", "treating_practitioner", "owner"])
    return case


def _case_open(
    case: Case,
    *,
    details: CaseDetails,
    rows: tuple[list[RequestedService], list[Diagnosis]],
    actor: AbstractBaseUser,
) -> Case:
    case.save()
    _write_children(case, details, *rows)
    case_event_add(case=case, kind="case_opened", summary="Case opened at intake.", actor=actor)
    clocks_start(case=case, trigger="plan_receipt", at=case.received_at_plan, actor=actor)
    if case.response_needed_by is not None:
        clocks_start(case=case, trigger="response_needed", actor=actor)
    return case


def _member_validated(*, cin: str, **fields: object) -> tuple[Member, list[str]]:
    """The member with this CIN (locked) with the given values set, or a new unsaved one,
    checked but not saved; and the names of the fields that differ from the record."""
    cin = cin.strip().upper()
    member = Member.objects.select_for_update().filter(cin=cin).first()
    if member is None:
        member = Member(cin=cin, **fields)
        member.full_clean()
        return member, []
    changed = [name for name, value in fields.items() if getattr(member, name) != value]
    for name in changed:
        setattr(member, name, fields[name])
    member.full_clean()
    return member, changed


def _member_field_label(name: str) -> str:
    return str(Member._meta.get_field(name).verbose_name)


@transaction.atomic
def case_update(
    *, case_id: int, expected_version: int, details: CaseDetails, actor: AbstractBaseUser
) -> Case:
    """Save an edit of the case if nobody saved since the form was loaded.

    received_at_plan is not editable here: it is a regulator-audited date (R-TRK-9), see
    received_at_plan_change.
    """
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.version != expected_version:
        raise Conflict(STALE_CASE)
    if not case.is_editable:
        raise Refused(
            f"The referral file cannot be edited once the case is “{case.get_status_display()}”."
        )
    services, diagnoses = _validated_codes(details)
    _questions_check(case.member, details)
    origin = origin_for(review_type=details.review_type, circumstances=details.circumstances)
    clock_inputs_changed = (case.review_type, case.response_needed_by, case.origin) != (
        details.review_type,
        details.response_needed_by,
        origin,
    )
    case.origin = origin
    for name, value in details.facts().items():
        setattr(case, name, value)
    case.full_clean(exclude=["member", "treating_practitioner", "owner"])
    case.version += 1  # the row is locked (select_for_update), so this cannot race
    case.save()
    _write_children(case, details, services, diagnoses)
    case_event_add(case=case, kind="case_edited", summary="Referral file edited.", actor=actor)
    if clock_inputs_changed:
        clocks_recompute_for_case(case=case, actor=actor)
    summary_refresh(case_ids=[case.pk])
    return case


@transaction.atomic
def case_transition(
    *, case: Case, to: str, actor: AbstractBaseUser | None, reason: str = ""
) -> Case:
    """Move a case along the status table (cases.workflow); refuse anything else, naming it.

    The update is conditional on the status read, so two concurrent transitions cannot
    both win.
    """
    check_transition(case.status, to)
    updated = Case.objects.filter(pk=case.pk, status=case.status).update(
        status=to, version=F("version") + 1, updated_at=timezone.now()
    )
    if updated != 1:
        raise Conflict(STALE_CASE)
    previous = case.get_status_display()
    case.refresh_from_db()
    # .update() bypasses simple-history; record the new state explicitly.
    case.save(update_fields=["updated_at"])
    case_event_add(
        case=case,
        kind="status_changed",
        summary=f"Status: {previous} → {case.get_status_display()}."
        + (f" Reason: {reason}" if reason else ""),
        actor=actor,
        data={"to": to},
    )
    return case


@transaction.atomic
def case_withdraw(*, case: Case, actor: AbstractBaseUser, reason: str) -> Case:
    """Withdraw a case before a determination is signed; a reason is required."""
    if not reason.strip():
        raise Refused({"reason": ["Give the reason for withdrawing the case."]})
    case = case_transition(case=case, to=Status.WITHDRAWN, actor=actor, reason=reason.strip())
    Case.objects.filter(pk=case.pk).update(withdrawn_reason=reason.strip())
    case.refresh_from_db()
    clocks_cancel(case=case, reason="case withdrawn", actor=actor)
    summary_refresh(case_ids=[case.pk])
    return case


@transaction.atomic
def referral_approve(*, case: Case, actor: AbstractBaseUser) -> Case:
    """The CMO's or Physician Designee's decision to refer to IMR (R-REF-4, policy VI.B).

    Records who and when, moves intake → assembling, and starts the internal
    file-assembly clock (R-DL-12).
    """
    if not actor.has_perm(perm("decide_cases")):
        raise PermissionDenied("Only the CMO or a Physician Designee can approve a referral.")
    if not case.is_editable:
        raise Refused(
            f"A case that is “{case.get_status_display()}” cannot be approved for referral."
        )
    updated = Case.objects.filter(
        pk=case.pk,
        referral_approved_at__isnull=True,
        status__in=workflow.EDITABLE,
    ).update(referral_approved_at=timezone.now(), referral_approved_by=actor)
    if updated != 1:
        raise Refused("The referral to IMR is already approved.")
    case.refresh_from_db()
    if case.status == Status.INTAKE:
        case = case_transition(case=case, to=Status.ASSEMBLING, actor=actor)
    else:
        case.save(update_fields=["updated_at"])
    case_event_add(
        case=case,
        kind="referral_approved",
        summary="Referral to IMR approved by the CMO or Physician Designee.",
        actor=actor,
    )
    clocks_start(case=case, trigger="referral_approval", at=case.referral_approved_at, actor=actor)
    return case


@transaction.atomic
def received_at_plan_change(
    *, case: Case, new_value: datetime, actor: AbstractBaseUser, reason: str
) -> Case:
    """Change the audited receipt-at-plan time (R-TRK-9): CMO or Administrator, with a reason."""
    if not actor.has_perm(perm("change_audited_dates")):
        raise PermissionDenied(
            "Only the CMO, a Physician Designee or an Administrator can change an audited date."
        )
    if not reason.strip():
        raise Refused({"reason": ["Give the reason for changing an audited date."]})
    if new_value > timezone.now():
        raise Refused({"received_at_plan": ["The receipt time cannot be in the future."]})
    case = Case.objects.select_for_update().get(pk=case.pk)
    old_value = case.received_at_plan
    if old_value == new_value:
        raise Refused({"received_at_plan": ["That is already the recorded time."]})
    case.received_at_plan = new_value
    case.version += 1
    case.save()
    AuditedDateChange.objects.create(
        case=case,
        field="received_at_plan",
        old_value=old_value.isoformat(),
        new_value=new_value.isoformat(),
        reason=reason.strip(),
        changed_by=actor,
        changed_at=timezone.now(),
    )
    case_event_add(
        case=case,
        kind=AUDITED_DATE_CHANGED,
        summary=f"Receipt at the plan changed. Reason: {reason.strip()}",
        actor=actor,
        data={
            "field": "received_at_plan",
            "old": old_value.isoformat(),
            "new": new_value.isoformat(),
        },
    )
    # The rows in force at the new receipt apply (R-DL-16).
    clocks_recompute_for_case(case=case, actor=actor, receipt_changed=True)
    summary_refresh(case_ids=[case.pk])
    return case


@transaction.atomic
def member_find_or_create(*, cin: str, **fields: object) -> Member:
    """The member with this CIN, with contact details brought up to date, or a new one.

    For the demo seed and tests; intake uses case_intake, which saves the member only
    together with its case (R-SEC-3).
    """
    member, changes = _member_validated(cin=cin, **fields)
    if member.pk is None or changes:
        member.save()
    return member


@transaction.atomic
def practitioner_find_or_create(
    *,
    name: str,
    npi: str = "",
    specialty: str = "",
    email: str = "",
    address: str = "",
    use_on_file: bool = False,
) -> Practitioner:
    """Match by NPI when given (filling in contact details it lacked); else a new record.

    An NPI on file under another name is refused unless `use_on_file` confirms the
    record on file (issue 19): the typed name is never silently replaced.
    """
    if npi:
        existing = Practitioner.objects.filter(npi=npi).first()
        if existing is not None and not existing.is_named(name) and not use_on_file:
            raise Refused(
                fields={
                    "practitioner": [
                        f"NPI {npi} is on file for {existing.name}, not “{name}”. Send "
                        "use_on_file: true to open the case with the record on file, or "
                        "correct the NPI."
                    ]
                }
            )
        if existing is not None:
            changed = False
            for field, value in (("email", email), ("address", address)):
                if value and not getattr(existing, field):
                    setattr(existing, field, value)
                    changed = True
            if changed:
                existing.save()
            return existing
    return Practitioner.objects.create(
        name=name, npi=npi, specialty=specialty, email=email, address=address
    )
