"""Staff pages of the IMRO loop: the reviewer panel's forms, and the registry.

Every form posts here and returns to the page it came from (the case page, which
includes the panel); the services decide, these views only parse and report.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cases.access import access_log
from cases.models import AccessLog, Case
from imr.web import form_run, redirect_back
from reviewers import services
from reviewers.access import get_case_for_staff, require_staff_reader
from reviewers.forms import (
    AnswerForm,
    AssignmentForm,
    ContactForm,
    StaffAttestationForm,
)
from reviewers.models import InformationRequest
from reviewers.selectors import registry_rows, reviewer_panel_for_case


def _back(request: HttpRequest, case: Case) -> HttpResponseRedirect:
    return redirect_back(request, reverse("cases:detail", args=[case.pk]), anchor="reviewer")


@require_GET
def staff_case(request: HttpRequest, case_pk: int) -> HttpResponse:
    """The reviewer panel on a page of its own (the case page includes the same fragment)."""
    case = get_case_for_staff(request, case_pk, capability="view_phi")
    access_log(request, action=AccessLog.Action.VIEW_CASE, case=case, resource="reviewer panel")
    return render(request, "reviewers/staff_case.html", {"panel": reviewer_panel_for_case(case)})


@require_GET
def registry(request: HttpRequest) -> HttpResponse:
    require_staff_reader(request)
    return render(request, "reviewers/registry.html", {"rows": registry_rows()})


@require_POST
def assign(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for_staff(request, case_pk, capability="work_cases")
    form_run(
        request,
        AssignmentForm(request.POST),
        lambda data: services.assignment_create(
            case=case,
            specialist=data["specialist"],
            actor=request.user,
            outside_suggestion_reason=data["outside_suggestion_reason"],
        ),
        done="Reviewer assigned.",
    )
    return _back(request, case)


@require_POST
def attest(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for_staff(request, case_pk, capability="work_cases")
    form = StaffAttestationForm(request.POST)
    form_run(
        request,
        form,
        lambda data: services.attestation_record(
            case=case,
            specialist=data["specialist"],
            actor=request.user,
            answers=form.answers(),
            notes=data["notes"],
        ),
        done="Attestation recorded.",
    )
    return _back(request, case)


@require_POST
def contact_add(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for_staff(request, case_pk, capability="work_cases")
    form_run(
        request,
        ContactForm(request.POST),
        lambda data: services.contact_log_add(case=case, actor=request.user, **data),
        done="Contact logged.",
    )
    return _back(request, case)


@require_POST
def answer(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    case = get_case_for_staff(request, case_pk, capability="work_cases")
    question = get_object_or_404(InformationRequest, case=case, pk=pk)
    form_run(
        request,
        AnswerForm(request.POST),
        lambda data: services.information_request_answer(
            information_request=question, actor=request.user, answer=data["answer"]
        ),
        done="Answer sent to the reviewer.",
    )
    return _back(request, case)
