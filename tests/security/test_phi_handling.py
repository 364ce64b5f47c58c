"""PHI never in logs, e-mails or URLs; every PHI view and download is access-logged.

One journey goes through HTTP the way the people do it: intake, upload, approval,
assignment, attestation, submission by secure e-mail, the reviewer's portal, packet,
question and answer, the written review, the CMO's determination and signature, both
letters (the practitioner's by e-mailed link), mailing, resolution, TAR bundle,
attachment, closure, a clock sweep, the digest and a QUAC report. Every log record
(root logger at DEBUG), every e-mail, every URL requested and every link in every page
rendered is scanned for the test member's name, CIN and date of birth.
"""

import logging
import re
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import time_machine
from django.core import mail
from django.test import Client

from cases.models import AccessLog, Case, Status
from imr.roles import Role
from reviewers.models import Imro, Specialist, Specialty
from tests.security.scenario import FAR, NOW, QUALIFICATIONS, RATIONALE
from tests.support.factories import MEMBER_CIN, MEMBER_DOB, MEMBER_FIRST, MEMBER_LAST
from tests.support.files import pdf_bytes, upload, use_private_storage
from tests.support.personas import client_for, make_user

pytestmark = pytest.mark.django_db

PHI = [
    MEMBER_FIRST,
    MEMBER_LAST,
    MEMBER_CIN,
    MEMBER_DOB.isoformat(),
    MEMBER_DOB.strftime("%m/%d/%Y"),
    MEMBER_DOB.strftime("%m/%d/%y"),
    MEMBER_DOB.strftime("%B %-d, %Y"),
    MEMBER_DOB.strftime("%Y%m%d"),
    "1 Synthetic Way",
]


def phi_in(text: str) -> list[str]:
    lowered = text.lower()
    return [item for item in PHI if item.lower() in lowered]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        # format() includes the traceback text of exc_info, where PHI would also leak.
        self.lines.append(self.format(record))


@pytest.fixture
def all_logs(settings):
    """Every logger at DEBUG except those LOGGING caps on purpose; every record collected
    (also from non-propagating loggers). Stricter than LOG_LEVEL=DEBUG in production,
    which only lowers the root logger."""
    handler = _Collect()
    capped = set(settings.LOGGING.get("loggers", {}))
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
    ]
    saved = [(lg, lg.level, lg.disabled) for lg in loggers]
    for logger in loggers:
        if logger.name not in capped:
            logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if logger is logging.getLogger() or not logger.propagate:
            logger.addHandler(handler)
    yield handler
    for logger, level, disabled in saved:
        logger.setLevel(level)
        logger.disabled = disabled
        logger.removeHandler(handler)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action", "hx-get", "hx-post", "data-url") and value:
                self.urls.append(value)


class Journey:
    """A test client per person that remembers every URL asked for and every link shown."""

    def __init__(self, capture) -> None:
        self.urls: list[str] = []
        self.links: list[str] = []
        self.clients: dict[str, Client] = {}
        self.capture = capture

    def as_(self, user) -> Client:
        if user.username not in self.clients:
            # As after typing the password: the CMO signs in this journey (R-SEC-2).
            self.clients[user.username] = client_for(user)
        return self.clients[user.username]

    def go(self, user, method: str, path: str, data=None, **extra):
        self.urls.append(
            path
            + (
                "?" + "&".join(f"{k}={v}" for k, v in data.items())
                if (method == "get" and data)
                else ""
            )
        )
        # Each request's on-commit work (e-mails) runs when it ends, as in production.
        with self.capture(execute=True):
            response = getattr(self.as_(user), method)(path, data or {}, **extra)
        assert response.status_code < 500, (path, response.status_code)
        if "html" in response.get("Content-Type", ""):
            parser = _Links()
            parser.feed(response.content.decode())
            self.links += parser.urls
        if response.status_code in (301, 302, 303, 307, 308):
            self.urls.append(response["Location"])
        return response

    def follow(self, user, response):
        """Open the page a form redirected to (messages included), as the user would."""
        return self.go(user, "get", response["Location"].split("#")[0])


@pytest.fixture
def people(db):
    return {
        "coordinator": make_user("coordinator", Role.UM_STAFF),
        "cmo": make_user("cmo", Role.CMO),
        "quac": make_user("quac", Role.QUAC),
        "reviewer": make_user("reviewer", Role.IMRO_REVIEWER),
    }


