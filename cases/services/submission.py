"""Submitting the referral file to the reviewer (policy VI.F.2, R-TRK-1)."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.events import case_event_add
from cases.models import Case, Status
from cases.services.case import case_transition
from imr.errors import Refused
from reports.summary import summary_refresh
from reviewers.delivery import deliverer_for
from reviewers.events import ReviewerEvent
from reviewers.gates import current_assignment, submission_problems
from reviewers.models import (
    Assignment,
    Submission,
)
from timelines.services import clocks_start


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
        raise Refused(error.messages) from error
    locked = Case.objects.select_for_update().select_related("member").get(pk=case.pk)
    problems = submission_problems(locked, deliverer=deliverer, on=timezone.localdate())
    if problems:
        raise Refused(problems)
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
        raise Refused(["The case was already submitted; it is not sent twice."]) from None
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
    summary_refresh(case_ids=[locked.pk])
    case.refresh_from_db()
    return submission
