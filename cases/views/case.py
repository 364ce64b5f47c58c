from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from cases import selectors, services
from cases.access import access_log, access_log_list, get_case_for_user, require_capability
from cases.codes import diagnosis_code_suggest
from cases.forms import (
    CaseForm,
    CaseSearchForm,
    IntakeDocumentForm,
    MemberForm,
    PractitionerForm,
    ReceivedAtPlanChangeForm,
    WithdrawForm,
    case_initial,
)
from cases.models import AccessLog, Status
from cases.searches import search_recall, search_remember
from imr.reauth import reauthentication_required
from imr.web import form_service_run, service_run


def case_list(request: HttpRequest) -> HttpResponse:
    """Cases, newest received first, by status and a search kept in the session.

    The term is never read from the URL (issue 11): `?search=` names a search this
    session POSTed to case_search, and `?q=` is refused with a message. Every case on the
    page shown is access-logged, since the rows carry member names (R-TRK-8).
    """
    require_capability(request, "view_phi")
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    key = request.GET.get("search", "")
    term = _search_term(request, key)
    form = CaseSearchForm(initial={"q": term or "", "status": status})
    if term is None:
        return render(request, "cases/list.html", {"form": form, "page": None})
    found = selectors.case_search(search=term, status=status)
    page = selectors.CappedPaginator(found, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # one query, for the log and the table
    access_log_list(request, cases=page.object_list)
    params = {name: value for name, value in (("search", key), ("status", status)) if value}
    paging = urlencode(params) + "&" if params else ""
    return render(request, "cases/list.html", {"form": form, "page": page, "paging": paging})


def _search_term(request: HttpRequest, key: str) -> str | None:
    """The session's term for `key` ("" for no search); None, with a message, if refused."""
    if "q" in request.GET:
        messages.warning(
            request,
            "Search with the search box on this page. A search written into the address is "
            "not run, so that member names stay out of addresses and logs.",
        )
        return None
    if not key:
        return ""
    term = search_recall(request.session, key)
    if term is None:
        messages.error(request, "That search is no longer available; search again.")
    return term


@require_POST
def case_search(request: HttpRequest) -> HttpResponse:
    """Keep the POSTed term in the session; show the list by the term's key (issue 11).

    A 303 to `/cases/?search=<key>&status=…`: the key is random and means nothing outside
    this session, so proxy logs, access logs and history never hold the term. A refused
    term is shown again with its error, and nothing is kept or logged.
    """
    require_capability(request, "view_phi")
    form = CaseSearchForm(request.POST)
    if not form.is_valid():
        return render(request, "cases/list.html", {"form": form, "page": None})
    params = {"status": form.cleaned_data["status"]}
    if form.cleaned_data["q"]:
        params["search"] = search_remember(request.session, form.cleaned_data["q"])
    query = urlencode({name: value for name, value in params.items() if value})
    response = redirect(reverse("cases:list") + (f"?{query}" if query else ""))
    response.status_code = 303  # See Other: the browser GETs the list
    return response


def case_intake(request: HttpRequest) -> HttpResponse:
    """Open a case; a member found by CIN whose details changed is named in a message."""
    require_capability(request, "work_cases")
    forms = [cls(request.POST or None) for cls in (MemberForm, PractitionerForm, CaseForm)]
    member_form, practitioner_form, case_form = forms
    document_form = IntakeDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and all(form.is_valid() for form in [*forms, document_form]):
        _confirm_practitioner(practitioner_form)
    if request.method == "POST" and all(form.is_valid() for form in [*forms, document_form]):
        intake = form_service_run(
            request,
            case_form,
            lambda: _intake(request, member_form, practitioner_form, case_form, document_form),
            done=f"Case opened for TAR {case_form.cleaned_data['tar_number']}.",
        )
        if intake is not None:
            if intake.member_changes:
                messages.info(request, member_changes_sentence(intake.member_changes))
            return redirect("cases:detail", pk=intake.case.pk)
    context = {"forms": forms, "case_form": case_form, "document_form": document_form}
    return render(request, "cases/intake.html", context)


def _confirm_practitioner(form: PractitionerForm) -> None:
    """An NPI on file under another name is shown and must be confirmed (issue 19)."""
    data = form.cleaned_data
    on_file = selectors.practitioner_on_file_as_other(
        name=data["practitioner_name"], npi=data["practitioner_npi"]
    )
    if on_file is not None and not data["practitioner_use_on_file"]:
        form.ask_to_confirm(on_file)


@transaction.atomic
def _intake(
    request, member_form, practitioner_form, case_form, document_form
) -> services.IntakeResult:
    """The case and its first document in one transaction: a refused document opens no
    case (and a refused case files no document)."""
    p = practitioner_form.cleaned_data
    intake = services.case_intake(
        member=member_form.cleaned_data,
        practitioner={
            "name": p["practitioner_name"],
            "npi": p["practitioner_npi"],
            "specialty": p["practitioner_specialty"],
            "email": p["practitioner_email"],
            "address": p["practitioner_address"],
            "use_on_file": p["practitioner_use_on_file"],
        },
        details=case_form.details(),
        owner=request.user,
        actor=request.user,
    )
    if document_form.has_file:
        d = document_form.cleaned_data
        services.document_upload(
            case=intake.case,
            kind=d["kind"],
            uploaded_file=d["file"],
            actor=request.user,
            title=d["title"] or None,
            author_name=d["author_name"],
            author_npi=d["author_npi"],
        )
    return intake


def member_changes_sentence(fields: list[str]) -> str:
    """'The member's record was updated: last name, address line1.' (names, never values)."""
    labels = ", ".join(str(MemberForm.base_fields[name].label or name).lower() for name in fields)
    return f"The member's record (same CIN) was updated: {labels.replace('_', ' ')}."


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk, cases=selectors.case_page_cases())
    access_log(request, action=AccessLog.Action.VIEW_CASE, case=case)
    context = selectors.case_page(case, request.user)
    context["withdraw_form"] = WithdrawForm()
    context["received_form"] = ReceivedAtPlanChangeForm()
    return render(request, "cases/detail.html", context)