@pytest.fixture
def specialist(people):
    imro = Imro.objects.create(
        name="Journey IMRO",
        contract_start=NOW.date() - timedelta(days=365),
        contract_end=FAR,
        contact_name="Contact",
        secure_delivery_address="secure@imro.example.invalid",
        charge_standard=Decimal("400.00"),
        charge_expedited=Decimal("550.00"),
        charge_retrospective=Decimal("350.00"),
    )
    return Specialist.objects.create(
        name="Dr. Journey Reviewer",
        specialty=Specialty.objects.get_or_create(name="Dermatology")[0],
        board_certified=True,
        board_certification_expires=FAR,
        license_state="CA",
        license_number="A77777",
        license_expires=FAR,
        actively_practicing=True,
        imro=imro,
        user=people["reviewer"],
        qualifications=QUALIFICATIONS,
    )


INTAKE = {
    "first_name": MEMBER_FIRST,
    "last_name": MEMBER_LAST,
    "cin": MEMBER_CIN,
    "date_of_birth": MEMBER_DOB.isoformat(),
    "address_line1": "1 Synthetic Way",
    "city": "Faketown",
    "state": "CA",
    "postal_code": "95401",
    "language": "en",
    "practitioner_name": "Dr. Testa Synthetic",
    "practitioner_npi": "1234567893",
    "practitioner_specialty": "Dermatology",
    "practitioner_email": "office@practice.example.invalid",
    "tar_number": "TAR-777001",
    "specialty": "Dermatology",
    "review_type": "standard",
    "received_at_plan": "2026-06-01T09:00",
    "circumstances": ["2"],
    "services": "0394T Image-guided brachytherapy of the skin",
    "diagnosis_codes": "C44.91",
    "relevant_information": "Lesion history summary.",
    "practitioner_information": "Letter of medical necessity summary.",
    "medical_history": "Prior excisions in 2024.",
    "clinical_data": "Biopsy result summary.",
    "response_needed_by": "2026-06-15",
    "questions": "Is the requested therapy more beneficial than standard excision?",
}
NO_CONFLICT = {
    "plan_or_officers": "no",
    "treating_physician_or_group": "no",
    "facility": "no",
    "manufacturer": "no",
    "member_or_family": "no",
}


