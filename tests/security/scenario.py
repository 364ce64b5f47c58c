"""A seeded world for the security tests: two cases taken through the real services.

Each case has its own member, its own reviewer (a portal account linked to a specialist),
a document, a submission, an answered information request, the reviewer's determination,
a signed coverage determination, both letters, a resolution and a TAR bundle; so every
object id a URL can take exists on both cases, and swapping them is a real IDOR attempt.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from cases.models import Case, DocumentKind, Member
from cases.services import case_submit, referral_approve, review_record
from cases.services.closure import case_resolve, tar_bundle_build
from cases.services.determination import determination_record, determination_sign
from cases.services.documents import document_upload
from cases.services.letters import letter_mailed_confirm, letter_send
from imr.roles import Role
from notifications.models import Notification
from reviewers import services as reviewer_services
from reviewers.models import Imro, Specialist, Specialty
from tests.support.cases import open_case
from tests.support.factories import MemberFactory
from tests.support.files import pdf_bytes, upload
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


def _specialist(name: str, user, imro: Imro) -> Specialist:
    specialty, _ = Specialty.objects.get_or_create(name="Dermatology")
    return Specialist.objects.create(
        name=name,
        specialty=specialty,
        board_certified=True,
        board_certification_expires=FAR,
        license_state="CA",
        license_number=f"A{user.pk:05d}",
        license_expires=FAR,
        actively_practicing=True,
        imro=imro,
        user=user,
        qualifications=QUALIFICATIONS,
    )


def reviewed_case(*, coordinator, cmo, reviewer_user, imro: Imro, member: Member, tar: str):
    """Intake → approval → assignment → attestation → submission → question → review."""
    case = open_case(coordinator, member=member, tar_number=tar)
    case.treating_practitioner.email = "office@practice.example.invalid"
    case.treating_practitioner.npi = "1234567893"
    case.treating_practitioner.address = "100 Clinic Road\nSanta Rosa, CA 95401"
    case.treating_practitioner.save()
    referral_approve(case=case, actor=cmo)
    specialist = _specialist(f"Dr. Reviewer {reviewer_user.username}", reviewer_user, imro)
    reviewer_services.assignment_create(
        case=case, specialist=specialist, actor=coordinator, outside_suggestion_reason="Test."
    )
    reviewer_services.attestation_record(
        case=case, specialist=specialist, actor=coordinator, answers=NO_CONFLICT
    )
    document_upload(
        case=case,
        kind=DocumentKind.CLINICAL_DATA,
        uploaded_file=upload("labs.pdf", pdf_bytes(["Biopsy result"])),
        actor=coordinator,
    )
    case_submit(case=case, actor=coordinator)
    question = reviewer_services.information_request_ask(
        case=case, actor=reviewer_user, question="Any prior imaging?"
    )
    reviewer_services.information_request_answer(
        information_request=question, actor=coordinator, answer="None on file."
    )
    review_record(
        case=case,
        actor=reviewer_user,
        uploaded_file=upload("determination.pdf", pdf_bytes(["Written determination"])),
        recommendation="uphold",
        rationale="No benefit over standard excision.",
        documents_reviewed="All documents in the packet.",
        reviewer_qualifications=QUALIFICATIONS,
        received_via="portal",
    )
    return Case.objects.get(pk=case.pk)


def decided_and_closed(case: Case, *, coordinator, cmo) -> Case:
    """Sign, send both letters, resolve and build the TAR bundle (not closed: the
    attachment and close URLs still have something to refuse or do)."""
    draft = determination_record(
        case=case,
        actor=cmo,
        outcome="deny",
        rationale=RATIONALE,
        criteria_used="The plan's medical policy on skin cancer treatment.",
        follows_imro=True,
    )
    determination_sign(determination=draft, actor=cmo)
    member_letter = letter_send(case=case, party="member", actor=coordinator)
    letter_send(case=case, party="practitioner", actor=coordinator)
    letter_mailed_confirm(letter=member_letter, actor=coordinator)
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
    imro = Imro.objects.create(
        name="Test IMRO",
        contract_start=date(2025, 1, 1),
        contract_end=FAR,
        contact_name="Imro Contact",
        secure_delivery_address="secure@imro.example.invalid",
        charge_standard=Decimal("400.00"),
        charge_expedited=Decimal("550.00"),
        charge_retrospective=Decimal("350.00"),
    )
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
