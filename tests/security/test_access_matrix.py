"""Role × URL access matrix over every route of the URL conf (issue 11, SPEC quality bar).

Routes come from the resolver, not a hand list: a new view is in the matrix the day it
is added, and fails here until its rule below says who may use it. Expectations are
rules (by namespace, method and capability) plus a short exception table; each cell is
one request, made inside a savepoint that is rolled back, so the seeded world is the
same for every cell.

Variants per route: each case with its own object ids ("own"), case 1's URL with case 2's
object id ("idor": must be a 404 for anyone who could open the real one), and a case
number that does not exist ("missing"). Reviewer A's case is reviewer B's "other" case:
every portal URL of it is a 404 for B.
"""

import re
import time
from collections import Counter
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client

from imr.reauth import SESSION_KEY as REAUTH_SESSION_KEY
from tests.security.world import world_fixture
from tests.support.personas import make_user
from tests.urlconf import url_patterns

world = world_fixture()
pytestmark = pytest.mark.django_db

EXCLUDED_NAMESPACES = {"admin"}  # Django's admin: tested at the end of this module.
MISSING_ID = 987654

# Which object a `<int:pk>` names, from the path segment before it.
PK_MEANING = {
    "cases": "case",
    "documents": "document",
    "determination": "determination",
    "determinations": "determination",
    "letters": "letter",
    "tar-bundle": "tar_bundle",
    "tar-bundles": "tar_bundle",
    "questions": "information_request",
    "information-requests": "information_request",
    "members": "member",
    "notifications": "notification",
    "imros": "imro",
    "specialists": "specialist",
}

ROLES = ("anonymous", "coordinator", "cmo", "quac", "reviewer_a", "reviewer_b", "administrator")
ROLES += ("outsider",)
CAPABILITIES = {
    "anonymous": set(),
    "outsider": set(),
    "coordinator": {"view_phi", "work_cases"},
    "cmo": {"view_phi", "work_cases", "decide_cases", "change_audited_dates", "view_reports"},
    "quac": {"view_reports"},
    "reviewer_a": {"review_assigned_cases"},
    "reviewer_b": {"review_assigned_cases"},
    "administrator": {"view_phi", "change_audited_dates", "view_reports", "administer"},
}
# The case each reviewer is assigned to (index into world.cases).
ASSIGNED = {"reviewer_a": 0, "reviewer_b": 1}
# The recipient of the seeded notification in world.ids[0] and world.ids[1].
NOTIFICATION_OWNERS = ("coordinator", "cmo")

# --- rules -----------------------------------------------------------------------------

PORTAL_NAMES = {
    "reviewers:home",
    "reviewers:case",
    "reviewers:packet",
    "reviewers:attest",
    "reviewers:ask",
    "reviewers:determination",
}
REGISTRY_NAMES = {"reviewers:staff_registry", "api-imros", "api-imro", "api-specialists"}
REGISTRY_NAMES |= {"api-specialist"}
REPORT_NAMES = {"reports:report", "reports:csv", "reports:pdf", "reports-quac"}
REPORT_NAMES |= {"reports:universe"}
ANY_USER_NAMES = {
    "home",
    "logout",
    "notifications:inbox",
    "notifications:mark_read",
    "notifications:mark_all_read",
    "notifications-list",
    "api-not-found",
    # Your own account: password, second factor, re-entering the password, your tokens.
    "account:home",
    "account:password_change",
    "account:verify",
    "account:enrol",
    "account:recovery_codes",
    "account:reauthenticate",
    "account:tokens",
    "account:token_revoke",
}
PUBLIC_NAMES = {"login", "healthz", "cases_decision:letter_link"}
CASE_NAMESPACES = {"cases", "cases_documents", "cases_decision", "timelines", "reviewers"}

