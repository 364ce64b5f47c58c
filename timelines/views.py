"""Clock pages: a case's clocks and the CMO's extension."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases.access import get_case_for_user
from cases.models import Case
from imr.reauth import reauthentication_required
from imr.roles import perm
from imr.web import form_service_run, redirect_back
from timelines.forms import ExtensionForm
from timelines.selectors import clocks_for_case, extension_offer
from timelines.services import extension_decline, extension_grant


def _get_case_for_user(request: HttpRequest, case_id: int, *, capability: str) -> Case:
    """The one access check of this app: staff with the capability (403), the case (404)."""
    return get_case_for_user(request, case_id, capability=capability)


def case_clocks(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _get_case_for_user(request, case_id, capability="view_phi")
    context = {
        "case": case,
        "clocks": clocks_for_case(case),
        "extension": extension_offer(case),
        "can_decide": request.user.has_perm(perm("decide_cases")),
    }
    return render(request, "timelines/case_clocks.html", context)


def _clocks_url(*, case_id: int, **_: object) -> str:
    return reverse("timelines:case_clocks", kwargs={"case_id": case_id})


@require_http_methods(["GET", "POST"])
# Granting is a signature act (R-SEC-2): the password again when not entered recently.
@reauthentication_required(act="grant an extension", capability="decide_cases", back=_clocks_url)
def extension(request: HttpRequest, case_id: int) -> HttpResponse:
    """Grant or decline the one extension; back to the page the form was on (`next`)."""
    case = _get_case_for_user(request, case_id, capability="decide_cases")
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decline = form.cleaned_data["decision"] == "decline"
        service = extension_decline if decline else extension_grant
        decided = form_service_run(
            request,
            form,
            lambda: service(case=case, actor=request.user, reason=form.cleaned_data["reason"]),
            done="The extension was declined; the IMRO due time is unchanged."
            if decline
            else "The IMRO determination was extended by 24 hours.",
        )
        if decided is not None:
            fallback = reverse("timelines:case_clocks", kwargs={"case_id": case.pk})
            return redirect_back(request, fallback, anchor=f"extension-heading-{case.pk}")
    status = 400 if request.method == "POST" else 200
    context = {
        "case": case,
        "clocks": clocks_for_case(case),
        "form": form,
        "extension": extension_offer(case),
    }
    return render(request, "timelines/extension.html", context, status=status)
