"""Eligibility rules of policy VI.B and VI.C, and the a–i checklist (R-FILE-2)."""

import pytest

from cases.checklist import referral_file_checklist, referral_file_missing
from cases.eligibility import approval_problems, eligibility_problems
from cases.models import DocumentKind
from cases.services import document_upload
from tests.support.cases import open_case
from tests.support.files import pdf_bytes, upload, use_private_storage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    use_private_storage(settings, tmp_path)


def _attach(case, kind, user):
    # Uploaded through the service, written by the treating physician (R-REF-7; the
    # author rule: test_document_author.py).
    return document_upload(
        case=case,
        kind=kind,
        uploaded_file=upload("x.pdf", pdf_bytes([f"{kind} 1"])),
        actor=user,
        author_name=case.treating_practitioner.name,
        author_npi=case.treating_practitioner.npi,
    )


def test_a_benefit_exclusion_is_refused_citing_vi_c(coordinator):
    case = open_case(coordinator, circumstances=[3], benefit_exclusion=True)
    problems = eligibility_problems(case)
    assert any("benefit exclusion" in p and "VI.C" in p for p in problems)


def test_a_benefit_exclusion_is_eligible_when_experimental(coordinator):
    case = open_case(
        coordinator, circumstances=[3], benefit_exclusion=True, experimental_investigational=True
    )
    assert not any("VI.C" in p for p in eligibility_problems(case))


def test_circumstance_5_needs_both_physician_documents(coordinator):
    case = open_case(coordinator, circumstances=[5])
    problems = eligibility_problems(case)
    assert len([p for p in problems if "Circumstance (5)" in p]) == 2
    _attach(case, DocumentKind.PHYSICIAN_CERTIFICATION, coordinator)
    problems = eligibility_problems(case)
    assert [p for p in problems if "Circumstance (5)" in p] == [
        p for p in problems if "recommendation" in p
    ]
    _attach(case, DocumentKind.PHYSICIAN_RECOMMENDATION, coordinator)
    assert not [p for p in eligibility_problems(case) if "Circumstance (5)" in p]


def test_approval_is_required(coordinator):
    case = open_case(coordinator)
    assert "has not approved" in approval_problems(case)[0]


def test_the_checklist_names_each_missing_item(coordinator):
    case = open_case(
        coordinator, questions=[], response_needed_by=None, clinical_data="", services=[]
    )
    missing = referral_file_missing(case)
    assert missing == [
        "(b) Requested service with CPT/HCPCS code is missing.",
        "(g) Treatment or clinical data is missing.",
        "(h) Date response needed is missing.",
        "(i) Specific questions for the reviewer is missing.",
    ]


def test_a_document_satisfies_a_text_item(coordinator):
    case = open_case(coordinator, clinical_data="")
    assert "(g)" in referral_file_missing(case)[0]
    _attach(case, DocumentKind.CLINICAL_DATA, coordinator)
    items = {item.letter: item for item in referral_file_checklist(case)}
    assert items["g"].present
    assert items["g"].detail == "1 document"
    assert referral_file_missing(case) == []