# Exceptions to "GET needs view_phi, POST needs work_cases" on case pages and endpoints.
CAPABILITY_EXCEPTIONS: dict[tuple[str, str], set[str]] = {
    ("cases:intake", "GET"): {"work_cases"},
    ("cases:edit", "GET"): {"work_cases"},
    ("cases:icd10_suggest", "GET"): {"work_cases"},
    ("cases:audited_dates", "GET"): {"change_audited_dates"},
    ("cases:cmo", "GET"): {"decide_cases"},
    # Pages without a method decorator answer POST as they answer GET.
    ("cases:audited_dates", "POST"): {"change_audited_dates"},
    ("cases:cmo", "POST"): {"decide_cases"},
    ("cases:list", "POST"): {"view_phi"},
    # Searching is reading: the term is POSTed only to keep it out of URLs (issue 11).
    ("cases:search", "POST"): {"view_phi"},
    ("cases:detail", "POST"): {"view_phi"},
    ("cases:approve", "POST"): {"decide_cases"},
    ("cases:received_at_plan", "POST"): {"change_audited_dates"},
    ("cases_decision:record", "POST"): {"decide_cases"},
    ("cases_decision:sign", "POST"): {"decide_cases"},
    ("cases_decision:amend", "POST"): {"decide_cases"},
    ("cases_decision:resolve", "POST"): {"decide_cases"},
    ("cases_decision:letter_preview", "GET"): {"work_cases"},
    ("cases_decision:letter_check", "GET"): {"work_cases"},
    ("cases_decision:mail_queue", "GET"): {"work_cases"},
    ("timelines:extension", "GET"): {"decide_cases"},
    ("timelines:extension", "POST"): {"decide_cases"},
    ("timelines:case_clocks", "POST"): {"view_phi"},
    ("api-case-approve", "POST"): {"decide_cases"},
    ("api-case-search", "POST"): {"view_phi"},
    ("api-determination-list", "POST"): {"decide_cases"},
    ("api-determination-sign", "POST"): {"decide_cases"},
    ("api-determination-amend", "POST"): {"decide_cases"},
    ("api-case-resolve", "POST"): {"decide_cases"},
    ("api-letter-preview", "GET"): {"work_cases"},
    ("api-letter-checks", "GET"): {"work_cases"},
    # Deadline previews and clocks: UM staff or anyone with PHI access.
    ("deadlines-preview", "GET"): {"view_phi", "work_cases"},
    ("case-clocks", "GET"): {"view_phi", "work_cases"},
    # The API schema and its page: the plan's staff roles, not reviewers (R-SEC-8 issue 16).
    **{
        (name, method): {
            "view_phi",
            "work_cases",
            "decide_cases",
            "change_audited_dates",
            "view_reports",
            "administer",
        }
        for name in ("api-schema", "api-docs")
        for method in ("GET", "POST")
    },
}
# Routes that need every capability listed, not one of them, with the reason.
ALL_CAPABILITIES_NEEDED: dict[str, set[str]] = {
    # The audit universe carries TAR numbers and internal identifiers (R-RPT-5): reports
    # and PHI access together, the CMO and Administrators, not QUAC.
    "reports:universe": {"view_reports", "view_phi"},
}
# Outcomes that are not "ok" for a user who may use the URL, with the reason.
OK_EXCEPTIONS: dict[str, set[int]] = {
    # The preview of a resolved case's letter is refused with a message on the case page.
    "cases_decision:letter_preview": {200, 302},
    "cases_decision:letter_check": {200, 302},
    # The home page sends each role to its own landing page.
    "home": {200, 302},
    # healthz answers 503 when the broker is down; the matrix checks who may call it.
    "healthz": {200, 503},
    # An unknown or expired letter token: the practitioner sees "expired" (403).
    "cases_decision:letter_link": {403},
    # Without a date range (or preview inputs) the answer is a 400 naming what is missing.
    "deadlines-preview": {400},
    "reports-quac": {400},
    "reports:csv": {400},
    "reports:pdf": {400},
    "reports:universe": {400},
    # A signed-in user who opens the login page is sent on to their home page.
    "login": {200, 302},
    # The search form answers with a 303 to the list (See Other: GET it).
    "cases:search": {303},
    # Any address under /api/v1/ that no endpoint has: a 404 problem document.
    "api-not-found": {404},
    # With no authenticator set up yet, the verify page sends the user to enrol.
    "account:verify": {200, 302},
    # Not verified with a second factor: new recovery codes are refused (sent to verify).
    "account:recovery_codes": {302},
}
OK_GET = {200}
OK_POST = {200, 201, 204, 302, 400, 409, 415, 422}
# The API's documentation page is a page: an anonymous visitor is sent to sign in.
API_PAGES = {"api-docs"}


@dataclass(frozen=True)
class Route:
    route: str
    name: str
    namespace: str | None

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    @property
    def params(self) -> list[tuple[str, str]]:
        return re.findall(r"<(?:(\w+):)?(\w+)>", self.route)


def _routes():
    for route, entry, namespace in url_patterns(exclude_namespaces=EXCLUDED_NAMESPACES):
        name = f"{namespace}:{entry.name}" if namespace else entry.name
        yield Route(route, name, namespace)


def all_routes() -> list[Route]:
    routes = sorted(set(_routes()), key=lambda r: r.route)
    unnamed = [r.route for r in routes if not r.name]
    assert not unnamed, f"every route needs a name for the matrix: {unnamed}"
    return routes


