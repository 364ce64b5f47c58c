"""Who may pull QUAC reports: the one access check of this app.

A permission, not a role name (imr.roles): QUAC, the CMO and Administrators hold
"imr.view_reports", and an Administrator may grant it to a single UM user.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from imr.roles import perm


def may_view_reports(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_perm(perm("view_reports")))


def _require_report_access(request: HttpRequest) -> None:
    """403 unless the user may pull de-identified reports (R-RPT-1)."""
    if not may_view_reports(request.user):
        raise PermissionDenied("Your role does not allow reports (view reports).")


def may_download_universe(user: AbstractBaseUser | AnonymousUser) -> bool:
    """The audit universe (R-RPT-5) carries case identifiers (TAR number, internal
    patient identifier) that lead back to a member: reports and PHI access together, so
    the CMO and Administrators, not QUAC (de-identified reports only, SPEC "Who uses it")
    nor UM staff without the reports capability."""
    return bool(
        user.is_authenticated
        and user.has_perm(perm("view_reports"))
        and user.has_perm(perm("view_phi"))
    )


def _require_universe_access(request: HttpRequest) -> None:
    """403 unless the user may download the audit universe (R-RPT-5)."""
    if not may_download_universe(request.user):
        raise PermissionDenied(
            "The audit universe is for the CMO and Administrators (view reports and PHI)."
        )
