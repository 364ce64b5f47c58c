from django.http import HttpRequest
from django.urls import reverse

from imr.accounts.backend import group_names
from imr.roles import perm

# (label, url name, the permission that shows it). Each role sees only what it may use.
_NAV = [
    ("Work queue", "home", "work_cases"),
    ("Awaiting me", "cases:cmo", "decide_cases"),
    ("Cases", "cases:list", "view_phi"),
    ("New case", "cases:intake", "work_cases"),
    ("Audited dates", "cases:audited_dates", "change_audited_dates"),
    ("Reports", "reports:report", "view_reports"),
    ("Reviewer portal", "reviewers:home", "review_assigned_cases"),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_group_names": []}
    items = [
        {"label": label, "url": reverse(name)}
        for label, name, codename in _NAV
        if user.has_perm(perm(codename))
    ]
    if user.is_staff:
        items.append({"label": "Administration", "url": reverse("admin:index")})
    return {"nav_items": items, "user_group_names": group_names(user)}
