"""The IMRO loop: assign, attest, submit, log contacts, questions, and the review received.

Each service is one transaction that locks the case row first, so two people acting on
the same case are served one after the other. Refusals raise ReviewerRefused with every
problem found, and change nothing.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases.documents import document_upload
from cases.events import case_event_add
from cases.models import Case, DocumentKind, Status
from cases.phi_scan import phi_kinds_in_text
from cases.services import case_transition
from notifications.services import notification_send, users_with_capability
from reviewers.delivery import deliverer_for
from reviewers.events import ReviewerEvent
from reviewers.gates import current_assignment, submission_problems
from reviewers.models import (
    Assignment,
    ConflictAttestation,
    ContactChannel,
    ContactLogEntry,
    InformationRequest,
    ReceivedVia,
    Recommendation,
    Review,
    Specialist,
    Submission,
)
from reviewers.selectors import reviewer_suggestions
from timelines.models import ClockStatus
from timelines.rules import OnPass
from timelines.services import clocks_start, clocks_stop

# Clocks on different machines drift; a time a few minutes ahead is not "in the future".
_CLOCK_SKEW = timedelta(minutes=5)


class ReviewerRefused(Exception):
    """The action is refused; `problems` names every reason, in words for UM staff."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(" ".join(problems))


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("member").get(pk=case.pk)