def pk_meaning(route: Route) -> str:
    segment = re.search(r"([\w-]*)/<int:pk>", route.route)
    key = segment.group(1) if segment else ""
    if route.name == "notifications:mark_read":
        key = "notifications"
    assert key in PK_MEANING, f"add the meaning of <int:pk> in {route.route} to PK_MEANING"
    return PK_MEANING[key]


def concrete_path(route: Route, ids: dict[str, int], *, pk_ids: dict[str, int] | None = None):
    """Fill the route's parameters: case from `ids`, the object id from `pk_ids`."""
    pk_ids = pk_ids or ids

    def value(match: re.Match) -> str:
        _converter, name = match.group(1), match.group(2)
        if name in ("case_pk", "case_id"):
            return str(ids["case"])
        if name == "pk":
            meaning = pk_meaning(route)
            source = ids if meaning == "case" else pk_ids
            return str(source[meaning])
        if name == "party":
            return "member"
        if name == "token":
            return "not-a-real-token"
        raise AssertionError(f"add a value for <{name}> in {route.route}")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route.route)


def required(route: Route, method: str) -> set[str] | None:
    """Capabilities of which the user needs one; None: any signed-in user."""
    if (route.name, method) in CAPABILITY_EXCEPTIONS:
        return CAPABILITY_EXCEPTIONS[(route.name, method)]
    if route.name in ANY_USER_NAMES:
        return None
    if route.name in REPORT_NAMES:
        return {"view_reports"}
    if route.name in REGISTRY_NAMES:
        return {"work_cases", "view_phi", "administer"}
    if route.name in PORTAL_NAMES or route.name.startswith("api-portal-"):
        return {"review_assigned_cases"}
    if route.namespace in CASE_NAMESPACES or route.is_api:
        return {"view_phi"} if method == "GET" else {"work_cases"}
    raise AssertionError(f"no access rule covers {route.name} ({route.route})")


def expected(route: Route, method: str, role: str, *, variant: str, case_index: int) -> str:
    """One of: ok, login, 403, 404, 405."""
    if route.name in PUBLIC_NAMES:
        return "ok"
    if role == "anonymous":
        return "login"
    need = required(route, method)
    lacks = need is not None and not need & CAPABILITIES[role]
    if route.name in ALL_CAPABILITIES_NEEDED:
        lacks = not ALL_CAPABILITIES_NEEDED[route.name] <= CAPABILITIES[role]
    if method not in ALLOWED_METHODS[route.name]:
        # DRF checks permission classes before the method: either refusal is right.
        return "403|405" if lacks else "405"
    if lacks:
        return "403"
    portal = route.name in PORTAL_NAMES or route.name.startswith("api-portal-")
    has_case = any(name in ("case_pk", "case_id") for _, name in route.params) or (
        "pk" in dict((n, c) for c, n in route.params) and pk_meaning(route) == "case"
    )
    if variant == "missing":
        return "404"
    if portal and has_case and ASSIGNED.get(role) != case_index:
        return "404"
    if variant == "idor":
        return "404"
    if route.name == "notifications:mark_read" and role != NOTIFICATION_OWNERS[case_index]:
        return "404"  # only its recipient may mark a notification read
    return "ok"


def outcome_matches(expectation: str, response, route: Route, method: str) -> bool:
    status = response.status_code
    if expectation == "login":
        if route.is_api and route.name not in API_PAGES:
            return status == 401
        return status == 302 and response["Location"].startswith("/accounts/login/")
    if expectation == "ok":
        allowed = OK_EXCEPTIONS.get(route.name) or (OK_GET if method == "GET" else OK_POST)
        return status in allowed
    return status in {int(code) for code in expectation.split("|")}


# Filled once per module by probing with a superuser (a 405 means "not this method").
ALLOWED_METHODS: dict[str, set[str]] = {}


def _request(client: Client, method: str, path: str):
    """One request whose writes are rolled back, so every cell sees the same world."""
    with transaction.atomic():
        response = getattr(client, method.lower())(path)
        transaction.set_rollback(True)
    return response


@pytest.fixture(scope="module")
def probed(world):
    superuser = make_user("probe", None, is_superuser=True)
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    for route in all_routes():
        path = concrete_path(route, world.ids[0])
        ALLOWED_METHODS[route.name] = set()
        for method in ("GET", "POST"):
            if _request(client, method, path).status_code != 405:
                ALLOWED_METHODS[route.name].add(method)
            client.force_login(superuser)  # the logout route signs the probe out
    return ALLOWED_METHODS


