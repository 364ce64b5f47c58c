"""Reviewer suggestions from the case's specialty (R-REV-2) and the registry (R-REV-1)."""

from datetime import date

import pytest

from reviewers import services
from reviewers.models import Specialty
from reviewers.selectors import reviewer_suggestions, specialty_for_case
from tests.reviewers.conftest import NO_CONFLICT, make_case, make_imro, make_specialist


@pytest.mark.django_db
def test_the_seed_holds_the_24_abms_boards_and_their_subspecialties():
    boards = Specialty.objects.filter(board=None)
    assert boards.count() == 24
    cardiology = Specialty.objects.get(name="Cardiovascular Disease")
    assert cardiology.board.name == "Internal Medicine"
    assert "Interventional Cardiology" in {s.name for s in cardiology.similar.all()}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cardiology", "Cardiovascular Disease"),
        ("  cardiovascular   DISEASE ", "Cardiovascular Disease"),
        ("Otolaryngology - Head and Neck Surgery", "Otolaryngology – Head and Neck Surgery"),
        ("OB/GYN", "Obstetrics and Gynecology"),
        ("Astrology", None),
    ],
)
def test_the_case_specialty_is_matched_by_name_or_alias(coordinator, text, expected):
    case = make_case(owner=coordinator, specialty=text)
    found = specialty_for_case(case)
    assert (found.name if found else None) == expected


@pytest.mark.django_db
def test_it_suggests_same_then_similar_and_leaves_out_the_ineligible(coordinator):
    current = make_imro("Current IMRO")
    ended = make_imro(
        "Ended IMRO", contract_start=date(2024, 1, 1), contract_end=date(2025, 12, 31)
    )
    make_specialist("Dr. Same", imro=current)
    make_specialist("Dr. Similar", subspecialty="Interventional Cardiology", imro=current)
    make_specialist("Dr. Board", subspecialty=None)  # Internal Medicine: the parent board
    make_specialist("Dr. Lapsed License", license_expires=date(2026, 3, 1))
    make_specialist("Dr. Lapsed Board", board_certification_expires=date(2026, 1, 31))
    make_specialist("Dr. Uncertified", board_certified=False)
    make_specialist("Dr. Retired", actively_practicing=False)
    make_specialist("Dr. Contract Ended", imro=ended)
    make_specialist("Dr. Dermatology", specialty="Dermatology", subspecialty=None)
    conflicted = make_specialist("Dr. Conflicted")
    case = make_case(owner=coordinator, specialty="Cardiology")
    services.attestation_record(
        case=case,
        specialist=conflicted,
        actor=coordinator,
        answers=NO_CONFLICT | {"manufacturer": True},
    )

    suggestions = reviewer_suggestions(case)

    assert [(s.specialist.name, s.match) for s in suggestions] == [
        ("Dr. Same", "same"),
        ("Dr. Board", "similar"),
        ("Dr. Similar", "similar"),
    ]
    assert suggestions[0].charge == current.charge_standard


@pytest.mark.django_db
def test_an_unknown_specialty_suggests_nobody(coordinator):
    make_specialist("Dr. Same")
    case = make_case(owner=coordinator, specialty="Astrology")
    assert reviewer_suggestions(case) == []


@pytest.mark.django_db
def test_ineligibility_is_shown_with_every_reason(coordinator):
    ended = make_imro(
        "Ended IMRO", contract_start=date(2024, 1, 1), contract_end=date(2025, 12, 31)
    )
    specialist = make_specialist(
        "Dr. Everything Lapsed",
        imro=ended,
        license_expires=date(2026, 2, 28),
        board_certification_expires=date(2026, 1, 31),
        actively_practicing=False,
    )

    reasons = specialist.ineligibility_reasons(date(2026, 3, 2))

    assert reasons == [
        "board certification expired 2026-01-31",
        f"CA license {specialist.license_number} expired 2026-02-28",
        "not actively practicing",
        "the contract with Ended IMRO ended 2025-12-31",
    ]
