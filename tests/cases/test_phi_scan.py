"""The PHI scan that warns UM staff before submission, and the redaction of generated text."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.models import DocumentKind, Member
from cases.phi_scan import PhiKind, phi_kinds_in_text, phi_redact, phi_scan
from cases.services.documents import document_supersede, document_upload
from imr.errors import Refused
from tests.support.cases import open_case
from tests.support.factories import ROSALIND, MemberFactory
from tests.support.files import docx_bytes, image_bytes, pdf_bytes, upload, use_private_storage

MEMBER = Member(
    first_name="José",
    last_name="García-Lopez",
    cin="91234567A",
    date_of_birth=date(1960, 1, 2),
    address_line1="742 Evergreen Terrace",
)


@pytest.mark.parametrize(
    "text",
    [
        "Patient: José García-Lopez",
        "patient jose garcia-lopez seen today",
        "GARCIA-LOPEZ, JOSE",
        "García-Lopez José",
        "José A. García-Lopez",
        "José\ngarcía-lopez",  # a line break inside extracted PDF text
    ],
)
def test_it_finds_the_name_in_either_order(text):
    assert phi_kinds_in_text(member=MEMBER, text=text) == [PhiKind.MEMBER_NAME]


@pytest.mark.parametrize(
    "text",
    [
        "Dr. García saw the patient",
        "José was the interpreter",
        "Lopez Garcia",
        "Josephine Garcia-Lopez",
    ],
)
def test_a_first_or_last_name_alone_is_not_a_finding(text):
    assert PhiKind.MEMBER_NAME not in phi_kinds_in_text(member=MEMBER, text=text)


@pytest.mark.parametrize("text", ["CIN 91234567A", "cin: 91234567a", "ID 9123-4567 A"])
def test_it_finds_the_cin(text):
    assert phi_kinds_in_text(member=MEMBER, text=text) == [PhiKind.CIN]


@pytest.mark.parametrize("text", ["991234567A", "91234567AB", "CIN 91234568A"])
def test_a_different_number_is_not_the_cin(text):
    assert phi_kinds_in_text(member=MEMBER, text=text) == []


@pytest.mark.parametrize(
    "text",
    [
        "DOB 01/02/1960",
        "DOB 1/2/1960",
        "born 1960-01-02",
        "January 2, 1960",
        "Jan. 2, 1960",
        "jan 02 1960",
        "2 January 1960",
        "2nd of January, 1960",
        "01-02-1960",
        "01/02/60",
    ],
)
def test_it_finds_the_date_of_birth_in_common_formats(text):
    assert phi_kinds_in_text(member=MEMBER, text=text) == [PhiKind.DATE_OF_BIRTH]


@pytest.mark.parametrize(
    "text",
    ["01/02/1961", "11/02/1960", "1/22/1960", "1960-01-20", "January 21, 1960", "101/02/1960"],
)
def test_other_dates_are_not_the_date_of_birth(text):
    assert phi_kinds_in_text(member=MEMBER, text=text) == []


def test_redaction_masks_every_kind_and_keeps_the_rest():
    text = "José García-Lopez (CIN 91234567A, DOB 1/2/1960) of 742 Evergreen Terrace needs PET."
    assert phi_redact(member=MEMBER, text=text) == (
        "[redacted] (CIN [redacted], DOB [redacted]) of [redacted] needs PET."
    )


def test_redaction_leaves_text_without_phi_alone():
    text = "Garcia criteria; BP 120/80 on 1/2/2024."
    assert phi_redact(member=MEMBER, text=text) == text


@given(st.text(max_size=60))
def test_redacted_text_never_contains_a_finding(noise):
    text = f"{noise} José García-Lopez {noise} 01/02/1960 {noise} 91234567A {noise}"
    assert phi_kinds_in_text(member=MEMBER, text=phi_redact(member=MEMBER, text=text)) == []


@pytest.mark.django_db
class TestCaseScan:
    @pytest.fixture(autouse=True)
    def storage_root(self, settings, tmp_path):
        return use_private_storage(settings, tmp_path)

    @pytest.fixture
    def case(self, coordinator):
        return open_case(
            coordinator, member=MemberFactory(**ROSALIND)
        )  # member Rosalind Quintero, CIN 91234567A, DOB 1960-01-02

    def _add(self, case, user, data, kind=DocumentKind.CLINICAL_DATA):
        return document_upload(case=case, kind=kind, uploaded_file=upload("f", data), actor=user)

    def test_findings_name_the_document_and_the_kind_never_the_value(self, case, coordinator):
        self._add(case, coordinator, pdf_bytes(["Quintero, Rosalind", "DOB: January 2, 1960"]))
        self._add(case, coordinator, docx_bytes("CIN 91234567A"), DocumentKind.MEDICAL_HISTORY)
        self._add(case, coordinator, pdf_bytes(["nothing personal here"]), DocumentKind.OTHER)

        findings = phi_scan(case)

        assert {(f.document_title, f.kind) for f in findings} == {
            ("Clinical data 1", PhiKind.MEMBER_NAME),
            ("Clinical data 1", PhiKind.DATE_OF_BIRTH),
            ("Medical history 1", PhiKind.CIN),
        }
        for finding in findings:
            assert "Quintero" not in finding.message
            assert "91234567A" not in finding.message
            assert "1960" not in finding.message
        assert "Clinical data 1: contains the member's name." in [f.message for f in findings]

    def test_documents_without_text_are_reported_as_not_checked(self, case, coordinator):
        self._add(case, coordinator, image_bytes("PNG"))
        (finding,) = phi_scan(case)
        assert finding.kind == PhiKind.NO_TEXT
        assert "could not be checked" in finding.message

    def test_only_current_versions_are_scanned(self, case, coordinator):
        old = self._add(case, coordinator, pdf_bytes(["Rosalind Quintero"]))
        assert [f.kind for f in phi_scan(case)] == [PhiKind.MEMBER_NAME]
        document_supersede(
            document=old,
            uploaded_file=upload("v2", pdf_bytes(["redacted copy"])),
            actor=coordinator,
        )
        assert phi_scan(case) == []

    def test_a_question_naming_the_member_is_refused_at_intake(self, coordinator):
        # The questions reach the reviewer word for word, so intake refuses them (R-SEC-4)
        # before the scan could see them.
        with pytest.raises(Refused, match="Question 1 for the reviewer names the member"):
            open_case(
                coordinator,
                member=MemberFactory(**ROSALIND),
                questions=["Does Rosalind Quintero need this?"],
            )
