"""Synthetic reviewer registry for the demo (seed_demo calls demo_registry_seed).

Obviously fake organizations and people, with dates relative to today so the demo
stays current: two IMROs under contract, five eligible specialists and one whose
license has lapsed, to show an ineligible reviewer and the reason. Every eligible
specialist has a reviewer login (DEMO_REVIEWER_LOGINS), so a demo case of any registry
specialty can reach the reviewer portal with a case-matched reviewer.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cases.models import Case
from reviewers.models import Imro, Specialist, Specialty
from reviewers.selectors import specialty_for_case

DEMO_REVIEWER_USERNAME = "demo.reviewer"

# Reviewer login, first and last name, the demo specialist it signs in as. One per
# eligible specialist; the lapsed one shares its sub-specialty with the first.
DEMO_REVIEWER_LOGINS: list[tuple[str, str, str, str]] = [
    (DEMO_REVIEWER_USERNAME, "Riley", "Reviewer (demo)", "Dr. Ada Example (demo)"),
    ("demo.reviewer.oncology", "Ben", "Placeholder (demo)", "Dr. Ben Placeholder (demo)"),
    ("demo.reviewer.ortho", "Cleo", "Testcase (demo)", "Dr. Cleo Testcase (demo)"),
    ("demo.reviewer.intcardio", "Dev", "Fictional (demo)", "Dr. Dev Fictional (demo)"),
    ("demo.reviewer.neuro", "Eve", "Sampleton (demo)", "Dr. Eve Sampleton (demo)"),
]

_IMROS = [
    ("Example Review Partners (demo)", "Dana Demo", "reviews@imro-one.example.invalid", "350.00"),
    (
        "Sample Medical Review Group (demo)",
        "Sam Sample",
        "secure@imro-two.example.invalid",
        "425.00",
    ),
]

# name, specialty, sub-specialty, IMRO index (None: independent), license lapsed, qualifications
_SPECIALISTS = [
    (
        "Dr. Ada Example (demo)",
        "Internal Medicine",
        "Cardiovascular Disease",
        0,
        False,
        "Board-certified in internal medicine and cardiovascular disease; in active practice.",
    ),
    (
        "Dr. Ben Placeholder (demo)",
        "Internal Medicine",
        "Medical Oncology",
        0,
        False,
        "Board-certified in medical oncology; in active practice.",
    ),
    (
        "Dr. Cleo Testcase (demo)",
        "Orthopaedic Surgery",
        "Orthopaedic Sports Medicine",
        1,
        False,
        "Board-certified orthopaedic surgeon with a sports medicine certificate.",
    ),
    (
        "Dr. Dev Fictional (demo)",
        "Internal Medicine",
        "Interventional Cardiology",
        1,
        False,
        "Board-certified in interventional cardiology; in active practice.",
    ),
    (
        "Dr. Eve Sampleton (demo)",
        "Psychiatry and Neurology",
        "Neurology",
        None,
        False,
        "Board-certified neurologist, independent reviewer.",
    ),
    (
        "Dr. Finn Lapsed (demo)",
        "Internal Medicine",
        "Cardiovascular Disease",
        None,
        True,
        "Board-certified in cardiovascular disease.",
    ),
]


@transaction.atomic
def demo_registry_seed() -> None:
    """Create the demo IMROs and specialists once; running it again changes nothing."""
    today = timezone.localdate()
    imros = []
    for name, contact, address, standard in _IMROS:
        imro, _ = Imro.objects.get_or_create(
            name=name,
            defaults={
                "contract_start": today - timedelta(days=365),
                "contract_end": today + timedelta(days=2 * 365),
                "contact_name": contact,
                "contact_phone": "555-0100",
                "contact_email": address,
                "secure_delivery_address": address,
                "charge_standard": Decimal(standard),
                "charge_expedited": Decimal(standard) + Decimal("150.00"),
                "charge_retrospective": Decimal(standard) - Decimal("50.00"),
            },
        )
        imros.append(imro)
    for index, (name, board, sub, imro_index, lapsed, qualifications) in enumerate(_SPECIALISTS):
        Specialist.objects.get_or_create(
            name=name,
            defaults={
                "specialty": Specialty.objects.get(name=board),
                "subspecialty": Specialty.objects.get(name=sub),
                "board_certified": True,
                "board_certification_expires": today + timedelta(days=3 * 365),
                "license_state": "CA",
                "license_number": f"DEMO{1000 + index}",
                "license_expires": today + (timedelta(days=-30) if lapsed else timedelta(days=400)),
                "actively_practicing": True,
                "imro": imros[imro_index] if imro_index is not None else None,
                "email": "" if imro_index is not None else "reviewer@independent.example.invalid",
                "charge_per_review": None if imro_index is not None else Decimal("300.00"),
                "qualifications": qualifications,
            },
        )
    _link_demo_reviewer()


def _link_demo_reviewer() -> None:
    """Link each demo reviewer login that exists to its specialist (once)."""
    User = get_user_model()
    for username, _, _, specialist_name in DEMO_REVIEWER_LOGINS:
        user = User.objects.filter(username=username).first()
        if user is None or Specialist.objects.filter(user=user).exists():
            continue
        specialist = Specialist.objects.filter(name=specialist_name, user=None).first()
        if specialist is not None:
            specialist.user = user
            specialist.save(update_fields=["user"])


@dataclass(frozen=True)
class DemoReviewerFit:
    """A demo reviewer login, its specialty, and the demo cases of that specialty."""

    username: str
    specialty: str
    tar_numbers: list[str]


def demo_reviewer_fits() -> list[DemoReviewerFit]:
    """For each linked demo reviewer login: the demo cases whose specialty it matches.

    Matched as the suggestions match (reviewers.selectors.specialty_for_case): the
    case's specialty names the reviewer's board or sub-specialty.
    """
    cases = list(Case.objects.filter(tar_number__startswith="DEMO-").order_by("tar_number"))
    case_specialty = {case.tar_number: specialty_for_case(case) for case in cases}
    fits = []
    for username, _, _, _ in DEMO_REVIEWER_LOGINS:
        specialist = (
            Specialist.objects.select_related("specialty", "subspecialty")
            .filter(user__username=username)
            .first()
        )
        if specialist is None:
            continue
        own = {specialist.specialty_id, specialist.subspecialty_id} - {None}
        label = (specialist.subspecialty or specialist.specialty).name
        tars = [tar for tar, found in case_specialty.items() if found and found.pk in own]
        fits.append(DemoReviewerFit(username=username, specialty=label, tar_numbers=tars))
    return fits