def run_journey(people, specialist, capture, settings, tmp_path) -> tuple[Journey, Case]:
    use_private_storage(settings, tmp_path)
    settings.TAR_BUNDLE_DIR = str(tmp_path / "tar")
    j = Journey(capture)
    um, cmo, quac, reviewer = (people[k] for k in ("coordinator", "cmo", "quac", "reviewer"))
    with time_machine.travel(NOW, tick=False) as clock:
        created = j.go(um, "post", "/cases/new/", INTAKE)
        assert created.status_code == 302, created.content.decode()[:2000]
        case = Case.objects.get(tar_number="TAR-777001")
        base = f"/cases/{case.pk}"
        j.follow(um, created)
        # A clinical document that itself names the member (uploaded files may).
        j.go(
            um,
            "post",
            f"{base}/documents/upload/",
            {
                "kind": "clinical_data",
                "file": upload(f"{MEMBER_LAST} labs.pdf", pdf_bytes([f"{MEMBER_FIRST} biopsy"])),
            },
        )
        j.follow(cmo, j.go(cmo, "post", f"{base}/approve/"))
        staff = f"/portal/staff/cases/{case.pk}"
        j.go(
            um,
            "post",
            f"{staff}/assign/",
            {
                "specialist": specialist.pk,
                "outside_suggestion_reason": "Only dermatologist.",
            },
        )
        j.go(um, "post", f"{staff}/attest/", {"specialist": specialist.pk, **NO_CONFLICT})
        submitted = j.go(um, "post", f"{staff}/submit/", {"delivery": "email"})
        j.follow(um, submitted)
        case.refresh_from_db()
        assert case.status == Status.SUBMITTED, case.status
        j.go(reviewer, "get", "/portal/")
        j.go(reviewer, "get", f"/portal/cases/{case.pk}/")
        j.go(reviewer, "get", f"/portal/cases/{case.pk}/packet.pdf")
        j.go(
            reviewer,
            "post",
            f"/portal/cases/{case.pk}/questions/",
            {
                "question": "Any prior imaging?",
            },
        )
        question = case.information_requests.get()
        j.go(um, "post", f"{staff}/questions/{question.pk}/answer/", {"answer": "None on file."})
        clock.shift(timedelta(hours=4))
        j.clients.clear()  # idle sessions end after 15 minutes: everyone signs in again
        j.go(
            reviewer,
            "post",
            f"/portal/cases/{case.pk}/determination/",
            {
                "file": upload("determination.pdf", pdf_bytes(["Written determination"])),
                "recommendation": "uphold",
                "rationale": "No benefit over standard excision.",
                "documents_reviewed": "All documents in the packet.",
                "reviewer_qualifications": QUALIFICATIONS,
            },
        )
        case.refresh_from_db()
        assert case.status == Status.REVIEW_RECEIVED, j.follow(
            reviewer, j.go(reviewer, "get", f"/portal/cases/{case.pk}/")
        ).content.decode()[:3000]
        j.go(
            cmo,
            "post",
            f"{base}/determination/",
            {
                "outcome": "deny",
                "rationale": RATIONALE,
                "criteria_used": "The plan's medical policy.",
                "follows_imro": "on",
            },
        )
        draft = case.determinations.get()
        j.follow(cmo, j.go(cmo, "post", f"{base}/determination/{draft.pk}/sign/"))
        j.go(
            um,
            "post",
            f"{base}/letters/texts/",
            {"analysis_en": "The evidence does not show a benefit.", "condition_en": "skin cancer"},
        )
        j.go(um, "get", f"{base}/letters/member/check/")
        j.go(um, "get", f"{base}/letters/member/preview.pdf")
        j.go(
            um,
            "post",
            f"{base}/letters/member/send/",
            {
                "determination_id": draft.pk,
                "channel": "mail",
            },
        )
        j.go(
            um,
            "post",
            f"{base}/letters/practitioner/send/",
            {
                "determination_id": draft.pk,
                "channel": "email",
            },
        )
        member_letter = case.letters.get(party="member")
        j.go(um, "get", "/cases/letters/mail-queue/")
        j.go(um, "post", f"{base}/letters/{member_letter.pk}/mailed/")
        j.go(um, "get", f"{base}/letters/{member_letter.pk}/download/")
        link = re.search(r"/cases/letters/link/[^/\s]+/", mail.outbox[-1].body)
        assert link is not None, mail.outbox[-1].body
        j.go(people["quac"], "get", link.group(0))
        j.go(cmo, "post", f"{base}/resolve/", {"note": "All parties notified."})
        j.go(um, "post", f"{base}/tar-bundle/")
        bundle = case.tar_bundles.get()
        j.go(um, "get", f"{base}/tar-bundle/{bundle.pk}/download/")
        j.go(um, "post", f"{base}/tar-attachment/", {"tar_number": "TAR-777001"})
        j.follow(um, j.go(um, "post", f"{base}/close/"))
        case.refresh_from_db()
        assert case.status == Status.CLOSED, case.status
        for path in ("/", "/cases/", f"{base}/", f"/timelines/cases/{case.pk}/clocks/"):
            j.go(um, "get", path)
        # The user's own search, by name: POSTed, so only a random key reaches a URL.
        for term in (f"{MEMBER_FIRST} {MEMBER_LAST}", "TAR-777001"):
            found = j.follow(um, j.go(um, "post", "/cases/search/", {"q": term}))
            assert f">Case {case.pk}</a>" in found.content.decode(), term
        j.go(um, "get", "/cases/", {"q": MEMBER_LAST})  # an old bookmark: refused, not run
        found = j.go(
            um, "post", "/api/v1/cases/search/", {"q": MEMBER_LAST}, content_type="application/json"
        )
        assert [row["id"] for row in found.json()["results"]] == [case.pk]
        j.go(um, "get", "/notifications/")
        j.go(cmo, "get", "/notifications/")
        j.go(quac, "get", "/reports/", {"date_from": "2026-01-01", "date_to": "2026-12-31"})
        j.go(quac, "get", "/reports/quac.zip", {"date_from": "2026-01-01", "date_to": "2026-12-31"})
    return j, case


def _open_case_for_sweep(people, settings):
    """A second case left open with its clocks running, for the sweep and the digest."""
    from tests.support.cases import open_case
    from tests.support.factories import MemberFactory

    member = MemberFactory(first_name=MEMBER_FIRST, last_name=MEMBER_LAST, cin="55667788Q")
    return open_case(people["coordinator"], member=member, tar_number="TAR-777002")


def test_the_journey_leaks_no_phi_to_logs_mail_or_urls(
    people, specialist, all_logs, django_capture_on_commit_callbacks, settings, tmp_path
):
    from timelines.services import digest_send, sweep

    journey, _case = run_journey(
        people, specialist, django_capture_on_commit_callbacks, settings, tmp_path
    )
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        _open_case_for_sweep(people, settings)
    later = NOW + timedelta(days=30)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        result = sweep(now=later, scope="all")
        digest_send(now=later)
    assert result.notifications > 0  # the sweep did notify, so its text was scanned

    # The journey did produce the artefacts scanned below.
    assert len(all_logs.lines) > 10
    assert len(mail.outbox) >= 3
    assert len(journey.urls) > 30 and len(journey.links) > 100

    leaks = [f"log: {line[:200]}" for line in all_logs.lines if phi_in(line)]
    for message in mail.outbox:
        text = " ".join([message.subject, message.body, *message.to])
        for alternative, _mime in getattr(message, "alternatives", []):
            text += alternative
        leaks += [f"e-mail {message.subject!r}: {found}" for found in [phi_in(text)] if found]
        assert not message.attachments, "staff e-mails carry no attachment"
    # The one URL the journey itself wrote with a name (the refused old bookmark) aside.
    requested_by_hand = f"/cases/?q={MEMBER_LAST}"
    leaks += [f"url: {url}" for url in journey.urls if phi_in(url) and url != requested_by_hand]
    leaks += [f"link: {url}" for url in journey.links if phi_in(url)]
    assert not leaks, "\n".join(leaks)


