"""Staff pages of the IMRO loop: the reviewer panel's forms, and the registry.

Every form posts here and returns to the page it came from (the case page, which
includes the panel); the services decide, these views only parse and report.
"""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from cases.models import Case
from reviewers import services
from reviewers.access import _get_case_for_staff, _require_staff_reader
from reviewers.forms import (
    AnswerForm,
    AssignmentForm,
    ContactForm,
    StaffAttestationForm,
    StaffReviewForm,
    SubmitForm,
    form_errors,
)
from reviewers.models import InformationRequest, ReceivedVia
from reviewers.selectors import registry_rows, reviewer_panel_for_case


def _back(request: HttpRequest, case: Case) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("cases:detail", args=[case.pk])
    return HttpResponseRedirect(target.split("#")[0] + "#reviewer")


def _handle(
    request: HttpRequest,
    case: Case,
    form: forms.Form,
    action: Callable[[dict], object],
    done: str,
) -> HttpResponseRedirect:
    """Validate the form, run the service, report success or every refusal."""
    if not form.is_valid():
        for error in form_errors(form):
            messages.error(request, error)
    else:
        try:
            action(form.cleaned_data)
        except services.ReviewerRefused as refused:
            for problem in refused.problems:
                messages.error(request, problem)
        else:
            messages.success(request, done)
    return _back(request, case)


@require_GET
def staff_case(request: HttpRequest, case_pk: int) -> HttpResponse:
    """The reviewer panel on a page of its own (the case page includes the same fragment)."""
    case = _get_case_for_staff(request, case_pk, capability="view_phi")
    return render(request, "reviewers/staff_case.html", {"panel": reviewer_panel_for_case(case)})


@require_GET
def registry(request: HttpRequest) -> HttpResponse:
    _require_staff_reader(request)
    return render(request, "reviewers/registry.html", {"rows": registry_rows()})


@require_POST
def assign(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _get_case_for_staff(request, case_pk, capability="work_cases")
    return _handle(
        request,
        case,
        AssignmentForm(request.POST),
        lambda data: services.assignment_create(
            case=case,
            specialist=data["specialist"],
            actor=request.user,
            outside_suggestion_reason=data["outside_suggestion_reason"],
        ),
        "Reviewer assigned.",
    )


@require_POST
def attest(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _get_case_for_staff(request, case_pk, capability="work_cases")
    form = StaffAttestationForm(request.POST)
    return _handle(
        request,
        case,
        form,
        lambda data: services.attestation_record(
            case=case,
            specialist=data["specialist"],
            actor=request.user,
            answers=form.answers(),
            notes=data["notes"],
        ),
        "Attestation recorded.",
    )


@require_POST
def submit(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _get_case_for_staff(request, case_pk, capability="work_cases")
    return _handle(
        request,
        case,
        SubmitForm(request.POST),
        lambda data: services.case_submit(case=case, actor=request.user, delivery=data["delivery"]),
        "Submitted to the reviewer; the IMRO clock is running.",
    )


@require_POST
def contact_add(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _get_case_for_staff(request, case_pk, capability="work_cases")
    return _handle(
        request,
        case,
        ContactForm(request.POST),
        lambda data: services.contact_log_add(case=case, actor=request.user, **data),
        "Contact logged.",
    )


@require_POST
def answer(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    case = _get_case_for_staff(request, case_pk, capability="work_cases")
    question = get_object_or_404(InformationRequest, case=case, pk=pk)
    return _handle(
        request,
        case,
        AnswerForm(request.POST),
        lambda data: services.information_request_answer(
            information_request=question, actor=request.user, answer=data["answer"]
        ),
        "Answer sent to the reviewer.",
    )


@require_POST
def review_add(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _get_case_for_staff(request, case_pk, capability="work_cases")
    return _handle(
        request,
        case,
        StaffReviewForm(request.POST, request.FILES),
        lambda data: services.review_record(
            case=case,
            actor=request.user,
            uploaded_file=data["file"],
            recommendation=data["recommendation"],
            rationale=data["rationale"],
            documents_reviewed=data["documents_reviewed"],
            reviewer_qualifications=data["reviewer_qualifications"],
            received_via=ReceivedVia.STAFF,
            received_at=data["received_at"],
        ),
        "Reviewer's determination recorded; the CMO is notified.",
    )