def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk, capability="work_cases")
    form = CaseForm(request.POST or None, initial=case_initial(case))
    if request.method == "POST" and form.is_valid():
        saved = form_service_run(
            request,
            form,
            lambda: services.case_update(
                case_id=case.pk,
                expected_version=form.cleaned_data["version"] or 0,
                details=form.details(),
                actor=request.user,
            ),
            done="Referral file saved.",
        )
        if saved is not None:
            return redirect("cases:detail", pk=case.pk)
    access_log(request, action=AccessLog.Action.VIEW_CASE, case=case, resource="edit form")
    return render(request, "cases/edit.html", {"case": case, "case_form": form})


@require_POST
def case_approve(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk, capability="decide_cases")
    service_run(
        request,
        lambda: services.referral_approve(case=case, actor=request.user),
        done="Referral to IMR approved.",
    )
    return redirect("cases:detail", pk=case.pk)


@require_POST
def case_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk, capability="work_cases")
    form = WithdrawForm(request.POST)
    reason = form.data.get("reason", "")
    service_run(
        request,
        lambda: services.case_withdraw(case=case, actor=request.user, reason=reason),
        done="Case withdrawn.",
    )
    return redirect("cases:detail", pk=case.pk)


def _case_url(*, pk: int, **_: object) -> str:
    return reverse("cases:detail", args=[pk])


@require_POST
# Changing an audited date is a signature act (R-SEC-2): the password again if not recent.
@reauthentication_required(
    act="change an audited date", capability="change_audited_dates", back=_case_url
)
def received_at_plan_change(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk, capability="change_audited_dates")
    form = ReceivedAtPlanChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter a valid date and time, and a reason.")
        return redirect("cases:detail", pk=case.pk)
    service_run(
        request,
        lambda: services.received_at_plan_change(
            case=case,
            new_value=form.cleaned_data["received_at_plan"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
        ),
        done="Receipt at the plan corrected; the change is in the audited-date report.",
    )
    return redirect("cases:detail", pk=case.pk)


def audited_date_changes(request: HttpRequest) -> HttpResponse:
    require_capability(request, "change_audited_dates")
    return render(
        request, "cases/audited_dates.html", {"changes": selectors.audited_date_changes()}
    )


def icd10_suggest(request: HttpRequest) -> JsonResponse:
    require_capability(request, "work_cases")
    found = diagnosis_code_suggest(request.GET.get("q", ""))
    return JsonResponse(
        {"results": [{"code": d.code, "description": d.description} for d in found]}
    )