def test_template_debug_records_are_capped_because_they_print_whole_contexts(settings):
    assert settings.LOGGING["loggers"]["django.template"]["level"] in ("INFO", "WARNING")
    assert logging.getLogger("django.template").getEffectiveLevel() >= logging.INFO


def test_the_case_search_is_a_post_so_no_name_reaches_a_url(people):
    """A member's name typed into the case search is POSTed (issue 11): the list is then
    addressed by a random key kept in the session, and a term in the address is not run."""
    client = Client()
    client.force_login(people["coordinator"])
    page = client.get("/cases/").content.decode()
    forms = [f for f in re.findall(r"<form[^>]*>.*?</form>", page, re.S) if 'name="q"' in f]
    assert forms and all('method="post"' in f.split(">")[0].lower() for f in forms)
    assert all("csrfmiddlewaretoken" in f for f in forms)
    response = client.post("/cases/search/", {"q": MEMBER_LAST})
    assert response.status_code == 303 and not phi_in(response["Location"])
    assert response["Location"].startswith("/cases/?search=")


PHI_GET_VIEWS = [
    ("view_list", "/cases/"),
    ("view_list", "/api/v1/cases/"),
    ("view_case", "/cases/{case}/"),
    ("view_case", "/api/v1/cases/{case}/"),
    ("view_member", "/api/v1/members/{member}/"),
    ("download_document", "/cases/{case}/documents/{document}/download/"),
    ("download_document", "/api/v1/cases/{case}/documents/{document}/download/"),
    ("download_letter", "/cases/{case}/letters/{letter}/download/"),
    ("download_letter", "/api/v1/cases/{case}/letters/{letter}/download/"),
    ("download_tar_bundle", "/cases/{case}/tar-bundle/{tar_bundle}/download/"),
    ("download_tar_bundle", "/api/v1/cases/{case}/tar-bundles/{tar_bundle}/download/"),
    ("download_packet", "/cases/{case}/packet.pdf"),
    ("view_case", "/cases/{case}/letters/member/preview.pdf"),
    ("view_case", "/cases/{case}/letters/member/check/"),
]
PORTAL_GET_VIEWS = [
    ("view_portal", "/portal/cases/{case}/"),
    ("view_portal", "/api/v1/portal/cases/{case}/"),
    ("download_packet", "/portal/cases/{case}/packet.pdf"),
    ("download_packet", "/api/v1/portal/cases/{case}/packet/"),
]


@pytest.fixture
def decided_world(django_capture_on_commit_callbacks, settings, tmp_path):
    from tests.security.scenario import build_world

    use_private_storage(settings, tmp_path)
    settings.TAR_BUNDLE_DIR = str(tmp_path / "tar")
    with time_machine.travel(NOW, tick=False):
        yield build_world(django_capture_on_commit_callbacks)


def test_every_phi_view_and_download_writes_an_access_log_row(decided_world):
    world = decided_world
    ids = world.ids[0]
    case = world.cases[0]
    staff = Client()
    staff.force_login(world.users["cmo"])
    portal = Client()
    portal.force_login(world.users["reviewer_a"])
    for client, user, views in (
        (staff, world.users["cmo"], PHI_GET_VIEWS),
        (portal, world.users["reviewer_a"], PORTAL_GET_VIEWS),
    ):
        for action, template in views:
            path = template.format(**ids)
            before = AccessLog.objects.count()
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            rows = list(AccessLog.objects.order_by("pk")[before:])
            assert rows, f"{path} was not access-logged"
            assert any(
                r.action == action and r.user_id == user.pk and r.case_id == case.pk for r in rows
            ), (path, [(r.action, r.user_id, r.case_id) for r in rows])


def test_a_refused_view_is_not_logged_as_access(decided_world):
    world = decided_world
    client = Client()
    client.force_login(world.users["reviewer_b"])
    before = AccessLog.objects.count()
    assert client.get(f"/portal/cases/{world.ids[0]['case']}/").status_code == 404
    assert client.get(f"/cases/{world.ids[0]['case']}/").status_code == 403
    assert AccessLog.objects.count() == before
