"""Staff pages for resolution, the TAR bundle and closure (R-TRK-7, R-TRK-10).

Each view checks the role with get_case_for_user, calls one service and shows its
refusal as a message. Bundle downloads need PHI access and are logged."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from cases.access import access_log, get_case_for_user
from cases.forms import TarAttachmentForm
from cases.models import AccessLog
from cases.services import closure
from cases.views.determination import to_decision_panel
from imr.web import form_run, service_run


@require_POST
def case_resolve_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk, capability="decide_cases")
    note = request.POST.get("note", "")
    service_run(
        request,
        lambda: closure.case_resolve(case=case, actor=request.user, note=note),
        done="Case resolved. UM staff can now build the TAR bundle.",
    )
    return to_decision_panel(case)


@require_POST
def tar_bundle_build_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk, capability="work_cases")
    service_run(
        request,
        lambda: closure.tar_bundle_build(case=case, actor=request.user),
        done="TAR bundle built and handed to the UM documentation system.",
    )
    return to_decision_panel(case)


@require_GET
def tar_bundle_download_view(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk)
    bundle = get_object_or_404(case.tar_bundles, pk=pk)
    access_log(request, action=AccessLog.Action.DOWNLOAD_TAR_BUNDLE, case=case, tar_bundle=bundle)
    response = HttpResponse(closure.tar_bundle_bytes(bundle), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="TAR bundle case {case.pk} no {bundle.number}.zip"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def tar_attachment_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk, capability="work_cases")
    form_run(
        request,
        TarAttachmentForm(request.POST),
        lambda data: closure.tar_attachment_confirm(
            case=case, actor=request.user, tar_number=data["tar_number"]
        ),
        done="Attachment to the TAR file confirmed.",
        refused="Nothing was saved.",
    )
    return to_decision_panel(case)


@require_POST
def case_close_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_case_for_user(request, case_pk, capability="work_cases")
    service_run(
        request, lambda: closure.case_close(case=case, actor=request.user), done="Case closed."
    )
    return to_decision_panel(case)
