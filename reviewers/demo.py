"""Synthetic reviewer registry for the demo (seed_demo calls demo_registry_seed).

Obviously fake organizations and people, with dates relative to today so the demo
stays current: two IMROs under contract, five eligible specialists and one whose
license has lapsed, to show an ineligible reviewer and the reason.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from reviewers.models import Imro, Specialist, Specialty

DEMO_REVIEWER_USERNAME = "demo.reviewer"

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
    user = get_user_model().objects.filter(username=DEMO_REVIEWER_USERNAME).first()
    if user is None or Specialist.objects.filter(user=user).exists():
        return
    specialist = Specialist.objects.filter(name=_SPECIALISTS[0][0], user=None).first()
    if specialist is not None:
        specialist.user = user
        specialist.save(update_fields=["user"])
