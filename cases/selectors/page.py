"""Reads that shape case data for pages."""

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Prefetch, QuerySet

from cases.checklist import referral_file_checklist
from cases.eligibility import approval_problems, eligibility_problems
from cases.events import AUDITED_DATE_CHANGED
from cases.models import AuditedDateChange, Case, CaseEvent, Document, OralNotice, Status
from cases.selectors.determination import decision_panel_for_case
from cases.selectors.documents import case_documents_context
from cases.selectors.timeline import case_timeline
from cases.workflow import NEXT_ACTIONS
from imr.roles import perm
from reviewers.models import InformationRequest
from reviewers.selectors import ReviewerPanel, reviewer_panel_for_case
from timelines.selectors import clocks_for_case, extension_offer


def case_page_cases() -> QuerySet[Case]:
    """Cases as their page reads them: every one-to-one row the panels show (submission,
    review and its document, resolution, TAR attachment) joined, and the lists prefetched;
    the documents once, with their text, for the checklist, the eligibility and PHI checks,
    the documents panel and the decision panel alike (Case.current_documents())."""
    return Case.objects.select_related(
        "member",
        "treating_practitioner",
        "owner",
        "referral_approved_by",
        "submission__submitted_by",
        "review__document",
        "resolution__resolved_by",
        "tar_attachment__confirmed_by",
        "notice_text",
    ).prefetch_related(
        Prefetch("oral_notices", queryset=OralNotice.objects.select_related("given_by")),
        "services",
        "diagnoses",
        "questions",
        "circumstances",
        Prefetch(
            "documents",
            queryset=Document.objects.select_related("uploaded_by"),
        ),
    )


def case_detail_context(case: Case) -> dict:
    """Everything the staff case page shows, in a constant number of queries.

    `case` as case_page_cases() reads it (the view's access check does), else it is read
    again that way.
    """
    if "documents" not in getattr(case, "_prefetched_objects_cache", {}):
        case = case_page_cases().get(pk=case.pk)
    checklist = referral_file_checklist(case)
    # One read of the history; when it holds every event (nearly every case), the other
    # panels take what they need from it instead of reading the log again.
    events = list(CaseEvent.objects.filter(case=case).order_by("-at", "-pk")[: HISTORY_SHOWN + 1])
    every_event = events if len(events) <= HISTORY_SHOWN else None
    return {
        "case": case,
        "checklist": checklist,
        "checklist_done": sum(1 for item in checklist if item.present),
        "eligibility_problems": eligibility_problems(case),
        "approval_problems": approval_problems(case),
        "events": events[:HISTORY_SHOWN],
        "every_event": every_event,
        "audited_changes": _audited_changes(case, every_event),
    }


HISTORY_SHOWN = 200  # the newest events in the history column


def _audited_changes(case: Case, every_event: list[CaseEvent] | None) -> list[AuditedDateChange]:
    """The case's audited-date changes (R-TRK-9); none to read when the complete event log
    has no change (received_at_plan_change writes both in one transaction)."""
    if every_event is not None and not any(e.kind == AUDITED_DATE_CHANGED for e in every_event):
        return []
    return list(AuditedDateChange.objects.filter(case=case).select_related("changed_by"))


@dataclass(frozen=True)
class NextAction:
    label: str
    anchor: str  # where on the case page the user does it
    waiting_for: str = ""  # set when it is someone else's turn


_WHO = {"decide_cases": "the CMO or a Physician Designee", "work_cases": "UM staff"}


def next_action(
    case: Case, user: AbstractBaseUser, panel: ReviewerPanel | None = None
) -> NextAction | None:
    """The next step of the case, shown first on its page, for this user's role.

    While the file is assembled the step is the first gate still open (issue 19): a
    reviewer to assign, then their conflict attestation, then the file; "Submit to the
    reviewer" only once nothing stands in the way. `panel` is the page's reviewer panel.
    """
    step = NEXT_ACTIONS.get(case.status)
    if step is None:
        return None
    label, anchor = step.label, step.anchor
    if case.status == Status.ASSEMBLING and panel is not None:
        label, anchor = _assembling_step(panel)
    if user.has_perm(perm(step.capability)):
        return NextAction(label=label, anchor=anchor)
    return NextAction(label=label, anchor=anchor, waiting_for=_WHO[step.capability])


def _assembling_step(panel: ReviewerPanel) -> tuple[str, str]:
    if panel.assignment is None:
        return "Assign a reviewer", "reviewer"
    if panel.attestation is None:
        return "Get the reviewer's conflict-of-interest attestation", "reviewer"
    if panel.submit_problems:
        return "Complete the file for submission", "reviewer"
    return "Submit to the reviewer", "reviewer"


def case_page(case: Case, user: AbstractBaseUser) -> dict:
    """The whole staff case page: summary, checklist, clocks, documents, reviewer, decision."""
    context = case_detail_context(case)
    case = context["case"]
    context.update(case_documents_context(case=case))
    context["clocks"] = clocks_for_case(case)
    # The CMO decides the extension on this page (R-DL-5); others see the decision.
    context["extension"] = extension_offer(case, clocks=[view.clock for view in context["clocks"]])
    context["can_decide"] = user.has_perm(perm("decide_cases"))
    # One review and one list of information requests for both panels that show them.
    review = getattr(case, "review", None)  # joined above; no row: RelatedObjectDoesNotExist
    # The reviewer asks only once the file is submitted (information_request_ask).
    requests = (
        list(InformationRequest.objects.filter(case=case).select_related("asked_by", "answered_by"))
        if getattr(case, "submission", None) is not None
        else []
    )
    context["panel"] = reviewer_panel_for_case(
        case, review=review, information_requests=requests, events=context["every_event"]
    )
    context["decision"] = decision_panel_for_case(
        case, review=review, information_requests=requests
    )
    context["next_action"] = next_action(case, user, context["panel"])
    context["running_clocks"] = [item for item in context["clocks"] if item.clock.is_running]
    context["timeline"] = case_timeline(
        case=case, clocks=context["clocks"], panel=context["panel"], decision=context["decision"]
    )
    return context
