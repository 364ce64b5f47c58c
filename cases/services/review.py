"""The reviewer's written determination received (R-TRK-4, R-REV-3)."""

from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.events import case_event_add
from cases.models import Case, DocumentKind, Status
from cases.services.case import case_transition
from cases.services.documents import document_upload
from imr.errors import Refused
from notifications.services import notification_send, users_with_capability
from reports.summary import summary_refresh
from reviewers.events import ReviewerEvent
from reviewers.models import (
    ReceivedVia,
    Recommendation,
    Review,
    Submission,
)
from reviewers.services import refuse_future_time
from reviewers.turnaround import review_turnaround
from timelines.calendar import business_calendar
from timelines.models import ClockStatus
from timelines.rules import OnPass
from timelines.services import clocks_stop


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
    it arrived, in seconds, or now). A time typed to the minute in the minute of the IMRO
    receipt is recorded at the IMRO receipt. Stores the document, moves the case to
    review received, stops the IMRO clocks as met or missed, keeps whether it was
    timely, and notifies the CMO and Physician Designees (no PHI in the notification).
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
        raise Refused(problems)
    refuse_future_time(received_at, "received")
    case = Case.objects.select_for_update().select_related("member").get(pk=case.pk)
    submission = Submission.objects.filter(case=case).select_related("assignment").first()
    if Review.objects.filter(case=case).exists():
        raise Refused(["The reviewer's determination is already recorded on this case."])
    if submission is None or case.status != Status.SUBMITTED:
        raise Refused(
            [
                f"A determination is recorded for a submitted case; this one is "
                f"“{case.get_status_display()}”."
            ]
        )
    if received_at < submission.imro_received_at:
        if received_at < submission.imro_received_at.replace(second=0, microsecond=0) or (
            received_at.second or received_at.microsecond
        ):
            raise Refused(["The determination cannot arrive before the reviewer had the file."])
        # Typed to the minute in the minute the file arrived: it came after the file,
        # so it is recorded at the IMRO receipt, not refused.
        received_at = submission.imro_received_at
    try:
        document = document_upload(
            case=case,
            kind=DocumentKind.REVIEWER_DETERMINATION,
            uploaded_file=uploaded_file,
            actor=actor,
        )
    except ValidationError as error:
        raise Refused(error.messages) from error
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
    review.turnaround_hours, review.turnaround_business_days = review_turnaround(
        submission.imro_received_at, received_at, business_calendar()
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
    summary_refresh(case_ids=[case.pk])
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
