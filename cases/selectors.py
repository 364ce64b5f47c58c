"""Reads that shape case data for pages."""

from django.db.models import Prefetch, QuerySet

from cases.checklist import referral_file_checklist
from cases.eligibility import approval_problems, eligibility_problems
from cases.models import AuditedDateChange, Case, CaseEvent, Document


def case_list(*, search: str = "", status: str = "") -> QuerySet[Case]:
    cases = Case.objects.select_related("member", "owner").order_by("-received_at_plan", "-pk")
    if status:
        cases = cases.filter(status=status)
    return cases.search(search)


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
    events = CaseEvent.objects.filter(case=case).select_related("actor").order_by("-at", "-pk")
    return {
        "case": case,
        "checklist": checklist,
        "checklist_done": sum(1 for item in checklist if item.present),
        "eligibility_problems": eligibility_problems(case),
        "approval_problems": approval_problems(case),
        "events": events[:200],
        "audited_changes": AuditedDateChange.objects.filter(case=case).select_related("changed_by"),
    }


def case_page(case: Case) -> dict:
    """The whole staff case page: summary, checklist, clocks, documents, reviewer, decision."""
    from cases.documents import case_documents_context
    from cases.selectors_decision import decision_panel_for_case
    from reviewers.selectors import reviewer_panel_for_case
    from timelines.selectors import clocks_for_case

    context = case_detail_context(case)
    case = context["case"]
    context.update(case_documents_context(case=case))
    context["clocks"] = clocks_for_case(case)
    context["panel"] = reviewer_panel_for_case(case)
    context["decision"] = decision_panel_for_case(case)
    return context


def audited_date_changes(*, limit: int = 500) -> QuerySet[AuditedDateChange]:
    return AuditedDateChange.objects.select_related("changed_by", "case").order_by("-changed_at")[
        :limit
    ]
