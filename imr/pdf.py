"""The one seam every PDF of the product is rendered through (R-SEC-1).

WeasyPrint's default URL fetcher opens whatever a document names: `file:///proc/self/
environ` as a PDF attachment, `http://…` as an image, a stylesheet or a font. Letter
templates are edited by staff and case text reaches every template, so no document may
fetch anything but what this module hands it:

- the project's own static files (`{% static %}` paths, resolved against `STATIC_ORIGIN`),
  read from disk through the staticfiles finders or storage, never over the network;
- `data:` URIs, which carry their bytes with them;
- images the calling code puts in memory itself (`images`, keyed by their exact URL).

Everything else (`file:`, `http(s):`, any other scheme, a static path that leaves the
static tree) is refused, and attachments are never written, whatever their URL. A refusal
is logged with the scheme only: a URL can be built from case text.
"""

import base64
import logging
import mimetypes
import re
from collections.abc import Mapping
from email.message import EmailMessage
from pathlib import PurePosixPath
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# The base URL of every document: `{% static 'css/x.css' %}` resolves under it. The
# `.invalid` top-level domain never resolves (RFC 2606), and the fetcher never opens it.
STATIC_ORIGIN = "https://pdf.imr-desk.invalid/"

ImageSources = Mapping[str, tuple[bytes, str]]


class PdfFetchRefused(ValueError):
    """A document asked for a resource the seam does not serve (WeasyPrint skips it)."""


class ProjectFetcher(URLFetcher):
    """Serves static files, `data:` URIs and the caller's in-memory images; refuses the rest.

    After layout the fetcher is closed: the only fetches WeasyPrint makes while writing
    the PDF are attachments, and a PDF of this product never carries one.
    """

    def __init__(self, images: ImageSources | None = None) -> None:
        # A refused resource is left out and the rest renders (fail_on_errors would stop the
        # whole letter on a stray <img> in a template).
        super().__init__(allowed_protocols=(), fail_on_errors=False)
        self._images = dict(images or {})
        self.closed = False
        self.refused = 0

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if self.closed:
            return self._refuse("attachment", scheme)
        if url in self._images:
            data, content_type = self._images[url]
            return _response(url, data, content_type)
        if scheme == "data":
            return self._data(url)
        if url.startswith(STATIC_ORIGIN):
            return self._static(url)
        return self._refuse("scheme", scheme)

    def _data(self, url: str) -> URLFetcherResponse:
        header, _, payload = url[len("data:") :].partition(",")
        parts = header.split(";")
        content_type = parts[0] or "text/plain"
        if "base64" in parts[1:]:
            data = base64.b64decode(unquote(payload))
        else:
            data = unquote_to_bytes(payload)
        return _response(url, data, content_type)

    def _static(self, url: str) -> URLFetcherResponse:
        path = unquote(urlsplit(url).path)
        prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        relative = PurePosixPath(path.removeprefix(prefix))
        if not path.startswith(prefix) or ".." in relative.parts or relative.is_absolute():
            return self._refuse("static path", "https")
        found = finders.find(str(relative))
        if not found and staticfiles_storage.exists(str(relative)):
            found = staticfiles_storage.path(str(relative))
        if not found:
            return self._refuse("missing static file", "https")
        with open(found, "rb") as handle:
            data = handle.read()
        content_type = mimetypes.guess_type(str(relative))[0] or "application/octet-stream"
        return _response(url, data, content_type)

    def _refuse(self, reason: str, scheme: str) -> URLFetcherResponse:
        self.refused += 1
        # The scheme and the reason only: a URL can carry case text (R-SEC-1).
        logger.warning("PDF rendering refused a fetch (%s, scheme %r).", reason, scheme[:16])
        raise PdfFetchRefused("This document may not fetch that resource.")


def _response(url: str, data: bytes, content_type: str) -> URLFetcherResponse:
    message = EmailMessage()
    message["Content-Type"] = content_type
    return URLFetcherResponse(url, data, message)


def pdf_document(html: str, *, images: ImageSources | None = None) -> Document:
    """Lay out `html` through the project fetcher: a document whose pages a caller can
    inspect (the packet reads where each part starts) before `pdf_write`."""
    fetcher = ProjectFetcher(images)
    document = HTML(string=html, base_url=STATIC_ORIGIN, url_fetcher=fetcher).render()
    fetcher.closed = True
    # <link rel="attachment"> and <a rel="attachment"> would embed what they point at.
    if document.metadata.attachments:
        logger.warning(
            "PDF rendering dropped %d document attachment(s).", len(document.metadata.attachments)
        )
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    return document


def pdf_write(document: Document) -> bytes:
    """The PDF bytes of a document laid out by `pdf_document`."""
    return document.write_pdf()


def pdf_render(html: str, *, images: ImageSources | None = None) -> bytes:
    """Render `html` to PDF bytes through the project fetcher (R-SEC-1)."""
    return pdf_write(pdf_document(html, images=images))


class _NoUrlsInWeasyPrintLog(logging.Filter):
    """WeasyPrint names the URL it failed to load in its own messages; a URL can carry
    case text, so every argument of its records is withheld (the message stays)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = _PLACEHOLDER.sub("[withheld]", str(record.msg))
            record.args = ()
        return True


_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[a-zA-Z%]")
logging.getLogger("weasyprint").addFilter(_NoUrlsInWeasyPrintLog())
