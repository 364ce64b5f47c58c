"""Staff pages for the CMO's coverage determination (R-TRK-5): record, sign, amend.

Each view checks the role with get_case_for_user, calls one service through imr.web and
returns to the case page's decision panel (shared with the letters and closure pages).
Signing and amending are signature acts: they need the password entered recently in
this session (R-SEC-2, imr.reauth).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from cases.access import get_case_for_user
from cases.forms import AmendmentForm, DeterminationForm
from cases.models import Case
from cases.services import determination_amend, determination_record, determination_sign
from imr.reauth import reauthentication_required
from imr.web import form_run, service_run


def to_decision_panel(case: Case) -> HttpResponse:
    """Back to the case page's decision panel, where these steps are taken."""
    return redirect(reverse("cases:detail", args=[case.pk]) + "#decision")


@require_POST
def determination_record_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk, capability="decide_cases")
    form_run(
        request,
        DeterminationForm(request.POST),
        lambda data: determination_record(case=case, actor=request.user, **data),
        done="Determination saved. Review it, then sign it.",
        refused="Nothing was saved.",
    )
    return to_decision_panel(case)


def _decision_panel_url(*, case_pk: int, **_: object) -> str:
    return reverse("cases:detail", args=[case_pk]) + "#decision"


@require_POST
@reauthentication_required(
    act="sign a determination", capability="decide_cases", back=_decision_panel_url
)
def determination_sign_view(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk, capability="decide_cases")
    determination = get_object_or_404(case.determinations, pk=pk)
    service_run(
        request,
        lambda: determination_sign(determination=determination, actor=request.user),
        done="Determination signed. The letters can be prepared.",
    )
    return to_decision_panel(case)


@require_POST
@reauthentication_required(
    act="sign an amendment", capability="decide_cases", back=_decision_panel_url
)
def determination_amend_view(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk, capability="decide_cases")
    determination = get_object_or_404(case.determinations, pk=pk)
    form_run(
        request,
        AmendmentForm(request.POST),
        lambda data: determination_amend(determination=determination, actor=request.user, **data),
        done="Amendment signed. Send the parties new letters.",
        refused="Nothing was saved.",
    )
    return to_decision_panel(case)
