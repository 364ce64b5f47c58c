"""Who may open which case: the one place views ask (STYLE: one access helper per app).

Staff with PHI access (UM staff, CMO, Administrator) see every case. IMRO reviewers
never reach staff pages; the reviewer portal has its own helper that checks assignment.
QUAC members see reports only.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cases.models import AccessLog, Case, Document, Letter, TarBundle
from imr.roles import perm


def require_capability(request: HttpRequest, codename: str) -> None:
    if not request.user.has_perm(perm(codename)):
        raise PermissionDenied(f"Your role does not allow this ({codename.replace('_', ' ')}).")


def get_case_for_user(
    request: HttpRequest,
    pk: int,
    *,
    capability: str = "view_phi",
    cases: QuerySet[Case] | None = None,
) -> Case:
    """The case, if the user's role may open member PHI pages; 403 otherwise, 404 if absent.

    `cases`: the queryset to read it from when the page needs more than the member and
    owner joined (the case page reads everything it shows in that one read).
    """
    require_capability(request, capability)
    if cases is None:
        cases = Case.objects.select_related("member", "owner")
    return get_object_or_404(cases, pk=pk)


def access_log(
    request: HttpRequest,
    *,
    action: str,
    case: Case,
    document: Document | None = None,
    letter: Letter | None = None,
    tar_bundle: TarBundle | None = None,
    resource: str = "",
) -> None:
    """Record a view or download of PHI (R-TRK-8, R-SEC-6). Never logs what was seen:
    that it was, which document, letter or bundle, or which part of the case (`resource`).
    """
    AccessLog.objects.create(
        at=timezone.now(),
        user=request.user,
        action=action,
        case=case,
        document=document,
        letter=letter,
        tar_bundle=tar_bundle,
        resource=resource,
        ip_address=request.META.get("REMOTE_ADDR") or None,
    )


def access_log_list(request: HttpRequest, *, cases: Iterable[Case]) -> None:
    """Record that each case was listed, with its member's name, to this user (R-TRK-8).

    One row per case on the page shown (at most a page, so one INSERT); nothing for an
    empty page. The search term is not kept: the rows say which cases were shown.
    """
    at = timezone.now()
    ip_address = request.META.get("REMOTE_ADDR") or None
    AccessLog.objects.bulk_create(
        AccessLog(
            at=at,
            user=request.user,
            action=AccessLog.Action.VIEW_LIST,
            case=case,
            ip_address=ip_address,
        )
        for case in cases
    )
