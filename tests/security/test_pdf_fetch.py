"""Every PDF kind renders through imr/pdf.py and fetches nothing (R-SEC-1, issue 16 2-3).

Each test renders one kind of PDF with a hostile letter template (published through the
letter-template service, as an Administrator would) and hostile case text (the TAR
number and free text carry a CSS payload), while a socket on 127.0.0.1 listens for the
fetch an unsafe renderer would make. A canary file stands in for server files: its
contents, and the process environment, must never reach the PDF.
"""

import io
import json
import os
import re
import socket
import threading
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader
from weasyprint import HTML

import cases.packet
import imr.pdf
from cases.models import Case, LetterTemplate
from cases.packet import packet_render
from cases.services.closure import case_resolve, tar_bundle_build, tar_summary_render
from cases.services.letter_templates import letter_template_publish
from cases.services.letters import letter_mailed_confirm, letter_render, letter_send
from imr.errors import Refused
from imr.pdf import pdf_render
from reports.exports import report_pdf
from reports.params import ReportParams
from reports.selectors import quac_report
from tests.support.cases import case_at, frozen
from tests.support.files import use_private_storage
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db

CANARY = "CANARY-7f3a-server-file"


class Listener:
    """A TCP socket on an ephemeral port that counts every connection made to it."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    path = tmp_path / "server-secret.txt"
    path.write_text(f"{CANARY}\n")
    return path


@pytest.fixture(autouse=True)
def _no_case_text_in_style_sheets(monkeypatch):
    """Every document through the seam keeps the case payload out of its <style> blocks,
    whatever the fetcher would do with it (finding 3)."""
    seen: list[str] = []
    real = imr.pdf.pdf_document

    def spy(html: str, **kwargs):
        seen.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(imr.pdf, "pdf_document", spy)
    monkeypatch.setattr(cases.packet, "pdf_document", spy)
    yield
    for html in seen:
        for style in re.findall(r"<style\b.*?</style>", html, flags=re.DOTALL | re.IGNORECASE):
            assert "http://0:" not in style


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    use_private_storage(settings, tmp_path)
    settings.TAR_BUNDLE_DIR = str(tmp_path / "tar-bundles")


def css_payload(listener: Listener) -> str:
    """The reported TAR number, in the field's 30 characters: the line break ends the CSS
    string, and the rest is a declaration of its own that fetches ("0" is this host)."""
    return f"\n;content:url(http://0:{listener.port});"


def hostile_markup(listener: Listener, canary: Path) -> str:
    return (
        f'<link rel="attachment" href="file:///proc/self/environ">'
        f'<link rel="attachment" href="file://{canary}">'
        f'<link rel="stylesheet" href="{listener.url("sheet.css")}">'
        f'<style>@import url("{listener.url("import.css")}");'
        f'.hostile {{ background: url("{listener.url("background")}"); }}</style>'
        f'<p class="hostile"><a rel="attachment" href="file://{canary}">notes</a></p>'
        f'<img src="{listener.url("pixel.png")}" alt="">'
        f'<img src="file://{canary}" alt="">'
        f'<iframe src="{listener.url("frame")}"></iframe>'
    )


def publish_hostile_templates(administrator, listener: Listener, canary: Path) -> None:
    for party in ("member", "practitioner"):
        active = LetterTemplate.objects.get(party=party, language="en", active=True)
        letter_template_publish(
            party=party,
            language="en",
            body=hostile_markup(listener, canary) + active.body,
            change_note="Hostile test template",
            actor=administrator,
        )


def assert_clean(pdf: bytes, listener: Listener) -> None:
    """Nothing was fetched, nothing is attached, no server file or environment shows."""
    assert listener.connections == 0
    reader = PdfReader(io.BytesIO(pdf))
    names = reader.trailer["/Root"].get("/Names")
    assert names is None or "/EmbeddedFiles" not in names.get_object()
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            assert annotation.get_object().get("/Subtype") != "/FileAttachment"
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert CANARY not in text
    assert CANARY.encode() not in pdf
    for key in ("PATH", "HOME", "DATABASE_URL"):
        value = os.environ.get(key)
        if value and len(value) > 6:
            assert value not in text


@pytest.fixture
def hostile_case(coordinator, cmo, administrator, listener, canary) -> Case:
    with frozen():
        publish_hostile_templates(administrator, listener, canary)
        payload = css_payload(listener)
        return case_at(
            "decided",
            owner=coordinator,
            decider=cmo,
            review_type="retrospective",
            tar_number=payload,
            relevant_information=payload,
            questions=[f"Is it indicated?{payload}</style><img src='{listener.url('q')}'>"],
            clinical_data=f"</style><style>*{{background:url({listener.url('text')})}}</style>",
        )


def test_the_unsafe_default_would_be_seen_by_the_listener(listener, canary):
    # The control: WeasyPrint's own fetcher does connect, so a zero below means something.
    HTML(string=f'<img src="{listener.url("pixel.png")}">').write_pdf()
    assert listener.connections >= 1


@pytest.mark.parametrize("party", ["member", "practitioner"])
def test_a_letter_fetches_nothing_whatever_the_template_and_case_say(hostile_case, party, listener):
    with frozen():
        rendered = letter_render(case=hostile_case, party=party)
    assert_clean(rendered.pdf, listener)
    # The reference still prints, as text of the page, not of a style sheet.
    assert "content:url" in " ".join(_text(rendered.pdf).split())


def test_the_letter_preview_page_fetches_nothing(hostile_case, coordinator, listener):
    with frozen():
        response = client_for(coordinator).get(
            reverse("cases_decision:letter_preview", args=[hostile_case.pk, "member"])
        )
    assert response.status_code == 200
    assert_clean(response.content, listener)


def test_sending_and_the_tar_bundle_fetch_nothing(
    hostile_case, coordinator, cmo, listener, django_capture_on_commit_callbacks
):
    with frozen(), django_capture_on_commit_callbacks(execute=True):
        member = letter_send(case=hostile_case, party="member", actor=coordinator)
        letter_send(case=hostile_case, party="practitioner", actor=coordinator)
        letter_mailed_confirm(letter=member, actor=coordinator)
        case_resolve(case=hostile_case, actor=cmo)
        bundle = tar_bundle_build(case=hostile_case, actor=coordinator)
    with zipfile.ZipFile(bundle.handed_off_to) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        pdfs = [archive.read(row["name"]) for row in manifest if row["name"].endswith(".pdf")]
        names = [row["name"] for row in manifest]
    assert "summary.pdf" in names and sum(n.startswith("letters/") for n in names) == 2
    for pdf in pdfs:
        assert_clean(pdf, listener)


def test_the_tar_summary_fetches_nothing(hostile_case, listener):
    assert_clean(tar_summary_render(case=hostile_case), listener)


def test_the_packet_fetches_nothing(hostile_case, listener):
    pdf = packet_render(case=hostile_case)
    assert_clean(pdf, listener)


def test_the_quac_report_pdf_fetches_nothing(listener):
    params = ReportParams(
        date_from=date(2026, 1, 1), date_to=date(2026, 6, 30), specialty=f"x{listener.url('s')}"
    )
    assert_clean(report_pdf(quac_report(params)), listener)


def test_the_seam_serves_project_static_files_and_data_uris(listener, caplog):
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
        "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    html = (
        '<link rel="stylesheet" href="/static/css/imr.css">'
        f'<img src="{pixel}" style="width:10px"><p>ok</p>'
    )
    with caplog.at_level("WARNING"):
        reader = PdfReader(io.BytesIO(pdf_render(html)))
    assert "refused" not in caplog.text  # the stylesheet was served from disk
    resources = reader.pages[0]["/Resources"]
    assert "/XObject" in resources  # the data: image is placed
    assert listener.connections == 0


def test_a_template_that_puts_case_text_in_css_is_refused(administrator):
    for body in (
        "<style>@page { @bottom-left { content: '{{ reference }}' } }</style>",
        '<p style="color: {{ member_name }}">x</p>',
    ):
        with pytest.raises(Refused, match="style"):
            letter_template_publish(
                party="member", language="en", body=body, change_note="x", actor=administrator
            )


def test_only_the_seam_imports_weasyprint():
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for package in ("cases", "reviewers", "timelines", "notifications", "reports", "imr")
        for path in (root / package).rglob("*.py")
        if "weasyprint" in path.read_text() and path.relative_to(root) != Path("imr/pdf.py")
    ]
    assert offenders == [] or offenders == ["imr/settings/base.py"]


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_refused_fetch_is_logged_without_its_url(listener, caplog):
    html = f'<img src="{listener.url("Quixotefake-99887766Z")}"><img src="file:///etc/Zebulon">'
    with caplog.at_level("WARNING"):
        pdf_render(html)
    assert "PDF rendering refused a fetch" in caplog.text
    for secret in ("Quixotefake", "99887766Z", "Zebulon", str(listener.port)):
        assert secret not in caplog.text
    assert listener.connections == 0


@pytest.mark.parametrize(
    "href",
    [
        "/static/css/missing.css",
        "/static/../imr/settings/base.py",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "https://pdf.imr-desk.invalid/media/x.css",
    ],
)
def test_only_files_inside_the_static_tree_are_served(href, caplog):
    with caplog.at_level("WARNING"):
        pdf_render(f'<link rel="stylesheet" href="{href}"><p>x</p>')
    assert "PDF rendering refused a fetch" in caplog.text
