"""Letters (R-NOT-1…5): content read back from the PDF, languages, appeal rights."""

import io
import re

import pytest
from pypdf import PdfReader

from cases.models import Language, LetterTemplate
from cases.services.letters import appeal_rights_apply, cited_titles, letter_render
from tests.support.cases import (
    DIAGNOSIS_CODE,
    REVIEW_RATIONALE,
    REVIEWER_NAME,
    SERVICE_CODE,
    SERVICE_TEXT,
    case_at,
    frozen,
)
from tests.support.factories import QUALIFICATIONS, MemberFactory
from tests.support.files import use_private_storage

pytestmark = pytest.mark.django_db

# Billing and diagnosis code shapes (R-FILE-b, R-FILE-c): CPT 5 digits or 4 + F/T/U,
# HCPCS Level II a letter A–V + 4 digits, ICD-10-CM a letter, 2 characters, a dot, more.
CPT = re.compile(r"\b\d{4}[0-9FTU]\b")
HCPCS = re.compile(r"\b[A-V]\d{4}\b")
ICD10 = re.compile(r"\b[A-TV-Z]\d[0-9AB](\.[0-9A-Z]{1,4})?\b")


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    use_private_storage(settings, tmp_path)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _member_letter(coordinator, cmo, **case_options) -> str:
    with frozen():
        case = case_at("decided", owner=coordinator, decider=cmo, **case_options)
        return _text(letter_render(case=case, party="member").pdf)


def test_the_member_letter_holds_the_reviewer_qualifications_not_their_name(coordinator, cmo):
    text = _member_letter(coordinator, cmo)
    assert "outside reviewer" in text
    assert " ".join(QUALIFICATIONS.split()) in text
    assert REVIEWER_NAME not in text
    assert "Reviewername" not in text


def test_the_member_letter_shows_no_billing_or_diagnosis_code(coordinator, cmo):
    text = _member_letter(coordinator, cmo)
    assert SERVICE_TEXT in text
    # The condition in the plain words staff confirmed, not the ICD-10-CM title.
    assert "skin cancer" in text
    assert "basal cell carcinoma" not in text.lower()
    # ZIP codes (the member's, the plan's, the State Hearings office) are five digits;
    # they are the only numbers of that shape allowed.
    without_zip = re.sub(r"\bCA \d{5}(-\d{4})?\b", "", text)
    assert not CPT.search(without_zip), CPT.search(without_zip)
    assert not HCPCS.search(text), HCPCS.search(text)
    assert not ICD10.search(text), ICD10.search(text)
    assert SERVICE_CODE not in text and DIAGNOSIS_CODE not in text
    for acronym in ("IMRO", "CPT", "HCPCS", "ICD", "CMO"):
        assert not re.search(rf"\b{acronym}\b", text), acronym


def test_a_denial_upheld_brings_the_appeal_rights(coordinator, cmo):
    text = _member_letter(coordinator, cmo, recommendation="uphold", outcome="deny")
    assert "Your right to appeal" in text
    assert "State Hearing" in text
    assert "120 days" in text
    assert "DENIED" in text


def test_a_modification_upheld_brings_the_appeal_rights(coordinator, cmo):
    text = _member_letter(
        coordinator,
        cmo,
        recommendation="uphold",
        outcome="modify",
        modification="Six sessions instead of twelve.",
    )
    assert "Your right to appeal" in text
    assert "Six sessions instead of twelve." in text


def test_an_approval_brings_no_appeal_rights(coordinator, cmo):
    text = _member_letter(coordinator, cmo, recommendation="overturn", outcome="approve")
    assert "APPROVED" in text
    assert "Your right to appeal" not in text
    assert "State Hearing" not in text


def test_a_denial_against_the_reviewer_still_brings_the_appeal_rights(coordinator, cmo):
    # Policy VI.G.4 speaks of the plan's determination upholding a denial; the member is
    # denied either way, so they are told how to appeal.
    text = _member_letter(
        coordinator, cmo, recommendation="overturn", outcome="deny", follows_imro=False
    )
    assert "Your right to appeal" in text


def test_a_benefit_exclusion_that_is_not_experimental_brings_no_appeal_section(coordinator, cmo):
    with frozen():
        case = case_at("decided", owner=coordinator, decider=cmo, benefit_exclusion=True)
    assert not appeal_rights_apply(case=case, determination=case.determinations.get())


def test_the_spanish_letter_is_in_spanish(coordinator, cmo):
    text = _member_letter(coordinator, cmo, member=MemberFactory(language=Language.SPANISH))
    for phrase in (
        "Nuestra decisión",
        "revisor de fuera",
        "Su derecho a apelar",
        "Audiencia Estatal",
        "NEGADO",
        "de junio de 2026",
    ):
        assert phrase in text, phrase
    for english in ("Our decision", "Your right to appeal", "DENIED", "June"):
        assert english not in text, english


def test_the_practitioner_letter_gives_the_analysis_and_determination(coordinator, cmo):
    with frozen():
        case = case_at("decided", owner=coordinator, decider=cmo)
        rendered = letter_render(case=case, party="practitioner")
    text = _text(rendered.pdf)
    assert "External Independent Reviewer" in text
    assert "The reviewer's analysis" in text and REVIEW_RATIONALE in text
    assert " ".join(QUALIFICATIONS.split()) in text
    assert "Standard excision remains the appropriate treatment" in text
    assert "DENIED" in text
    assert "separate letter" in text  # the member was told of their appeal rights
    assert rendered.problems == []


def test_a_clean_letter_has_no_problems(coordinator, cmo):
    with frozen():
        case = case_at("decided", owner=coordinator, decider=cmo)
        assert letter_render(case=case, party="member").problems == []


def test_cited_titles_follow_the_convention():
    from cases.models import Determination

    determination = Determination(
        rationale="See clinical data 2 and Reviewer determination 1, and [Second opinion].",
        criteria_used="Medical history 3",
        modification="",
    )
    assert cited_titles(determination) == [
        "Clinical data 2",
        "Reviewer determination 1",
        "Medical history 3",
        "Second opinion",
    ]


def test_templates_are_seeded_in_both_languages_for_both_parties():
    active = set(LetterTemplate.objects.active().values_list("party", "language"))
    assert active == {
        ("member", "en"),
        ("member", "es"),
        ("practitioner", "en"),
        ("practitioner", "es"),
    }
