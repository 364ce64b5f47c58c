"""Staff pages for the determination, letters and closure (R-TRK-5…7, R-NOT-1…3).

Each view checks the role with get_case_for_user, calls one service and shows its
refusal as a message. Letter and bundle downloads need PHI access and are logged.
The practitioner's secure link is the only page here without a login: it needs the
link's token and the practitioner's NPI.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import closure, determinations, letters
from cases.access import access_log, get_case_for_user, require_capability
from cases.models import AccessLog, Case, Outcome, Party
from cases.selectors_decision import mail_queue
from cases.services import StaleCase
from cases.workflow import IllegalTransition

_REFUSALS = (ValidationError, PermissionDenied, IllegalTransition, StaleCase)


class DeterminationForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices)
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))
    criteria_used = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follows_imro = forms.BooleanField(required=False, label="Follows the reviewer")
    modification = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AmendmentForm(DeterminationForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class TarAttachmentForm(forms.Form):
    tar_number = forms.CharField(label="TAR number", max_length=30)


class PractitionerLinkForm(forms.Form):
    npi = forms.CharField(label="Treating practitioner's NPI", max_length=10)


def _panel(case: Case) -> HttpResponse:
    return redirect(reverse("cases:detail", args=[case.pk]) + "#decision")


def _run(request: HttpRequest, case: Case, action, success: str) -> HttpResponse:
    try:
        action()
    except _REFUSALS as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
    else:
        messages.success(request, success)
    return _panel(case)


def _invalid(request: HttpRequest, case: Case, form: forms.Form) -> HttpResponse:
    errors = "; ".join(f"{name}: {' '.join(e)}" for name, e in form.errors.items())
    messages.error(request, f"Nothing was saved. {errors}")
    return _panel(case)


def _pdf(data: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def determination_record_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk, capability="decide_cases")
    form = DeterminationForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    return _run(
        request,
        case,
        lambda: determinations.determination_record(
            case=case, actor=request.user, **form.cleaned_data
        ),
        "Determination saved. Review it, then sign it.",
    )


@require_POST
def determination_sign_view(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk, capability="decide_cases")
    determination = get_object_or_404(case.determinations, pk=pk)
    return _run(
        request,
        case,
        lambda: determinations.determination_sign(determination=determination, actor=request.user),
        "Determination signed. The letters can be prepared.",
    )


@require_POST
def determination_amend_view(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk, capability="decide_cases")
    determination = get_object_or_404(case.determinations, pk=pk)
    form = AmendmentForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    return _run(
        request,
        case,
        lambda: determinations.determination_amend(
            determination=determination, actor=request.user, **form.cleaned_data
        ),
        "Amendment signed. Send the parties new letters.",
    )


@require_GET
def letter_preview_view(request: HttpRequest, case_pk: int, party: str) -> HttpResponse:
    """The letter as it would be sent now, rendered on the fly and not stored."""
    case = get_case_for_user(request, case_pk, capability="work_cases")
    if party not in Party.values:
        raise Http404
    try:
        rendered = letters.letter_render(case=case, party=party)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _panel(case)
    access_log(request, action=AccessLog.Action.VIEW_CASE, case=case)
    response = _pdf(rendered.pdf, f"PREVIEW {party} letter case {case.pk}.pdf", inline=True)
    response["X-Letter-Problems"] = str(len(rendered.problems))
    return response


@require_POST
def letter_send_view(request: HttpRequest, case_pk: int, party: str) -> HttpResponse:
    case = get_case_for_user(request, case_pk, capability="work_cases")
    determination_id = request.POST.get("determination_id", "")
    return _run(
        request,
        case,
        lambda: letters.letter_send(
            case=case,
            party=party,
            actor=request.user,
            determination_id=int(determination_id) if determination_id.isdigit() else None,
            channel=request.POST.get("channel") or None,
        ),
        f"The {Party(party).label.lower() if party in Party.values else ''} letter is sent.",
    )


@require_GET
def letter_download_view(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    """The stored PDF exactly as sent (R-NOT-3)."""
    case = get_case_for_user(request, case_pk)
    letter = get_object_or_404(case.letters, pk=pk)
    access_log(request, action=AccessLog.Action.DOWNLOAD_DOCUMENT, case=case)
    return _pdf(letters.letter_pdf(letter), f"Letter {letter.pk} {letter.party}.pdf")


@require_POST
def letter_mailed_view(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk, capability="work_cases")
    letter = get_object_or_404(case.letters, pk=pk)
    response = _run(
        request,
        case,
        lambda: letters.letter_mailed_confirm(letter=letter, actor=request.user),
        "Marked as mailed.",
    )
    if request.POST.get("next") == "queue":
        return redirect("cases_decision:mail_queue")
    return response


@require_GET
def mail_queue_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, "work_cases")
    return render(request, "cases/letters/mail_queue.html", {"letters": mail_queue()})


@require_POST
def case_resolve_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk, capability="decide_cases")
    note = request.POST.get("note", "")
    return _run(
        request,
        case,
        lambda: closure.case_resolve(case=case, actor=request.user, note=note),
        "Case resolved. UM staff can now build the TAR bundle.",
    )


@require_POST
def tar_bundle_build_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk, capability="work_cases")
    return _run(
        request,
        case,
        lambda: closure.tar_bundle_build(case=case, actor=request.user),
        "TAR bundle built and handed to the UM documentation system.",
    )


@require_GET
def tar_bundle_download_view(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk)
    bundle = get_object_or_404(case.tar_bundles, pk=pk)
    access_log(request, action=AccessLog.Action.DOWNLOAD_DOCUMENT, case=case)
    response = HttpResponse(closure.tar_bundle_bytes(bundle), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="TAR bundle case {case.pk} no {bundle.number}.zip"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def tar_attachment_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk, capability="work_cases")
    form = TarAttachmentForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    return _run(
        request,
        case,
        lambda: closure.tar_attachment_confirm(
            case=case, actor=request.user, tar_number=form.cleaned_data["tar_number"]
        ),
        "Attachment to the TAR file confirmed.",
    )


@require_POST
def case_close_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk, capability="work_cases")
    return _run(
        request, case, lambda: closure.case_close(case=case, actor=request.user), "Case closed."
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def letter_link_view(request: HttpRequest, token: str) -> HttpResponse:
    """The practitioner's secure download: the e-mailed token plus the practitioner's NPI."""
    letter = letters.letter_for_link(token=token)
    if letter is None:
        return render(request, "cases/letters/link.html", {"expired": True}, status=403)
    form = PractitionerLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if letters.letter_link_open(letter=letter, npi=form.cleaned_data["npi"]):
            return _pdf(letters.letter_pdf(letter), f"Notice {letter.pk}.pdf")
        form.add_error("npi", "That is not the NPI this notice was sent for.")
    return render(request, "cases/letters/link.html", {"form": form})
