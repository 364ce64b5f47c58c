"""Every route that serves PHI writes an access-log row; every response says no-store.

R-SEC-6 and R-SEC-7 (issue 16 findings 7 and 8). Routes come from the URL conf (pages
and the API router alike, through the access matrix's enumeration), not a hand list: a
route is PHI unless `NO_PHI` below names it with the reason. Each PHI route is GET as a
user its rule allows, on a seeded case that went through every service; the test fails
when the answer is not a 200 or no access-log row for that user and case was written,
and a download must name the document, letter or bundle it sent. Routes that answer
GET with 405 (actions) serve no page.
"""

import re

import pytest
from django.db import transaction
from django.test import Client

from cases.models import AccessLog
from tests.security.test_access_matrix import PORTAL_NAMES, Route, all_routes, concrete_path
from tests.security.world import world_fixture

world = world_fixture()
pytestmark = pytest.mark.django_db

# Routes that serve no member PHI, each with the reason. Anything else is PHI.
NO_PHI: dict[str, str] = {
    "home": "the role's landing: the work queue holds plan references and deadlines only",
    "login": "the sign-in page",
    "logout": "signs out",
    "account:home": "the signed-in person's own account: name, role, links",
    "account:password_change": "the person's own password form",
    "account:reauthenticate": "re-enter your password before a signature act",
    "account:verify": "the second-factor code form",
    "account:enrol": "second-factor enrolment: the person's own authenticator secret",
    "account:tokens": "the person's own API tokens (names, dates, last use)",
    "healthz": "service health",
    "cases:cmo": "the CMO's to-do: plan references and deadlines, like the queue",
    "cases:intake": "an empty intake form",
    "cases:icd10_suggest": "the ICD-10-CM code set, no case",
    "cases:audited_dates": "case numbers, receipt times and reasons; no member identity",
    "cases_decision:mail_queue": "case and TAR numbers, party and language of each letter",
    "cases_decision:letter_link": "public secure link: no user to log; its download is a "
    "case event (letter_downloaded)",
    "timelines:case_clocks": "deadlines and how they were computed, like the queue",
    "timelines:extension": "the extension form over the deadlines",
    "case-clocks": "deadlines and how they were computed, like the queue",
    "deadlines-preview": "deadlines for hypothetical inputs, no case",
    "reviewers:home": "the reviewer's own cases by internal identifier (de-identified)",
    "api-portal-cases": "the reviewer's own cases by internal identifier (de-identified)",
    "reviewers:staff_registry": "the registry of IMROs and reviewers",
    "api-imros": "the registry of IMROs and reviewers",
    "api-imro": "the registry of IMROs and reviewers",
    "api-specialists": "the registry of IMROs and reviewers",
    "api-specialist": "the registry of IMROs and reviewers",
    "notifications:inbox": "notifications carry no PHI (plan references only)",
    "notifications:mark_read": "notifications carry no PHI",
    "notifications:mark_all_read": "notifications carry no PHI",
    "notifications-list": "notifications carry no PHI",
    "reports:report": "de-identified aggregates for QUAC",
    "reports:csv": "de-identified aggregates for QUAC",
    "reports:pdf": "de-identified aggregates for QUAC",
    "reports-quac": "de-identified aggregates for QUAC",
    "reports:universe": "case and TAR numbers, internal identifiers, dates and clock results; "
    "no member identity (like cases:audited_dates)",
    "api-schema": "the API description",
    "api-docs": "the API description",
    "api-not-found": "a 404 problem document",
}
# A download names what it sent: the access-log column and the world's id for it.
DOWNLOADS = {
    "cases_documents:download": ("document_id", "document"),
    "api-document-download": ("document_id", "document"),
    "cases_decision:letter_download": ("letter_id", "letter"),
    "api-letter-download": ("letter_id", "letter"),
    "cases_decision:tar_bundle_download": ("tar_bundle_id", "tar_bundle"),
    "api-tar-bundle-download": ("tar_bundle_id", "tar_bundle"),
}
# The letter preview of a closed case is refused with a message (no PDF, no PHI).
REFUSED_ON_A_CLOSED_CASE = {
    "cases_decision:letter_preview",
    "cases_decision:letter_check",
    "api-letter-preview",
}
REFUSED_ON_A_CLOSED_CASE |= {"api-letter-checks"}


