"""Text a reviewer reads never names the member (R-SEC-4, issue 16 finding 5).

The reported leaks ("Ms. Realname", "Does Jamie qualify?", "Realname J, 38F", a phone
number, an e-mail address, a street address) are refused in the questions, in answers
to the reviewer, in document titles and at submission for every text of the packet,
with the field and the masked match named; ordinary clinical words pass.
"""

from datetime import date

import pytest
from django.utils import timezone

from cases.models import Case, DocumentKind, Member, ReviewerQuestion
from cases.phi_scan import PhiKind, phi_matches, reviewer_text_problems, reviewer_text_redact
from cases.services.documents import document_upload
from imr.errors import Refused
from reviewers.gates import submission_problems
from reviewers.models import InformationRequest
from reviewers.services import information_request_answer
from tests.support.cases import open_case
from tests.support.files import pdf_bytes, upload, use_private_storage

MEMBER = Member(
    first_name="Jamie",
    last_name="Realname",
    cin="91234567A",
    date_of_birth=date(1988, 3, 4),
    address_line1="742 Evergreen Terrace",
    address_line2="Apt 5B",
)


@pytest.mark.parametrize(
    ("text", "kind", "shown"),
    [
        ("Is the therapy indicated for Ms. Realname?", PhiKind.MEMBER_NAME, "Ms. R•••••••"),
        ("Does Jamie qualify?", PhiKind.MEMBER_NAME, "J••••"),
        ("Realname J, 38F, with psoriasis", PhiKind.MEMBER_NAME, "R••••••• J, 3••"),
        ("REALNAME, JAMIE seen today", PhiKind.MEMBER_NAME, "R•••••••, J••••"),
        ("Sra. Realname prefiere español", PhiKind.MEMBER_NAME, "Sra. R•••••••"),
        ("Dr. Realname's daughter called", PhiKind.MEMBER_NAME, "Dr. R•••••••"),
        ("Call (707) 555-0142 after noon", PhiKind.PHONE, "(7••) 5••-0•••"),
        ("Call 707.555.0142", PhiKind.PHONE, "7••.5••.0•••"),
        ("Write to jamie.r@example.org", PhiKind.EMAIL, None),
        ("Lives at 742 Evergreen Terrace", PhiKind.ADDRESS, "7•• E•••••••• T••••••"),
        ("Moved to 12 Oak Tree Rd in May", PhiKind.ADDRESS, "1• O•• T••• R•"),
        ("Mail to PO Box 311", PhiKind.ADDRESS, None),
        ("CIN 9123-4567A", PhiKind.CIN, None),
        ("Born 03/04/1988", PhiKind.DATE_OF_BIRTH, None),
    ],
)
def test_each_reported_leak_is_found_and_shown_masked(text, kind, shown):
    found = phi_matches(member=MEMBER, text=text)
    assert [m.kind for m in found] == [kind]
    if shown is not None:
        assert found[0].shown == shown


@pytest.mark.parametrize(
    "text",
    [
        "Is PET imaging medically necessary after two failed lines of therapy?",
        "BP 120/80, HbA1c 7.2 on 2024-06-01; CPT 78815, ICD-10 C34.11.",
        "Seen 3 times by Dr. Ortiz; after 2 weeks on the road the lesion grew.",
        "Jamieson criteria do not apply; see the Realnamer study.",
        "NPI 1234567893 on the claim.",
    ],
)
def test_ordinary_clinical_text_passes(text):
    assert phi_matches(member=MEMBER, text=text) == []


def test_the_refusal_names_the_field_and_the_masked_match_never_the_value():
    problems = reviewer_text_problems(
        member=MEMBER, texts=[("Question 2 for the reviewer", "Does Jamie qualify?")]
    )
    assert problems == [
        "Question 2 for the reviewer names the member (the member's name “J••••”). The "
        "reviewer sees only the internal patient identifier; reword it."
    ]
    assert "Jamie" not in problems[0]


def test_text_typed_before_the_check_is_masked_on_reviewer_pages():
    text = "Does Ms. Realname J, 38F qualify? Call (707) 555-0142; she lives at Apt 5B."
    assert reviewer_text_redact(member=MEMBER, text=text) == (
        "Does Ms. [redacted] qualify? Call [redacted]; she lives at [redacted]."
    )
    assert phi_matches(member=MEMBER, text=reviewer_text_redact(member=MEMBER, text=text)) == []


@pytest.mark.django_db
class TestWhereReviewerTextIsWritten:
    @pytest.fixture(autouse=True)
    def _storage(self, settings, tmp_path):
        use_private_storage(settings, tmp_path)

    def test_intake_refuses_a_question_that_names_the_member(self, coordinator):
        count = Case.objects.count()
        with pytest.raises(Refused) as refused:
            open_case(coordinator, questions=["Is it indicated for Ms. Quixotefake?"])
        assert "Question 1 for the reviewer names the member" in str(refused.value)
        assert "Ms. Q••••••••••”" in str(refused.value)
        assert Case.objects.count() == count

    def test_an_answer_to_the_reviewer_with_a_phone_number_is_refused(self, coordinator):
        case = open_case(coordinator)
        request = InformationRequest.objects.create(
            case=case, asked_by=coordinator, asked_at=timezone.now(), question="Any labs?"
        )
        with pytest.raises(Refused) as refused:
            information_request_answer(
                information_request=request, actor=coordinator, answer="Call 707-555-0142."
            )
        assert "a phone number" in str(refused.value)
        request.refresh_from_db()
        assert request.answered_at is None and request.answer == ""

    def test_a_document_title_with_an_e_mail_address_is_refused(self, coordinator):
        case = open_case(coordinator)
        with pytest.raises(Refused) as refused:
            document_upload(
                case=case,
                kind=DocumentKind.CLINICAL_DATA,
                uploaded_file=upload("labs.pdf", pdf_bytes(["Labs"])),
                actor=coordinator,
                title="Labs from zebulon@example.org",
            )
        assert "an e-mail address" in refused.value.messages[0]
        assert not case.documents.exists()

    def test_submission_lists_every_packet_text_that_names_the_member(self, coordinator):
        case = open_case(coordinator, medical_history="Zebulon J, 64M, prior excisions.")
        # Text typed before this check existed (or through an older path) is caught too.
        ReviewerQuestion.objects.filter(case=case).update(text="Does Zebulon qualify?")
        problems = [p for p in submission_problems(case) if "names the member" in p]
        assert problems == [
            "Case text: pertinent medical history names the member (the member's name "
            "“Z•••••• J, 6••”). The reviewer sees only the internal patient identifier; "
            "reword it.",
            "Question 1 for the reviewer names the member (the member's name “Z••••••”). "
            "The reviewer sees only the internal patient identifier; reword it.",
        ]

    def test_a_clean_case_has_no_such_problem(self, coordinator):
        case = open_case(coordinator)
        assert not [p for p in submission_problems(case) if "names the member" in p]
