"""Who may reach what in this app: staff through the case, reviewers through an assignment.

The portal never asks "may this user see the case?" but "is the case assigned to this
user (or to the IMRO they coordinate)?": anything else is a 404, so a reviewer cannot
even learn that another reviewer's case exists.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from cases.access import get_case_for_user, require_capability
from cases.models import Case
from imr.roles import perm
from reviewers.models import Assignment
from reviewers.selectors import portal_assignments


def get_case_for_staff(request: HttpRequest, case_pk: int, *, capability: str) -> Case:
    """Staff pages and endpoints: the role's capability (403), then the case (404)."""
    return get_case_for_user(request, case_pk, capability=capability)


def require_staff_reader(request: HttpRequest) -> None:
    """The registry is read by UM staff, the CMO and Administrators."""
    user = request.user
    if not any(user.has_perm(perm(c)) for c in ("work_cases", "view_phi", "administer")):
        raise PermissionDenied("Your role does not allow this.")


def get_assignment_for_reviewer(request: HttpRequest, case_pk: int) -> Assignment:
    """The current assignment of the case to this reviewer or their IMRO; 404 otherwise."""
    require_capability(request, "review_assigned_cases")
    assignment = portal_assignments(request.user).filter(case_id=case_pk).first()
    if assignment is None:
        raise Http404("No case of yours has this number.")
    return assignment
