"""The IMRO loop around a case: assign, attest, log contacts, information requests.

Each service is one transaction that locks the case row first, so two people acting on
the same case are served one after the other. Refusals raise imr.errors.Refused with
every problem found, and change nothing. The two steps that change the case's status,
submitting the file and recording the review received, are in cases.services
(submission, review): every status change of a case is made there.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cases.events import actor_display, case_event_add
from cases.models import Case, Status
from cases.phi_scan import reviewer_text_problems
from imr.errors import Refused
from reviewers.events import ReviewerEvent
from reviewers.gates import current_assignment
from reviewers.models import (
    Assignment,
    ConflictAttestation,
    ContactChannel,
    ContactLogEntry,
    InformationRequest,
    Specialist,
)
from reviewers.selectors import reviewer_suggestions

# Clocks on different machines drift; a time a few minutes ahead is not "in the future".
_CLOCK_SKEW = timedelta(minutes=5)


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("member").get(pk=case.pk)


def refuse_future_time(at: datetime, what: str) -> None:
    if at > timezone.now() + _CLOCK_SKEW:
        raise Refused([f"The {what} time is in the future."])


@transaction.atomic
def assignment_create(
    *,
    case: Case,
    specialist: Specialist,
    actor: AbstractBaseUser,
    outside_suggestion_reason: str = "",
) -> Assignment:
    """Assign the reviewer of the case (R-REV-2, policy VI.A).

    A reviewer whose credentials or IMRO contract have lapsed, or who declared a conflict
    on this case, is never assigned. One outside the suggestions needs a written reason,
    kept on the assignment and in its history. A new assignment ends the current one.
    """
    reason = outside_suggestion_reason.strip()
    case = _lock(case)
    today = timezone.localdate()
    problems = []
    if not case.is_editable:
        problems.append(
            f"A reviewer is chosen before submission; this case is “{case.get_status_display()}”."
        )
    reasons = specialist.ineligibility_reasons(today)
    if reasons:
        problems.append(f"{specialist.name} cannot be assigned: {'; '.join(reasons)}.")
    attestation = ConflictAttestation.objects.filter(case=case, specialist=specialist).first()
    if attestation is not None and attestation.has_conflict:
        problems.append(
            f"{specialist.name} declared a conflict of interest on this case "
            f"({'; '.join(attestation.declared)}) and can never be assigned to it."
        )
    suggested = specialist.pk in {s.specialist.pk for s in reviewer_suggestions(case, on=today)}
    if not problems and not suggested and not reason:
        problems.append(
            f"{specialist.name} is not among the suggested reviewers for “{case.specialty}”: "
            "give a written reason for choosing them (R-REV-2)."
        )
    current = current_assignment(case)
    if current is not None and current.specialist_id == specialist.pk:
        problems.append(f"{specialist.name} is already the assigned reviewer.")
    if problems:
        raise Refused(problems)
    now = timezone.now()
    if current is not None:
        _assignment_end(current, reason="replaced by another reviewer", actor=actor, at=now)
    assignment = Assignment(
        case=case,
        specialist=specialist,
        imro=specialist.imro,
        assigned_by=actor,
        assigned_at=now,
        suggested=suggested,
        outside_suggestion_reason="" if suggested else reason,
    )
    assignment._history_user = actor
    assignment.save()
    where = f" ({specialist.imro})" if specialist.imro else " (independent specialist)"
    case_event_add(
        case=case,
        kind=ReviewerEvent.ASSIGNED,
        summary=f"Reviewer assigned: {specialist.name}{where}"
        + ("." if suggested else f", outside the suggestions. Reason: {reason}"),
        actor=actor,
        data={"assignment_id": assignment.pk, "specialist_id": specialist.pk},
    )
    return assignment


def _assignment_end(
    assignment: Assignment, *, reason: str, actor: AbstractBaseUser, at: datetime
) -> None:
    assignment.ended_at = at
    assignment.ended_reason = reason
    assignment._history_user = actor
    assignment.save(update_fields=["ended_at", "ended_reason"])
    case_event_add(
        case=assignment.case,
        kind=ReviewerEvent.UNASSIGNED,
        summary=f"Reviewer {assignment.specialist.name} unassigned: {reason}.",
        actor=actor,
        data={"assignment_id": assignment.pk},
    )


@transaction.atomic
def attestation_record(
    *,
    case: Case,
    specialist: Specialist,
    actor: AbstractBaseUser,
    answers: Mapping[str, bool],
    notes: str = "",
    via_portal: bool = False,
) -> ConflictAttestation:
    """Record a reviewer's conflict-of-interest attestation for one case (R-REF-6).

    Every item of Health & Safety Code 1374.32(c) is answered yes or no. A declared
    conflict ends that reviewer's assignment on the case and bars them from it. An
    attestation is recorded once; it is not edited afterwards.
    """
    missing = [label for name, label in ConflictAttestation.ITEMS if name not in answers]
    if missing:
        raise Refused([f"Answer yes or no for: {label}." for label in missing])
    case = _lock(case)
    if ConflictAttestation.objects.filter(case=case, specialist=specialist).exists():
        raise Refused([f"{specialist.name} has already attested on this case."])
    attestation = ConflictAttestation(
        case=case,
        specialist=specialist,
        attested_by=actor,
        attested_at=timezone.now(),
        notes=notes.strip(),
        via_portal=via_portal,
        **{name: bool(answers[name]) for name, _ in ConflictAttestation.ITEMS},
    )
    attestation._history_user = actor
    attestation.save()
    how = "in the portal" if via_portal else f"recorded by {actor_display(actor)}"
    if attestation.has_conflict:
        summary = (
            f"{specialist.name} declared a conflict of interest ({how}): "
            f"{'; '.join(attestation.declared)}. They cannot review this case."
        )
    else:
        summary = f"{specialist.name} attested to no conflict of interest ({how})."
    case_event_add(
        case=case,
        kind=ReviewerEvent.ATTESTED,
        summary=summary,
        actor=actor,
        data={"attestation_id": attestation.pk, "conflict": attestation.has_conflict},
    )
    current = current_assignment(case)
    if attestation.has_conflict and current is not None and current.specialist_id == specialist.pk:
        _assignment_end(
            current, reason="conflict of interest declared", actor=actor, at=attestation.attested_at
        )
    return attestation


@transaction.atomic
def contact_log_add(
    *,
    case: Case,
    actor: AbstractBaseUser,
    at: datetime,
    channel: str,
    with_whom: str,
    summary: str,
) -> ContactLogEntry:
    """Log a contact with the IMRO or specialist about the case (R-TRK-2, VI.F.3)."""
    problems = []
    if channel not in ContactChannel.values:
        problems.append("Choose how the contact happened (phone, e-mail, portal, fax, other).")
    if not with_whom.strip():
        problems.append("Say who the contact was with.")
    if not summary.strip():
        problems.append("Summarize the contact.")
    if problems:
        raise Refused(problems)
    refuse_future_time(at, "contact")
    case = _lock(case)
    entry = ContactLogEntry(
        case=case,
        at=at,
        by=actor,
        channel=channel,
        with_whom=with_whom.strip(),
        summary=summary.strip(),
        recorded_at=timezone.now(),
    )
    entry._history_user = actor
    entry.save()
    # The event names the channel and party, not the summary, which is free text.
    case_event_add(
        case=case,
        kind=ReviewerEvent.CONTACT_LOGGED,
        summary=f"Contact logged: {entry.get_channel_display().lower()} with {entry.with_whom}.",
        actor=actor,
        data={"contact_id": entry.pk, "at": at.isoformat()},
    )
    return entry


@transaction.atomic
def information_request_ask(
    *, case: Case, actor: AbstractBaseUser, question: str
) -> InformationRequest:
    """The reviewer asks the plan for information; open until UM staff answer (R-TRK-10)."""
    question = question.strip()
    if not question:
        raise Refused(["Write the question."])
    case = _lock(case)
    if case.status != Status.SUBMITTED:
        raise Refused(
            [
                f"Questions are asked while the case is with the reviewer; it is "
                f"“{case.get_status_display()}”."
            ]
        )
    request = InformationRequest(
        case=case, asked_by=actor, asked_at=timezone.now(), question=question
    )
    request._history_user = actor
    request.save()
    case_event_add(
        case=case,
        kind=ReviewerEvent.INFORMATION_REQUESTED,
        summary="The reviewer asked for information (open until answered).",
        actor=actor,
        data={"information_request_id": request.pk},
    )
    return request


@transaction.atomic
def information_request_answer(
    *, information_request: InformationRequest, actor: AbstractBaseUser, answer: str
) -> InformationRequest:
    """UM staff answer a reviewer's question. The reviewer sees the answer, so it may not
    name the member (R-FILE-3); answered once, by a conditional update."""
    answer = answer.strip()
    if not answer:
        raise Refused(["Write the answer."])
    case = _lock(information_request.case)
    # The reviewer reads the answer word for word (R-SEC-4).
    problems = reviewer_text_problems(member=case.member, texts=[("The answer", answer)])
    if problems:
        raise Refused({"answer": problems})
    now = timezone.now()
    updated = InformationRequest.objects.filter(pk=information_request.pk, answered_at=None).update(
        answered_at=now, answered_by=actor, answer=answer
    )
    if updated != 1:
        raise Refused(["This question has already been answered."])
    information_request.refresh_from_db()
    # .update() bypasses simple-history; record the answered state explicitly.
    information_request._history_user = actor
    information_request.save(update_fields=["answer"])
    case_event_add(
        case=case,
        kind=ReviewerEvent.INFORMATION_ANSWERED,
        summary="UM staff answered the reviewer's question.",
        actor=actor,
        data={"information_request_id": information_request.pk},
    )
    return information_request