def _cells(route: Route, world):
    """(variant, case_index, path) for every variant that applies to this route."""
    first, second = world.ids
    has_case = any(name in ("case_pk", "case_id") for _, name in route.params)
    has_object = any(name == "pk" for _, name in route.params) and pk_meaning(route) != "case"
    if not has_case and not has_object and not route.params:
        yield "own", 0, concrete_path(route, first)
        return
    if any(name == "pk" for _, name in route.params) and pk_meaning(route) == "case":
        has_case = True
    yield "own", 0, concrete_path(route, first)
    yield "own", 1, concrete_path(route, second)
    if has_object and has_case:
        yield "idor", 0, concrete_path(route, first, pk_ids=second)
    if has_case:
        missing = {**first, "case": MISSING_ID}
        if any(name == "pk" for _, name in route.params) and pk_meaning(route) == "case":
            yield "missing", 0, concrete_path(route, missing)
        else:
            yield "missing", 0, concrete_path(route, missing, pk_ids=first)
    elif has_object and not has_case:
        # A registry row or a notification: another row's id, then a missing one.
        yield "own", 1, concrete_path(route, first, pk_ids=second)
        yield "missing", 0, concrete_path(route, first, pk_ids=dict.fromkeys(first, MISSING_ID))


MATRIX_SIZE = Counter()


def _client_for(role: str, world) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        _sign_in(client, world.users[role])
    return client


def _sign_in(client: Client, user) -> None:
    """As after typing the password, so signature acts (R-SEC-2) reach their checks."""
    client.force_login(user)
    session = client.session
    session[REAUTH_SESSION_KEY] = time.time()
    session.save()


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_rules_say(role, world, probed):
    client = _client_for(role, world)
    failures = []
    for route in all_routes():
        for variant, case_index, path in _cells(route, world):
            for method in ("GET", "POST"):
                want = _expected_for(route, method, role, variant, case_index)
                response = _request(client, method, path)
                MATRIX_SIZE[role] += 1
                if response.status_code >= 500 or not outcome_matches(
                    want, response, route, method
                ):
                    failures.append(
                        f"{method} {path} [{route.name}, {variant}] as {role}: "
                        f"expected {want}, got {response.status_code}"
                    )
                if route.name == "logout" and method == "POST" and role != "anonymous":
                    _sign_in(client, world.users[role])
    assert not failures, "\n".join(failures)


def _expected_for(route: Route, method: str, role: str, variant: str, case_index: int) -> str:
    return expected(route, method, role, variant=variant, case_index=case_index)


def test_reviewer_b_gets_404_on_every_portal_url_of_reviewer_a_case(world):
    client = _client_for("reviewer_b", world)
    portal = [r for r in all_routes() if r.name in PORTAL_NAMES or r.name.startswith("api-portal-")]
    checked = 0
    for route in portal:
        if not route.params:
            continue
        for method in ("GET", "POST"):
            response = _request(client, method, concrete_path(route, world.ids[0]))
            assert response.status_code in (404, 405), (route.name, method, response.status_code)
            checked += response.status_code == 404
    assert checked >= 8


def test_portal_lists_show_only_the_reviewers_own_case(world):
    for role, own in ASSIGNED.items():
        client = _client_for(role, world)
        other = world.cases[1 - own]
        body = client.get("/api/v1/portal/cases/").json()
        rows = body["results"] if isinstance(body, dict) and "results" in body else body
        ids = {row.get("case_id") or row.get("id") for row in rows}
        assert world.cases[own].pk in ids and other.pk not in ids
        page = client.get("/portal/").content.decode()
        assert f"/portal/cases/{other.pk}/" not in page
        assert f"/portal/cases/{world.cases[own].pk}/" in page


def test_admin_is_for_administrators_only(world):
    for role in ROLES:
        response = _client_for(role, world).get("/admin/")
        if role == "administrator":
            assert response.status_code == 200
        else:
            assert response.status_code == 302
            assert (
                "/admin/login/" in response["Location"]
                or "/accounts/login/" in response["Location"]
            )


def test_zz_matrix_size(capsys):
    """Runs last in the module: prints how many role × URL × method × variant cells ran."""
    total = sum(MATRIX_SIZE.values())
    with capsys.disabled():
        print(f"\naccess matrix: {total} cells ({dict(MATRIX_SIZE)}); {len(all_routes())} routes")
    if MATRIX_SIZE:
        assert total >= 8 * len(all_routes())


def test_anonymous_user_is_not_a_role_with_capabilities():
    assert not AnonymousUser().has_perm("imr.view_phi")
