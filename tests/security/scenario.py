"""A seeded world for the security tests: two cases walked by tests/support.

Each case has its own member, its own reviewer (a portal account linked to a specialist),
a document, a submission, an answered information request, the reviewer's determination,
a signed coverage determination, both letters, a resolution and a TAR bundle; so every
object id a URL can take exists on both cases, and swapping them is a real IDOR attempt.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from cases.models import Case, Member
from cases.services.closure import case_resolve, tar_bundle_build
from imr.roles import Role
from notifications.models import Notification
from reviewers import services as reviewer_services
from reviewers.models import Imro
from tests.support.cases import (
    approve,
    file_document,
    notify,
    open_case,
    receive_review,
    sign,
    submit,
)
from tests.support.factories import ImroFactory, MemberFactory, SpecialistFactory
from tests.support.personas import make_user

PLAN = ZoneInfo("America/Los_Angeles")
# The scenario's "now": after the factories' receipt at the plan (Mon 1 June 2026).
NOW = datetime(2026, 6, 3, 10, 0, tzinfo=PLAN)
FAR = date(2099, 12, 31)
NO_CONFLICT = {
    "plan_or_officers": False,
    "treating_physician_or_group": False,
    "facility": False,
    "manufacturer": False,
    "member_or_family": False,
}
QUALIFICATIONS = "Board-certified dermatologist in active practice for 18 years"
RATIONALE = "Standard excision remains the appropriate treatment; see Reviewer determination 1."


@dataclass
class World:
    users: dict[str, object]
    cases: list[Case]
    ids: list[dict[str, int]] = field(default_factory=list)


def reviewed_case(*, coordinator, cmo, reviewer_user, imro: Imro, member: Member, tar: str):
    """The support walk to "submitted" through the portal, a question answered, and the
    reviewer's determination entered in the portal."""
    case = approve(open_case(coordinator, member=member, tar_number=tar), cmo)
    file_document(case)
    specialist = SpecialistFactory(
        name=f"Dr. Reviewer {reviewer_user.username}",
        imro=imro,
        user=reviewer_user,
        qualifications=QUALIFICATIONS,
    )
    case = submit(case, specialist=specialist, delivery="portal")
    question = reviewer_services.information_request_ask(
        case=case, actor=reviewer_user, question="Any prior imaging?"
    )
    reviewer_services.information_request_answer(
        information_request=question, actor=coordinator, answer="None on file."
    )
    receive_review(case, via_portal_by=reviewer_user)
    return Case.objects.get(pk=case.pk)


def decided_and_closed(case: Case, *, coordinator, cmo) -> Case:
    """Sign, send both letters, resolve and build the TAR bundle (not closed: the
    attachment and close URLs still have something to refuse or do)."""
    case = notify(sign(case, cmo, rationale=RATIONALE))
    case_resolve(case=case, actor=cmo)
    tar_bundle_build(case=case, actor=coordinator)
    return Case.objects.get(pk=case.pk)


def object_ids(case: Case, *, owner) -> dict[str, int]:
    """The id of one object of each kind on the case, by URL parameter meaning."""
    notification = Notification.objects.filter(case=case, recipient=owner).first()
    return {
        "case": case.pk,
        "document": case.documents.order_by("pk").first().pk,
        "determination": case.determinations.order_by("pk").first().pk,
        "letter": case.letters.order_by("pk").first().pk,
        "tar_bundle": case.tar_bundles.order_by("pk").first().pk,
        "information_request": case.information_requests.order_by("pk").first().pk,
        "member": case.member_id,
        "notification": notification.pk if notification else 0,
        "imro": case.assignments.first().imro_id,
        "specialist": case.assignments.first().specialist_id,
    }


def build_world(capture) -> World:
    """Two cases, two reviewers. `capture` is pytest-django's on-commit capturer."""
    users = {
        "coordinator": make_user("coordinator", Role.UM_STAFF, first_name="Casey"),
        "cmo": make_user("cmo", Role.CMO, first_name="Morgan"),
        "quac": make_user("quac", Role.QUAC),
        "reviewer_a": make_user("reviewer.a", Role.IMRO_REVIEWER),
        "reviewer_b": make_user("reviewer.b", Role.IMRO_REVIEWER),
        "administrator": make_user("administrator", Role.ADMINISTRATOR),
        "outsider": make_user("outsider", None),
    }
    imro = ImroFactory(name="Test IMRO", secure_delivery_address="secure@imro.example.invalid")
    members = [
        MemberFactory(),
        MemberFactory(first_name="Other", last_name="Memberfake", cin="11223344B"),
    ]
    cases = []
    with capture(execute=True):
        for index, reviewer_key in enumerate(("reviewer_a", "reviewer_b")):
            case = reviewed_case(
                coordinator=users["coordinator"],
                cmo=users["cmo"],
                reviewer_user=users[reviewer_key],
                imro=imro,
                member=members[index],
                tar=f"TAR-00012{index + 3}",
            )
            cases.append(
                decided_and_closed(case, coordinator=users["coordinator"], cmo=users["cmo"])
            )
    world = World(users=users, cases=cases)
    world.ids = [
        object_ids(cases[0], owner=users["coordinator"]),
        object_ids(cases[1], owner=users["cmo"]),
    ]
    return world


def user_model():
    return get_user_model()
