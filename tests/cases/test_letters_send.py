"""Sending letters (R-NOT-3, R-TRK-6, R-TRK-10): checks, the stored PDF, the channels."""

import hashlib
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from cases.models import Case, CaseEvent, DocumentKind, Letter, LetterTemplate, Status
from cases.services.determination import determination_amend, determination_current
from cases.services.documents import document_upload
from cases.services.letters import letter_mailed_confirm, letter_send, parties_not_notified
from notifications.models import Notification
from tests.support.cases import case_at, confirm_letter_texts, frozen
from tests.support.factories import MEMBER_CIN, MEMBER_FIRST, MEMBER_LAST, PRACTITIONER_NPI
from tests.support.files import pdf_bytes, upload, use_private_storage
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db
PHI = (MEMBER_FIRST, MEMBER_LAST, MEMBER_CIN, "1961-07-14", "07/14/1961", "July 14, 1961")


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    use_private_storage(settings, tmp_path)


@pytest.fixture
def case(coordinator, cmo):
    with frozen():
        return case_at("decided", owner=coordinator, decider=cmo)


def _send(case, party, actor, capture, **kwargs):
    with frozen(), capture(execute=True):
        return letter_send(case=case, party=party, actor=actor, **kwargs)


def test_sending_stores_the_exact_pdf_once(case, coordinator, django_capture_on_commit_callbacks):
    letter = _send(case, "member", coordinator, django_capture_on_commit_callbacks)
    client = client_for(coordinator)
    first = client.get(f"/cases/{case.pk}/letters/{letter.pk}/download/")
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    # An Administrator changes the wording afterwards: the letter sent does not change.
    template = LetterTemplate.objects.get(party="member", language="en", active=True)
    template.body = template.body.replace("Our decision", "A rewritten heading")
    template.save()
    second = client.get(f"/cases/{case.pk}/letters/{letter.pk}/download/")
    api = client.get(f"/api/v1/cases/{case.pk}/letters/{letter.pk}/download/")
    assert first.content == second.content == api.content
    assert hashlib.sha256(first.content).hexdigest() == letter.sha256
    assert letter.template.version == 2 and letter.language == "en"


def test_a_letter_is_sent_once_per_party(case, coordinator, django_capture_on_commit_callbacks):
    _send(case, "member", coordinator, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="already sent"):
        _send(case, "member", coordinator, django_capture_on_commit_callbacks)
    assert Letter.objects.filter(case=case, party="member").count() == 1


def test_the_member_letter_waits_in_the_mail_queue_until_marked_mailed(
    case, coordinator, django_capture_on_commit_callbacks
):
    letter = _send(case, "member", coordinator, django_capture_on_commit_callbacks)
    assert letter.channel == "mail" and letter.mailed_at is None
    assert "Member" in parties_not_notified(case)
    note = Notification.objects.get(kind="letter_ready_to_mail", recipient=coordinator)
    queue = client_for(coordinator).get(note.link)
    assert queue.status_code == 200 and f"Case {case.pk}".encode() in queue.content
    client_for(coordinator).post(f"/cases/{case.pk}/letters/{letter.pk}/mailed/")
    letter.refresh_from_db()
    assert letter.mailed_by == coordinator and letter.mailed_at is not None
    assert "Member" not in parties_not_notified(case)
    with pytest.raises(ValidationError, match="already"):
        letter_mailed_confirm(letter=letter, actor=coordinator)


