"""Reads that shape case data for pages."""

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Prefetch

from cases.checklist import referral_file_checklist
from cases.eligibility import approval_problems, eligibility_problems
from cases.models import AuditedDateChange, Case, CaseEvent, Document, Status
from cases.selectors.determination import decision_panel_for_case
from cases.selectors.documents import case_documents_context
from cases.selectors.timeline import case_timeline
from cases.workflow import NEXT_ACTIONS
from imr.roles import perm
from reviewers.selectors import ReviewerPanel, reviewer_panel_for_case
from timelines.selectors import clocks_for_case, extension_offer


def case_detail_context(case: Case) -> dict:
    """Everything the staff case page shows, in a constant number of queries."""
    case = (
        Case.objects.select_related(
            "member", "treating_practitioner", "owner", "referral_approved_by"
        )
        .prefetch_related(
            "services",
            "diagnoses",
            "questions",
            "circumstances",
            Prefetch(
                "documents",
                queryset=Document.objects.select_related("uploaded_by", "supersedes"),
            ),
        )
        .get(pk=case.pk)
    )
    checklist = referral_file_checklist(case)
    events = CaseEvent.objects.filter(case=case).order_by("-at", "-pk")
    return {
        "case": case,
        "checklist": checklist,
        "checklist_done": sum(1 for item in checklist if item.present),
        "eligibility_problems": eligibility_problems(case),
        "approval_problems": approval_problems(case),
        "events": events[:200],
        "audited_changes": AuditedDateChange.objects.filter(case=case).select_related("changed_by"),
    }


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
    context["extension"] = extension_offer(case)
    context["can_decide"] = user.has_perm(perm("decide_cases"))
    context["panel"] = reviewer_panel_for_case(case)
    context["decision"] = decision_panel_for_case(case)
    context["next_action"] = next_action(case, user, context["panel"])
    context["running_clocks"] = [item for item in context["clocks"] if item.clock.is_running]
    context["timeline"] = case_timeline(
        case=case, clocks=context["clocks"], panel=context["panel"], decision=context["decision"]
    )
    return context
