"""Builders for determination, letter and closure tests.

A case reaches "review received" the way production gets there (intake, approval, the
reviewer's written determination stored as a document), except the reviewers app's
submission gates, which its own tests cover: the assignment and review rows are made
directly so these tests do not depend on the registry's eligibility rules.
"""

import importlib
from datetime import date, datetime, timedelta

import time_machine
from django.apps import apps as django_apps
from django.utils import timezone

from cases.models import Case, DocumentKind, LetterTemplate, Status
from cases.services import case_transition, referral_approve
from cases.services.determination import determination_record, determination_sign
from cases.services.documents import document_upload
from reviewers.models import Assignment, Review, Specialist, Specialty
from tests.cases.factories import PLAN, open_case
from tests.cases.factories_documents import pdf_bytes, upload

# The frozen "now" of these tests: after the factories' receipt at the plan (June 1).
NOW = datetime(2026, 6, 5, 10, 0, tzinfo=PLAN)
REVIEW_RECEIVED_AT = datetime(2026, 6, 4, 15, 30, tzinfo=PLAN)
QUALIFICATIONS = (
    "Board-certified dermatologist with a sub-specialty certification in Mohs surgery, "
    "in active practice for 18 years"
)
REVIEWER_NAME = "Dr. Hidalgo Reviewername"
PRACTITIONER_EMAIL = "office@practice.example.invalid"
PRACTITIONER_NPI = "1234567893"
# What the services factory puts on the case, so tests can look for it.
SERVICE_CODE, SERVICE_TEXT = "0394T", "Image-guided brachytherapy of the skin"
DIAGNOSIS_CODE = "C44.91"


def frozen():
    return time_machine.travel(NOW, tick=False)


def ensure_letter_templates() -> None:
    """The seeded templates, again if a transactional test flushed them."""
    if not LetterTemplate.objects.exists():
        seed = importlib.import_module("cases.migrations.0005_letter_templates_seed")
        seed.seed(django_apps, None)


def reviewed_case(owner, decider, *, recommendation: str = "uphold", **overrides) -> Case:
    """A case whose reviewer's determination was received (status review received)."""
    ensure_letter_templates()
    case = open_case(owner, **overrides)
    practitioner = case.treating_practitioner
    practitioner.email = PRACTITIONER_EMAIL
    practitioner.npi = PRACTITIONER_NPI
    practitioner.address = "100 Clinic Road\nSanta Rosa, CA 95401"
    practitioner.save()
    referral_approve(case=case, actor=decider)
    case = case_transition(case=Case.objects.get(pk=case.pk), to=Status.SUBMITTED, actor=owner)
    specialty, _ = Specialty.objects.get_or_create(name="Dermatology")
    specialist = Specialist.objects.create(
        name=REVIEWER_NAME,
        specialty=specialty,
        license_state="CA",
        license_number="A12345",
        license_expires=date(2099, 1, 1),
        qualifications=QUALIFICATIONS,
    )
    assignment = Assignment.objects.create(
        case=case, specialist=specialist, assigned_by=owner, assigned_at=timezone.now()
    )
    document = document_upload(
        case=case,
        kind=DocumentKind.REVIEWER_DETERMINATION,
        uploaded_file=upload("determination.pdf", pdf_bytes(["Written determination"])),
        actor=owner,
    )
    Review.objects.create(
        case=case,
        assignment=assignment,
        document=document,
        recommendation=recommendation,
        rationale="The evidence does not show benefit over standard excision.",
        documents_reviewed="All documents in the packet.",
        reviewer_qualifications=QUALIFICATIONS,
        received_at=REVIEW_RECEIVED_AT,
        received_via="staff",
        recorded_by=owner,
        recorded_at=timezone.now(),
    )
    return case_transition(case=case, to=Status.REVIEW_RECEIVED, actor=owner)


def signed_case(
    owner,
    decider,
    *,
    recommendation: str = "uphold",
    outcome: str = "deny",
    follows_imro: bool = True,
    rationale: str = "Standard excision remains the appropriate treatment; see Reviewer "
    "determination 1.",
    modification: str = "",
    **overrides,
) -> Case:
    case = reviewed_case(owner, decider, recommendation=recommendation, **overrides)
    determination = determination_record(
        case=case,
        actor=decider,
        outcome=outcome,
        rationale=rationale,
        criteria_used="The plan's medical policy on skin cancer treatment.",
        follows_imro=follows_imro,
        modification=modification,
    )
    determination_sign(determination=determination, actor=decider)
    return Case.objects.get(pk=case.pk)


def later(minutes: int = 5) -> datetime:
    return NOW + timedelta(minutes=minutes)