def test_the_practitioner_email_has_a_link_and_no_phi(
    case, coordinator, django_capture_on_commit_callbacks
):
    letter = _send(case, "practitioner", coordinator, django_capture_on_commit_callbacks)
    assert letter.channel == "email"
    practitioner_mail = [m for m in mail.outbox if "office@practice" in m.to[0]]
    assert len(practitioner_mail) == 1
    message = practitioner_mail[0]
    for text in (message.subject, message.body):
        for value in PHI:
            assert value not in text, value
    link = re.search(r"http://\S+/cases/letters/link/(\S+)/", message.body)
    assert link, message.body
    token = link.group(1)
    assert letter.link_token_hash == hashlib.sha256(token.encode()).hexdigest()
    with frozen():
        anonymous = Client()
        assert anonymous.get(f"/cases/letters/link/{token}/").status_code == 200
        wrong = anonymous.post(f"/cases/letters/link/{token}/", {"npi": "0000000000"})
        assert wrong.status_code == 200 and wrong["Content-Type"].startswith("text/html")
        right = anonymous.post(f"/cases/letters/link/{token}/", {"npi": PRACTITIONER_NPI})
        assert right["Content-Type"] == "application/pdf"
        stored = client_for(coordinator).get(f"/cases/{case.pk}/letters/{letter.pk}/download/")
        assert right.content == stored.content
        assert anonymous.get("/cases/letters/link/not-a-token/").status_code == 403
    # Thirty days later the link no longer works.
    assert Client().get(f"/cases/letters/link/{token}/").status_code == 403
    assert CaseEvent.objects.filter(case=case, kind="letter_downloaded").count() == 1
    # The download has no person behind it; the case page still renders and names who
    # acted (issue 18 finding 1: this page answered 500 from here on).
    page = client_for(coordinator).get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    assert "Practitioner&#x27;s office (secure link)" in page.content.decode()


def test_the_link_locks_after_five_wrong_npis(
    case, coordinator, django_capture_on_commit_callbacks
):
    _send(case, "practitioner", coordinator, django_capture_on_commit_callbacks)
    token = re.search(r"/cases/letters/link/(\S+)/", mail.outbox[-1].body).group(1)
    anonymous = Client()
    for _ in range(5):
        anonymous.post(f"/cases/letters/link/{token}/", {"npi": "1111111111"})
    locked = anonymous.post(f"/cases/letters/link/{token}/", {"npi": PRACTITIONER_NPI})
    assert locked.status_code == 403


def test_both_parties_notified_moves_the_case_to_notified(
    case, coordinator, django_capture_on_commit_callbacks
):
    member = _send(case, "member", coordinator, django_capture_on_commit_callbacks)
    _send(case, "practitioner", coordinator, django_capture_on_commit_callbacks)
    assert Case.objects.get(pk=case.pk).status == Status.DECIDED  # member not mailed yet
    letter_mailed_confirm(letter=member, actor=coordinator)
    assert Case.objects.get(pk=case.pk).status == Status.NOTIFIED
    sent = CaseEvent.objects.filter(case=case, kind__in=["letter_sent", "letter_mailed"])
    assert {e.data["party"] for e in sent} == {"member", "practitioner"}
    assert {e.data["channel"] for e in sent} == {"mail", "email"}


def test_a_letter_that_does_not_match_the_signed_determination_is_refused(
    case, coordinator, django_capture_on_commit_callbacks
):
    # A new template version that hard-codes another outcome and drops the service.
    LetterTemplate.objects.filter(party="member", language="en").update(active=False)
    LetterTemplate.objects.create(
        party="member",
        language="en",
        version=3,
        active=True,
        created_at=timezone.now(),
        body="<p>Decision: APPROVED</p><p>{{ review.qualifications }}</p>",
    )
    with pytest.raises(ValidationError) as refused:
        _send(case, "member", coordinator, django_capture_on_commit_callbacks)
    text = " ".join(refused.value.messages)
    assert "does not state the signed outcome (DENIED)" in text
    assert "it also says APPROVED" in text
    assert "does not name the service" in text
    assert "date the determination was signed" in text
    assert "does not say the 60 days" in text  # the right to appeal to the plan
    assert not Letter.objects.exists()