def _refuse_future(at: datetime, what: str) -> None:
    if at > timezone.now() + _CLOCK_SKEW:
        raise ReviewerRefused([f"The {what} time is in the future."])


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
    if case.status not in (Status.INTAKE, Status.ASSEMBLING):
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
        raise ReviewerRefused(problems)
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
        raise ReviewerRefused([f"Answer yes or no for: {label}." for label in missing])
    case = _lock(case)
    if ConflictAttestation.objects.filter(case=case, specialist=specialist).exists():
        raise ReviewerRefused([f"{specialist.name} has already attested on this case."])
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
    how = "in the portal" if via_portal else "recorded by UM staff"
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
def case_submit(*, case: Case, actor: AbstractBaseUser, delivery: str = "portal") -> Submission:
    """Send the complete referral file to the assigned reviewer (policy VI.F.2, R-TRK-1).

    Checks every gate at once (referral file a–i, eligibility VI.B/VI.C, the CMO's
    approval R-REF-4, a current reviewer with a clean attestation, the delivery channel)
    and refuses with all that fail, changing nothing. On success: delivers through
    reviewers.delivery, moves the case to submitted, records the IMRO receipt time and
    the reviewer's charge to the plan (R-REF-5), and starts the IMRO clocks. A second
    submission is refused (the lock, the status check and a unique constraint).
    """
    try:
        deliverer = deliverer_for(delivery)
    except ValidationError as error:
        raise ReviewerRefused(error.messages) from error
    locked = _lock(case)
    problems = submission_problems(locked, deliverer=deliverer, on=timezone.localdate())
    if problems:
        raise ReviewerRefused(problems)
    # Not None: submission_problems refuses a case without a current assignment.
    assignment: Assignment = current_assignment(locked)  # type: ignore[assignment]
    received_at = deliverer.deliver(case=locked, assignment=assignment)
    locked = case_transition(case=locked, to=Status.SUBMITTED, actor=actor)
    charge = (
        assignment.imro.charge_for(locked.review_type)
        if assignment.imro
        else assignment.specialist.charge_per_review
    )
    submission = Submission(
        case=locked,
        assignment=assignment,
        submitted_by=actor,
        submitted_at=timezone.now(),
        imro_received_at=received_at,
        delivery_channel=deliverer.channel,
        review_type=locked.review_type,
        charge_to_plan=charge,
    )
    submission._history_user = actor
    try:
        with transaction.atomic():
            submission.save(force_insert=True)
    except IntegrityError:
        raise ReviewerRefused(["The case was already submitted; it is not sent twice."]) from None
    clocks_start(case=locked, trigger="imro_receipt", at=received_at, actor=actor)
    case_event_add(
        case=locked,
        kind=ReviewerEvent.SUBMITTED,
        summary=f"Referral file submitted to {assignment.specialist.name} "
        f"by {submission.get_delivery_channel_display().lower()}; IMRO receipt recorded.",
        actor=actor,
        data={
            "submission_id": submission.pk,
            "imro_received_at": received_at.isoformat(),
            "charge_to_plan": str(charge) if charge is not None else None,
        },
    )
    case.refresh_from_db()
    return submission


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
        raise ReviewerRefused(problems)
    _refuse_future(at, "contact")
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
        raise ReviewerRefused(["Write the question."])
    case = _lock(case)
    if case.status != Status.SUBMITTED:
        raise ReviewerRefused(
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
        raise ReviewerRefused(["Write the answer."])
    case = _lock(information_request.case)
    found = phi_kinds_in_text(member=case.member, text=answer)
    if found:
        raise ReviewerRefused(
            [
                f"The answer contains the member's {', '.join(k.label for k in found)}; the "
                "reviewer sees only the internal patient identifier."
            ]
        )
    now = timezone.now()
    updated = InformationRequest.objects.filter(pk=information_request.pk, answered_at=None).update(
        answered_at=now, answered_by=actor, answer=answer
    )
    if updated != 1:
        raise ReviewerRefused(["This question has already been answered."])
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


@transaction.atomic
def review_record(
    *,
    case: Case,
    actor: AbstractBaseUser,
    uploaded_file: File,
    recommendation: str,
    rationale: str,
    documents_reviewed: str,
    reviewer_qualifications: str,
    received_via: str,
    received_at: datetime | None = None,
) -> Review:
    """Record the reviewer's written determination (R-TRK-4, R-REV-3).

    From the portal (received now) or by UM staff when it arrived another way (the time
    it arrived). Stores the document, moves the case to review received, stops the IMRO
    clocks as met or missed, keeps whether it was timely, and notifies the CMO and
    Physician Designees (no PHI in the notification).
    """
    received_at = received_at or timezone.now()
    problems = []
    if recommendation not in Recommendation.values:
        problems.append("Choose the recommendation: uphold, overturn or modify.")
    if received_via not in ReceivedVia.values:
        problems.append("Say how the determination was received.")
    for value, label in (
        (rationale, "the rationale"),
        (documents_reviewed, "the documents reviewed"),
        (reviewer_qualifications, "the reviewer's qualifications"),
    ):
        if not value.strip():
            problems.append(f"Give {label}.")
    if problems:
        raise ReviewerRefused(problems)
    _refuse_future(received_at, "received")
    case = _lock(case)
    submission = Submission.objects.filter(case=case).select_related("assignment").first()
    if Review.objects.filter(case=case).exists():
        raise ReviewerRefused(["The reviewer's determination is already recorded on this case."])
    if submission is None or case.status != Status.SUBMITTED:
        raise ReviewerRefused(
            [
                f"A determination is recorded for a submitted case; this one is "
                f"“{case.get_status_display()}”."
            ]
        )
    if received_at < submission.imro_received_at:
        raise ReviewerRefused(["The determination cannot arrive before the reviewer had the file."])
    try:
        document = document_upload(
            case=case,
            kind=DocumentKind.REVIEWER_DETERMINATION,
            uploaded_file=uploaded_file,
            actor=actor,
        )
    except ValidationError as error:
        raise ReviewerRefused(error.messages) from error
    case = case_transition(case=case, to=Status.REVIEW_RECEIVED, actor=actor)
    stopped = clocks_stop(case=case, trigger="determination_received", at=received_at, actor=actor)
    review = Review(
        case=case,
        assignment=submission.assignment,
        document=document,
        recommendation=recommendation,
        rationale=rationale.strip(),
        documents_reviewed=documents_reviewed.strip(),
        reviewer_qualifications=reviewer_qualifications.strip(),
        received_at=received_at,
        received_via=received_via,
        recorded_by=actor,
        recorded_at=timezone.now(),
        timely=_timely(stopped),
    )
    review._history_user = actor
    review.save()
    timeliness = {True: "on time", False: "late", None: "no IMRO clock ran"}[review.timely]
    case_event_add(
        case=case,
        kind=ReviewerEvent.REVIEW_RECEIVED,
        summary=f"Reviewer's determination received ({review.get_received_via_display().lower()}): "
        f"{review.get_recommendation_display().lower()}; {timeliness}.",
        actor=actor,
        data={"review_id": review.pk, "document_id": document.pk, "timely": review.timely},
    )
    _notify_decision_makers(case=case, review=review)
    return review


def _timely(stopped: list) -> bool | None:
    """Met or missed against the clocks whose passing is a breach (for retrospective
    reviews the 7-day limit, not the 5-day target); None when none was running."""
    judged = [clock for clock in stopped if clock.on_pass == OnPass.BREACH]
    if not judged:
        return None
    return all(clock.status == ClockStatus.MET for clock in judged)


def _notify_decision_makers(*, case: Case, review: Review) -> None:
    text = (
        f"The reviewer's determination was received on IMR case {case.pk} "
        f"({review.get_recommendation_display().lower()}); record the coverage determination."
    )
    link = reverse("cases:detail", args=[case.pk])
    for user in users_with_capability("imr.decide_cases"):
        notification_send(
            recipient=user,
            kind="review_received",
            case=case,
            text=text,
            link=link,
            dedupe_key=f"review_received:{case.pk}",
        )
