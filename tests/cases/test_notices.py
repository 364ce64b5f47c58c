"""Notices a regulator accepts (R-NOT-6…13): each notice type's required elements, read
back from the PDF in English and Spanish; refusals with their reason; the stored PDF is
the previewed one."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Language, Letter
from cases.services import case_resolve, letter_mailed_confirm, letter_send, oral_notice_record
from cases.services.letters import letter_render
from tests.support.cases import (
    REVIEW_RATIONALE,
    case_at,
    confirm_letter_texts,
    frozen,
    later,
)
from tests.support.factories import MemberFactory
from tests.support.files import use_private_storage
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db

APPEAL = [3]  # VI.B.3: the case is an appeal


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    use_private_storage(settings, tmp_path)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _render(coordinator, cmo, party="member", language=None, **options):
    with frozen():
        case = case_at("decided", owner=coordinator, decider=cmo, **options)
        return letter_render(case=case, party=party, language=language)


def _spanish():
    return MemberFactory(language=Language.SPANISH)


# --- the notice type follows the case (R-NOT-7) --------------------------------------------


@pytest.mark.parametrize(
    ("circumstances", "outcome", "recommendation", "modification", "code"),
    [
        (APPEAL, "deny", "uphold", "", "appeal_upheld"),
        (APPEAL, "approve", "overturn", "", "appeal_overturned"),
        (APPEAL, "modify", "modify", "Six sessions.", "appeal_modified"),
        ([2], "deny", "uphold", "", "denial"),
        ([1], "modify", "modify", "Six sessions.", "modification"),
        ([2], "approve", "overturn", "", "approval"),
    ],
)
def test_the_notice_type_follows_origin_and_outcome(
    coordinator, cmo, circumstances, outcome, recommendation, modification, code
):
    rendered = _render(
        coordinator,
        cmo,
        circumstances=circumstances,
        outcome=outcome,
        recommendation=recommendation,
        modification=modification,
        follows_imro=True,
    )
    assert rendered.notice.code == code
    assert rendered.problems == [], rendered.problems


def test_an_appeal_upheld_is_a_notice_of_appeal_resolution_with_state_hearing_rights(
    coordinator, cmo, settings
):
    rendered = _render(coordinator, cmo, circumstances=APPEAL)
    text = _text(rendered.pdf)
    for element in (
        "Notice of Appeal Resolution",
        "State Hearing",
        "within 120 days",
        settings.CDSS_HEARINGS_PHONE,
        settings.CDSS_HEARINGS_WEB,
        "fast hearing",
        "expedited hearing",
        "keep getting it until the hearing",
        "you may have to pay",
        "Department of Managed Health Care",
        settings.DMHC_HELP_CENTER_PHONE,
        "At first, we did not approve",
        "How to ask for a State Hearing",  # the insert, in the same PDF
        "We do not treat people unfairly",
        "Tiếng Việt",
    ):
        assert element in text, element
    assert "within 60 days" not in text


def test_a_denial_that_is_not_an_appeal_gives_the_right_to_appeal_to_the_plan(coordinator, cmo):
    # The default case is an experimental request (VI.B.2): no earlier denial.
    text = _text(_render(coordinator, cmo).pdf)
    for element in ("Your right to appeal", "within 60 days", "fast appeal", "Your rights"):
        assert element in text, element
    assert "Notice of Appeal Resolution" not in text
    assert "first did not approve" not in text and "At first" not in text


def test_dmhc_review_is_offered_only_when_the_licence_brings_it(coordinator, cmo, settings):
    settings.PLAN_DMHC_IMR = False
    rendered = _render(coordinator, cmo)
    assert "Department of Managed Health Care" not in _text(rendered.pdf)
    assert rendered.problems == []


def test_every_member_letter_gives_free_copies_contacts_and_the_analysis(
    coordinator, cmo, settings
):
    text = _text(_render(coordinator, cmo, outcome="approve", recommendation="overturn").pdf)
    for element in (
        "copies of all the papers, records and rules",
        "They are free",
        settings.PLAN_MEMBER_SERVICES_PHONE,
        settings.PLAN_MEMBER_SERVICES_TTY,
        settings.PLAN_MEMBER_SERVICES_HOURS,
        settings.PLAN_MAILING_ADDRESS,
        REVIEW_RATIONALE,
        "the reviewer's report",  # "see Reviewer determination 1" in the member's words
    ):
        assert element in text, element
    assert "Reviewer determination 1" not in text
    assert "Your right to appeal" not in text


def test_an_empty_member_services_phone_prints_the_id_card_and_is_not_sendable(
    coordinator, cmo, settings
):
    settings.PLAN_MEMBER_SERVICES_PHONE = ""
    rendered = _render(coordinator, cmo)
    assert "the number on your member ID card" in _text(rendered.pdf)
    assert any("PLAN_MEMBER_SERVICES_PHONE" in p for p in rendered.problems)


def test_the_spanish_appeal_resolution_is_spanish_throughout(coordinator, cmo, settings):
    rendered = _render(coordinator, cmo, circumstances=APPEAL, member=_spanish())
    text = _text(rendered.pdf)
    for element in (
        "Aviso de resolución de la apelación",
        "Revisión de Servicios",  # the letterhead
        "Audiencia Estatal",
        "dentro de 120 días",
        "audiencia rápida",
        "puede seguir con él hasta la audiencia",
        "tenga que pagar",
        "Copias gratis",
        "cáncer de piel",
        "Radioterapia de la piel guiada por imagen",
        "Las pruebas no muestran",
        "Dermatólogo certificado",
        "Quitar la lesión",
        settings.PLAN_MEMBER_SERVICES_HOURS_ES,
        "No tratamos a nadie de forma injusta",
        "Cómo pedir una Audiencia Estatal",
    ):
        assert element in text, element
    for english in ("Utilization Management", "Our decision", REVIEW_RATIONALE, "June"):
        assert english not in text, english
    assert rendered.problems == [], rendered.problems


def test_a_spanish_letter_is_refused_while_a_spanish_text_is_missing(coordinator, cmo):
    with frozen():
        case = case_at(
            "decided", owner=coordinator, decider=cmo, member=_spanish(), letter_texts=False
        )
        confirm_letter_texts(case, analysis_es="")
        with pytest.raises(ValidationError) as refused:
            letter_send(case=case, party="member", actor=coordinator)
    message = " ".join(refused.value.messages)
    assert "Spanish letter cannot be sent while a Spanish text is missing" in message
    assert "the reviewer's analysis (Spanish)" in message
    assert not Letter.objects.exists()


def test_english_left_in_a_spanish_letter_is_found(coordinator, cmo):
    with frozen():
        case = case_at(
            "decided", owner=coordinator, decider=cmo, member=_spanish(), letter_texts=False
        )
        confirm_letter_texts(
            case, analysis_es="The evidence does not show that this is better for you."
        )
        rendered = letter_render(case=case, party="member")
    check = next(c for c in rendered.checks if c.name.startswith("No English sentence"))
    assert not check.ok and "The evidence does not show" in check.detail


def test_the_analysis_must_be_confirmed_by_staff(coordinator, cmo):
    with frozen():
        case = case_at("decided", owner=coordinator, decider=cmo, letter_texts=False)
        rendered = letter_render(case=case, party="member")
    # The review's rationale is the suggestion printed in the preview, not yet sendable.
    assert REVIEW_RATIONALE in _text(rendered.pdf)
    failing = {c.name for c in rendered.checks if not c.ok}
    assert failing == {"Reviewer's analysis (R-NOT-6)", "Condition in plain words (R-NOT-9)"}


def test_a_letter_above_the_reading_grade_limit_is_refused_with_the_hardest_sentence(
    coordinator, cmo, settings
):
    settings.LETTER_READING_GRADE_LIMIT = 8
    hard = 12 * (
        "Comprehensive multidisciplinary evaluation demonstrated insufficient "
        "evidentiary substantiation regarding comparative therapeutic effectiveness "
        "notwithstanding considerable institutional experience with investigational "
        "radiotherapeutic methodologies administered contemporaneously. "
    )
    with frozen():
        case = case_at("decided", owner=coordinator, decider=cmo, letter_texts=False)
        confirm_letter_texts(case, analysis_en=hard)
        with pytest.raises(ValidationError) as refused:
            letter_send(case=case, party="member", actor=coordinator)
    message = " ".join(refused.value.messages)
    assert "is above the limit of 8" in message
    assert "Comprehensive multidisciplinary evaluation" in message


def test_the_shipped_member_templates_read_at_grade_six_or_below(coordinator, cmo):
    for options in ({}, {"circumstances": APPEAL}, {"member": _spanish()}):
        rendered = _render(coordinator, cmo, **options)
        assert rendered.reading.grade <= 6, (options, rendered.reading)


def test_the_practitioner_letter_is_written_to_the_practitioner(coordinator, cmo, settings):
    rendered = _render(coordinator, cmo, party="practitioner")
    text = _text(rendered.pdf)
    assert "Dear " in text and "your patient" in text
    assert settings.PLAN_PHYSICIAN_DIRECT_PHONE in text
    assert "The reviewer's analysis" in text and REVIEW_RATIONALE in text
    assert rendered.problems == []


def test_a_practitioner_letter_speaking_to_the_member_is_refused(coordinator, cmo):
    with frozen():
        case = case_at(
            "decided",
            owner=coordinator,
            decider=cmo,
            rationale="The treatment will not help your heart condition.",
        )
        rendered = letter_render(case=case, party="practitioner")
    check = next(c for c in rendered.checks if c.name.startswith("Written to the practitioner"))
    assert not check.ok and "your heart" in check.detail


def test_the_stored_pdf_is_the_previewed_pdf_and_keeps_its_checks(
    coordinator, cmo, django_capture_on_commit_callbacks
):
    client = client_for(coordinator)
    with frozen():
        case = case_at("decided", owner=coordinator, decider=cmo, circumstances=APPEAL)
        preview = client.get(f"/cases/{case.pk}/letters/member/preview.pdf")
        with django_capture_on_commit_callbacks(execute=True):
            letter = letter_send(case=case, party="member", actor=coordinator)
        sent = client.get(f"/cases/{case.pk}/letters/{letter.pk}/download/")
    assert preview.status_code == 200 and sent.status_code == 200
    assert preview.content == sent.content
    letter.refresh_from_db()
    assert letter.notice_type == "appeal_upheld"
    assert letter.checks and all(check["ok"] for check in letter.checks)
    assert {i.kind for i in letter.inserts.all()} == {"rights", "nondiscrimination", "taglines"}
    assert letter.reading_grade is not None and letter.reading_grade <= 6


def test_an_expedited_case_is_not_resolved_without_the_oral_notice(coordinator, cmo):
    with frozen():
        case = case_at(
            "decided",
            owner=coordinator,
            decider=cmo,
            review_type="expedited",
            expedited_criterion="imminent_threat",
            expedited_determined_by="treating_physician",
        )
        for party in ("member", "practitioner"):
            letter = letter_send(case=case, party=party, actor=coordinator, channel="mail")
            letter_mailed_confirm(letter=letter, actor=coordinator)
        with pytest.raises(ValidationError) as refused:
            case_resolve(case=case, actor=cmo)
        assert "oral notice to the member recorded first" in " ".join(refused.value.messages)
        with pytest.raises(ValidationError):
            oral_notice_record(
                case=case, actor=coordinator, given_at=later(), given_to="", method="phone"
            )
        oral_notice_record(
            case=case,
            actor=coordinator,
            given_at=timezone.now(),
            given_to="The member",
            method="phone",
        )
        case_resolve(case=case, actor=cmo)
    assert case.oral_notices.get().given_by == coordinator
    assert case.events.filter(kind="oral_notice").exists()


def test_letter_preview_command_writes_the_pdf_and_prints_the_checks(
    coordinator, cmo, tmp_path, capsys
):
    with frozen():
        case = case_at("decided", owner=coordinator, decider=cmo, member=_spanish())
        output = tmp_path / "carta.pdf"
        call_command(
            "letter_preview",
            "--tar-number",
            case.tar_number,
            "--party",
            "member",
            "--language",
            "es",
            "--output",
            str(output),
            "--json",
        )
        expected = letter_render(case=case, party="member").pdf
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"notice_type", "checks", "reading_grade"}
    assert report["notice_type"] == "denial"
    assert all(check["ok"] for check in report["checks"]), [
        c for c in report["checks"] if not c["ok"]
    ]
    assert output.read_bytes() == expected


@pytest.mark.parametrize("appeal", [True, False])
def test_the_shipped_inserts_read_at_grade_six_or_below(appeal, settings):
    from django.template import Context, Template
    from django.utils import translation

    from cases.models import LetterInsert
    from cases.services.notices import plan_contacts, reading_grade

    inserts = LetterInsert.objects.active().exclude(kind="taglines")
    assert inserts.count() == 4
    for insert in inserts:
        context = {
            "plan_name": settings.PLAN_NAME,
            "contacts": plan_contacts(insert.language),
            "reference": "TAR-000123",
            "notice": {"appeal": appeal},
        }
        with translation.override(insert.language):
            html = Template(insert.body).render(Context(context))
        # An insert's title is its first heading; the grade reads from the first <h1>.
        grade = reading_grade(html, insert.language, names=(settings.PLAN_NAME,)).grade
        assert grade <= 6, (insert.kind, insert.language, grade)


def test_staff_confirm_the_letter_texts_on_the_case_page(coordinator, cmo, quac_member):
    with frozen():
        case = case_at("decided", owner=coordinator, decider=cmo, letter_texts=False)
    client = client_for(coordinator)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "not confirmed: suggestions shown" in page
    assert REVIEW_RATIONALE in page  # the written review's rationale as the suggestion
    texts = {"analysis_en": "The tests show no benefit over removing the lesion."}
    refused = client_for(quac_member).post(f"/cases/{case.pk}/letters/texts/", texts)
    assert refused.status_code in (302, 403) and not hasattr(case, "notice_text")
    response = client.post(
        f"/cases/{case.pk}/letters/texts/", {**texts, "condition_en": "skin cancer"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.notice_text.analysis_en == texts["analysis_en"]
    assert case.notice_text.confirmed_by == coordinator
    assert case.events.filter(kind="letter_texts_confirmed").exists()
    with frozen():
        check = client.get(f"/cases/{case.pk}/letters/member/check/").content.decode()
    assert "Notice of decision: denial upheld" in check
    assert "fails" not in check and "Reading grade" in check
    empty = client.post(f"/cases/{case.pk}/letters/texts/", {"analysis_en": " "})
    assert empty.status_code == 302
    case.notice_text.refresh_from_db()
    assert case.notice_text.analysis_en == texts["analysis_en"]  # nothing changed


def test_the_api_confirms_texts_and_records_the_oral_notice(coordinator, cmo):
    with frozen():
        case = case_at(
            "decided",
            owner=coordinator,
            decider=cmo,
            letter_texts=False,
            review_type="expedited",
            expedited_criterion="imminent_threat",
            expedited_determined_by="treating_physician",
        )
        client = client_for(coordinator)
        base = f"/api/v1/cases/{case.pk}"
        saved = client.post(
            f"{base}/letter-texts/",
            {"analysis_en": "No benefit shown.", "condition_en": "skin cancer"},
            content_type="application/json",
        )
        assert saved.status_code == 200, saved.content
        assert saved.json()["analysis_en"] == "No benefit shown."
        refused = client.post(
            f"{base}/oral-notices/",
            {"given_at": later().isoformat(), "given_to": "The member", "method": "phone"},
            content_type="application/json",
        )
        assert refused.status_code == 400 and not case.oral_notices.exists()
        told = client.post(
            f"{base}/oral-notices/",
            {"given_at": timezone.now().isoformat(), "given_to": "The member", "method": "phone"},
            content_type="application/json",
        )
    assert told.status_code == 201, told.content
    assert case.oral_notices.get().method == "phone"


def test_the_spanish_practitioner_letter_passes_its_checks(coordinator, cmo, settings):
    rendered = _render(coordinator, cmo, party="practitioner", language="es")
    text = _text(rendered.pdf)
    assert "Estimado(a)" in text and "El análisis del revisor" in text
    assert "Radioterapia de la piel guiada por imagen" in text
    assert settings.PLAN_PHYSICIAN_DIRECT_PHONE in text
    assert rendered.template.version == 2 and rendered.problems == []


def test_the_case_page_shows_the_checks_stored_with_a_sent_letter(coordinator, cmo):
    with frozen():
        case = case_at("notified", owner=coordinator, decider=cmo)
    page = client_for(coordinator).get(f"/cases/{case.pk}/").content.decode()
    letter = case.letters.get(party="member")
    assert (
        f"Member letter sent as <code>denial</code>, reading grade {letter.reading_grade}" in page
    )
    assert f"{len(letter.checks)} checks passed" in page


def test_staff_record_the_oral_notice_on_the_case_page(coordinator, cmo):
    with frozen():
        case = case_at(
            "decided",
            owner=coordinator,
            decider=cmo,
            review_type="expedited",
            expedited_criterion="imminent_threat",
            expedited_determined_by="treating_physician",
        )
        client = client_for(coordinator)
        url = f"/cases/{case.pk}/letters/oral-notice/"
        assert "Not recorded yet" in client.get(f"/cases/{case.pk}/").content.decode()
        for bad in ("", "2026-13-45T10:00", "yesterday"):
            response = client.post(url, {"given_at": bad, "given_to": "The member"})
            assert response.status_code == 302
        assert not case.oral_notices.exists()
        client.post(
            url, {"given_at": "2026-06-05T09:30", "given_to": "The member", "method": "phone"}
        )
    notice = case.oral_notices.get()
    assert (notice.given_by, notice.method, notice.given_to) == (coordinator, "phone", "The member")
    assert timezone.localtime(notice.given_at).strftime("%H:%M") == "09:30"
