"""Staff pages for letters (R-TRK-6, R-NOT-1…5): preview, send, download, the mail queue.

Letter downloads need PHI access and are logged. The practitioner's secure link is the
only page here without a login: it needs the link's token and the practitioner's NPI."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.access import access_log, get_case_for_user, require_capability
from cases.forms import PractitionerLinkForm
from cases.models import AccessLog, Party
from cases.selectors.determination import mail_queue
from cases.services import letters
from cases.services.notice_texts import (
    FIELD_LABELS,
    NoticeTextInput,
    notice_text_save,
    oral_notice_record,
)
from cases.views.determination import to_decision_panel
from imr.web import pdf_response, problems_of, refusal_show, service_run


def _rendered_now(request: HttpRequest, case_pk: int, party: str):
    """The case and its party's letter as it would be sent now (logged as a view of the
    case), or the case and None after showing why the letter cannot be rendered."""
    case = get_case_for_user(request, case_pk, capability="work_cases")
    if party not in Party.values:
        raise Http404
    try:
        rendered = letters.letter_render(case=case, party=party)
    except ValidationError as refusal:
        refusal_show(request, problems_of(refusal))
        return case, None
    access_log(request, action=AccessLog.Action.VIEW_CASE, case=case)
    return case, rendered


@require_GET
def letter_preview_view(request: HttpRequest, case_pk: int, party: str) -> HttpResponse:
    """The letter as it would be sent now, rendered on the fly and not stored."""
    case, rendered = _rendered_now(request, case_pk, party)
    if rendered is None:
        return to_decision_panel(case)
    response = pdf_response(rendered.pdf, f"PREVIEW {party} letter case {case.pk}.pdf", inline=True)
    response["X-Letter-Problems"] = str(len(rendered.problems))
    response["X-Notice-Type"] = rendered.notice.code
    return response


@require_POST
def notice_texts_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    """UM staff save and confirm the texts letters print (R-NOT-6, R-NOT-9)."""
    case = get_case_for_user(request, case_pk, capability="work_cases")
    texts = NoticeTextInput(**{name: request.POST.get(name, "") for name in FIELD_LABELS})
    service_run(
        request,
        lambda: notice_text_save(case=case, actor=request.user, texts=texts),
        done="The letter texts are saved and confirmed.",
    )
    return to_decision_panel(case)


@require_POST
def oral_notice_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    """UM staff record the oral notice of an expedited decision (R-NOT-12)."""
    case = get_case_for_user(request, case_pk, capability="work_cases")
    try:
        given_at = parse_datetime(request.POST.get("given_at", "").strip())
    except ValueError:  # well formed but not a real date or time
        given_at = None
    if given_at is None:
        refusal_show(request, ["Give the date and time the member was told."])
        return to_decision_panel(case)
    if timezone.is_naive(given_at):
        given_at = timezone.make_aware(given_at)
    service_run(
        request,
        lambda: oral_notice_record(
            case=case,
            actor=request.user,
            given_at=given_at,
            given_to=request.POST.get("given_to", ""),
            method=request.POST.get("method", ""),
        ),
        done="The oral notice is recorded.",
    )
    return to_decision_panel(case)


@require_GET
def letter_check_view(request: HttpRequest, case_pk: int, party: str) -> HttpResponse:
    """The pre-send check of the letter as it would be sent now (R-NOT-13)."""
    case, rendered = _rendered_now(request, case_pk, party)
    if rendered is None:
        return to_decision_panel(case)
    return render(
        request,
        "cases/letters/check.html",
        {"case": case, "party": party, "rendered": rendered},
    )


@require_POST
def letter_send_view(request: HttpRequest, case_pk: int, party: str) -> HttpResponse:
    case = get_case_for_user(request, case_pk, capability="work_cases")
    determination_id = request.POST.get("determination_id", "")
    service_run(
        request,
        lambda: letters.letter_send(
            case=case,
            party=party,
            actor=request.user,
            determination_id=int(determination_id) if determination_id.isdigit() else None,
            channel=request.POST.get("channel") or None,
        ),
        done=f"The {Party(party).label.lower() if party in Party.values else ''} letter is sent.",
    )
    return to_decision_panel(case)


@require_GET
def letter_download_view(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    """The stored PDF exactly as sent (R-NOT-3)."""
    case = get_case_for_user(request, case_pk)
    letter = get_object_or_404(case.letters, pk=pk)
    access_log(request, action=AccessLog.Action.DOWNLOAD_LETTER, case=case, letter=letter)
    return pdf_response(letters.letter_pdf(letter), f"Letter {letter.pk} {letter.party}.pdf")


@require_POST
def letter_mailed_view(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk, capability="work_cases")
    letter = get_object_or_404(case.letters, pk=pk)
    service_run(
        request,
        lambda: letters.letter_mailed_confirm(letter=letter, actor=request.user),
        done="Marked as mailed.",
    )
    if request.POST.get("next") == "queue":
        return redirect("cases_decision:mail_queue")
    return to_decision_panel(case)


@require_GET
def mail_queue_view(request: HttpRequest) -> HttpResponse:
    require_capability(request, "work_cases")
    return render(request, "cases/letters/mail_queue.html", {"letters": mail_queue()})


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
            return pdf_response(letters.letter_pdf(letter), f"Notice {letter.pk}.pdf")
        form.add_error("npi", "That is not the NPI this notice was sent for.")
    return render(request, "cases/letters/link.html", {"form": form})