def _is_portal(route: Route) -> bool:
    return route.name in PORTAL_NAMES or route.name.startswith("api-portal-")


def _client(world, route: Route) -> Client:
    client = Client(raise_request_exception=False)
    # The CMO holds every staff capability a case page asks for; a portal page is the
    # assigned reviewer's.
    client.force_login(world.users["reviewer_a" if _is_portal(route) else "cmo"])
    return client


def _get(client: Client, path: str):
    """GET path; the response and the access-log rows it wrote (then rolled back)."""
    with transaction.atomic():
        last = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.get(path)
        rows = list(AccessLog.objects.filter(pk__gt=last).values())
        transaction.set_rollback(True)
    return response, rows


def _routes() -> list[Route]:
    routes = all_routes()
    stale = set(NO_PHI) - {route.name for route in routes}
    assert not stale, f"NO_PHI names routes that no longer exist: {sorted(stale)}"
    return routes


def test_every_route_that_serves_phi_writes_an_access_log_row(world):
    ids = world.ids[0]
    failures, logged, actions_only = [], [], []
    for route in _routes():
        if route.name in NO_PHI:
            continue
        client = _client(world, route)
        user = world.users["reviewer_a" if _is_portal(route) else "cmo"]
        path = concrete_path(route, ids)
        response, rows = _get(client, path)
        if response.status_code == 405:
            actions_only.append(route.name)
            continue
        if route.name in REFUSED_ON_A_CLOSED_CASE and response.status_code in (302, 400):
            continue
        mine = [row for row in rows if row["user_id"] == user.pk]
        if response.status_code != 200:
            failures.append(f"{route.name} {path}: {response.status_code}, not 200")
        elif not mine:
            failures.append(f"{route.name} {path}: served PHI with no access-log row")
        elif route.params and not any(row["case_id"] == ids["case"] for row in mine):
            failures.append(f"{route.name} {path}: the access-log row names another case")
        elif route.name in DOWNLOADS:
            column, kind = DOWNLOADS[route.name]
            if any(row[column] == ids[kind] for row in mine):
                logged.append(route.name)
            else:
                failures.append(f"{route.name} {path}: the row does not name {kind} {ids[kind]}")
        else:
            logged.append(route.name)
    assert not failures, "\n".join(failures)
    # The sub-resources of issue 16 finding 7 are among them, and so are all downloads.
    for name in (
        *DOWNLOADS,
        "cases:edit",
        "reviewers:staff_case",
        "api-case-checklist",
        "api-determination-list",
        "api-reviewer-review",
        "api-contacts",
        "api-information-requests",
        "api-case-documents",
        "api-letter-list",
        "api-tar-bundle-list",
    ):
        assert name in logged, name
    print(
        f"\nPHI routes logged: {len(logged)} pages and endpoints"
        f" of {len(_routes())} routes"
        f" ({len([n for n in logged if n in DOWNLOADS])} downloads by id checked);"
        f" {len(NO_PHI)} routes without PHI; {len(actions_only)} action-only routes"
    )


def test_a_route_that_is_not_declared_is_treated_as_phi(world):
    """The rule above has no third way: a new route is in NO_PHI with a reason, or it is
    PHI and must log. An empty reason does not count."""
    assert all(reason.strip() for reason in NO_PHI.values())
    routes = {route.name for route in _routes()}
    assert len(routes - set(NO_PHI)) >= 40


def test_every_response_says_no_store(world):
    """R-SEC-7: every answer of every route, to its user and to an anonymous visitor."""
    failures, checked = [], 0
    anonymous = Client(raise_request_exception=False)
    for route in _routes():
        path = concrete_path(route, world.ids[0])
        for client in (_client(world, route), anonymous):
            for method in ("get", "post"):
                with transaction.atomic():
                    response = getattr(client, method)(path)
                    transaction.set_rollback(True)
                checked += 1
                cache_control = response.get("Cache-Control", "")
                if not re.search(r"\bno-store\b", cache_control):
                    failures.append(
                        f"{method.upper()} {path} [{route.name}] {response.status_code}: "
                        f"Cache-Control {cache_control!r}"
                    )
            if route.name == "logout":
                client.force_login(world.users["reviewer_a" if _is_portal(route) else "cmo"])
    assert not failures, "\n".join(failures)
    assert checked > 300
    print(f"\nno-store checked on {checked} responses")
