"""Every case event names who acted, a person or a named non-person actor, and every list
of events renders it (issue 18): the case page, the reviewer panel's timeline, the staff
reviewer page, the TAR bundle summary and the reviewer portal's case page."""

import ast
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from cases.events import NonPersonActor, case_event_add
from cases.models import CaseEvent
from cases.services.closure import tar_summary_render
from reviewers.events import ReviewerEvent
from tests.reviewers.conftest import make_case, submitted
from tests.support.personas import client_for

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("cases", "reviewers", "timelines", "notifications", "imr", "reports")


def _calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "case_event_add":
                    calls.append((f"{path.relative_to(ROOT)}:{node.lineno}", node))
    return calls


# The one call whose kind is a variable: cases/services/documents.py _event_add.
DOCUMENT_KINDS = {"document_uploaded", "document_superseded"}


def _kinds(node: ast.Call) -> set[str]:
    (kind,) = [k.value for k in node.keywords if k.arg == "kind"]
    if isinstance(kind, ast.Constant):
        return {kind.value}
    if isinstance(kind, ast.Name):
        source = (ROOT / "cases/services/documents.py").read_text()
        assert all(f'"{name}"' in source for name in DOCUMENT_KINDS)
        return DOCUMENT_KINDS
    assert isinstance(kind, ast.Attribute) and getattr(kind.value, "id", "") == "ReviewerEvent"
    return {ReviewerEvent[kind.attr].value}


def event_kinds() -> list[str]:
    """Every kind the product writes, read from its case_event_add calls."""
    kinds = {e.value for e in ReviewerEvent}
    for _, node in _calls():
        kinds |= _kinds(node)
    return sorted(kinds)


def test_every_call_site_names_a_person_or_a_non_person_actor():
    calls = _calls()
    assert len(calls) > 20
    for where, node in calls:
        names = {k.arg for k in node.keywords}
        assert "actor" in names or "actor_name" in names, where
        for keyword in node.keywords:
            if keyword.arg == "actor":
                assert not (isinstance(keyword.value, ast.Constant) and keyword.value.value is None)


@pytest.mark.django_db
def test_an_event_without_a_person_or_a_name_is_refused(coordinator):
    case = make_case(owner=coordinator)
    with pytest.raises(ValueError, match="non-person actor"):
        case_event_add(case=case, kind="case_edited", summary="x")
    assert not CaseEvent.objects.filter(case=case, kind="case_edited").exists()


@pytest.fixture
def case_with_every_event(coordinator, specialist_a):
    case = submitted(make_case(owner=coordinator), specialist_a, coordinator)
    kinds = event_kinds()
    assert {"letter_downloaded", "status_changed", "clock_extended", "case_closed"} <= set(kinds)
    for number, kind in enumerate(kinds):
        non_person = list(NonPersonActor)[number % len(NonPersonActor)]
        case_event_add(case=case, kind=kind, summary=f"{kind} by a person.", actor=coordinator)
        case_event_add(case=case, kind=kind, summary=f"{kind} by no person.", actor_name=non_person)
    return case, kinds


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.django_db
def test_every_event_list_shows_who_acted(case_with_every_event, coordinator, reviewer):
    case, kinds = case_with_every_event
    staff = client_for(coordinator)
    response = staff.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    page = _text(response.content.decode())
    for kind in kinds:
        assert f"Casey Coordinator {kind} by a person." in page, kind
    for name in NonPersonActor:
        assert f"{name} " in page.replace("&#x27;", "'"), name

    # The reviewer panel's timeline (on the case page and the staff reviewer page).
    for url in (f"/cases/{case.pk}/", f"/portal/staff/cases/{case.pk}/"):
        response = staff.get(url)
        assert response.status_code == 200
        html = response.content.decode().replace("&#x27;", "'")
        for kind in ReviewerEvent:
            if kind == ReviewerEvent.CONTACT_LOGGED:
                continue
            row = re.search(rf'<tr data-kind="{kind.value}">((?!</tr>).)*by no person', html, re.S)
            assert row is not None, (url, kind)
            assert any(str(name) in row.group(0) for name in NonPersonActor), (url, kind)

    # The TAR bundle's summary PDF lists every event with its actor.
    pdf = PdfReader(io.BytesIO(tar_summary_render(case=case)))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    for name in NonPersonActor:
        assert str(name) in text, name
    assert text.count("Casey Coordinator") >= len(kinds)

    # The reviewer portal's case page renders with the case's full log behind it.
    portal = client_for(reviewer).get(f"/portal/cases/{case.pk}/")
    assert portal.status_code == 200
    assert "Casey Coordinator" not in portal.content.decode()  # staff names stay inside