def test_a_letter_whose_rationale_cites_a_missing_document_is_refused(
    coordinator, cmo, django_capture_on_commit_callbacks
):
    with frozen():
        case = case_at(
            "decided",
            owner=coordinator,
            decider=cmo,
            rationale="The biopsy in Clinical data 2 shows a low-risk lesion; "
            "see [Second opinion].",
        )
    with pytest.raises(ValidationError) as refused:
        _send(case, "member", coordinator, django_capture_on_commit_callbacks)
    text = " ".join(refused.value.messages)
    assert "“Clinical data 2”" in text and "“Second opinion”" in text
    for title in (None, None):
        document_upload(
            case=case,
            kind=DocumentKind.CLINICAL_DATA,
            uploaded_file=upload("c.pdf", pdf_bytes(["biopsy"])),
            actor=coordinator,
            title=title,
        )
    document_upload(
        case=case,
        kind=DocumentKind.OTHER,
        uploaded_file=upload("s.pdf", pdf_bytes(["opinion"])),
        actor=coordinator,
        title="Second opinion",
    )
    assert _send(case, "member", coordinator, django_capture_on_commit_callbacks).pk


def test_the_send_follows_the_determination_previewed(
    case, coordinator, cmo, django_capture_on_commit_callbacks
):
    previewed = determination_current(case)
    with frozen():
        determination_amend(
            determination=previewed,
            actor=cmo,
            outcome="approve",
            rationale="New information supports the treatment.",
            criteria_used="",
            follows_imro=False,
            reason="Additional records received.",
        )
    with pytest.raises(ValidationError, match="changed since your preview"):
        _send(
            case,
            "member",
            coordinator,
            django_capture_on_commit_callbacks,
            determination_id=previewed.pk,
        )


def test_after_an_amendment_the_parties_need_new_letters(
    case, coordinator, cmo, django_capture_on_commit_callbacks
):
    member = _send(case, "member", coordinator, django_capture_on_commit_callbacks)
    letter_mailed_confirm(letter=member, actor=coordinator)
    with frozen():
        amendment = determination_amend(
            determination=determination_current(case),
            actor=cmo,
            outcome="approve",
            rationale="New information supports the treatment.",
            criteria_used="",
            follows_imro=False,
            reason="Additional records received.",
        )
    assert parties_not_notified(case) == ["Member", "Treating practitioner"]
    # The texts were confirmed for the first determination: staff check them again.
    with pytest.raises(ValidationError) as refused:
        _send(case, "member", coordinator, django_capture_on_commit_callbacks)
    assert "changed after the letter texts were confirmed" in " ".join(refused.value.messages)
    with frozen():
        confirm_letter_texts(case)
    again = _send(case, "member", coordinator, django_capture_on_commit_callbacks)
    assert again.determination == amendment


def test_only_case_workers_send_letters(case, quac_member, reviewer):
    for user in (quac_member, reviewer):
        with pytest.raises(PermissionDenied):
            letter_send(case=case, party="member", actor=user)
        response = client_for(user).post(f"/cases/{case.pk}/letters/member/send/")
        assert response.status_code == 403


def test_staff_preview_renders_without_storing(case, coordinator):
    client = client_for(coordinator)
    with frozen():
        response = client.get(f"/cases/{case.pk}/letters/member/preview.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Letter-Problems"] == "0"
    assert response["X-Notice-Type"] == "denial"
    assert not Letter.objects.exists()
    with frozen():
        checks = client.get(f"/api/v1/cases/{case.pk}/letters/member/checks/").json()
    assert checks["problems"] == [] and checks["template_version"] == 2
    assert checks["notice_type"] == "denial" and all(c["ok"] for c in checks["checks"])


def test_the_api_sends_and_marks_mailed(case, coordinator, django_capture_on_commit_callbacks):
    client = client_for(coordinator)
    body = {"party": "member", "determination_id": determination_current(case).pk}
    with frozen(), django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            f"/api/v1/cases/{case.pk}/letters/", body, content_type="application/json"
        )
        assert sent.status_code == 201, sent.content
        url = f"/api/v1/cases/{case.pk}/letters/"
        again = client.post(url, body, content_type="application/json")
        assert again.status_code == 400
        mailed = client.post(f"{url}{sent.json()['id']}/mailed/")
    assert mailed.status_code == 200 and mailed.json()["mailed_by"] == "coordinator"
