"""Active content taken out of uploaded PDFs before they go into the packet (R-SEC-4).

An uploaded PDF is stored and downloaded by staff exactly as it came; the copy of its
pages in the reviewer's packet loses what could act on the reviewer's machine:
document JavaScript (/Names /JavaScript), the open action, additional actions (/AA) of
the document, its pages and annotations, link annotations that open a URI, launch a
program, run JavaScript, submit or import form data or go to another file, and
embedded files (the /EmbeddedFiles name tree, FileAttachment annotations).

`pdf_active_content` lists what a PDF holds (recorded on the document at upload);
`page_sanitize` strips one page as the packet copies it. The catalog's open action,
JavaScript and embedded files never reach the packet, because the packet copies pages,
not catalogs; they are listed so the record says what the reviewer will not get.
"""

from collections import Counter
from collections.abc import Iterable

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, PdfObject

# Actions that reach outside the page: a program, a network address, a script, a form
# post, another file.
DANGEROUS_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/URI",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/Rendition",
    }
)
_ACTION_LABELS = {
    "/JavaScript": "JavaScript action",
    "/Launch": "launch action",
    "/URI": "URI link",
    "/SubmitForm": "form-submit action",
    "/ImportData": "import-data action",
    "/GoToR": "link to another file",
    "/GoToE": "link to an embedded file",
    "/Rendition": "media action",
}


def pdf_active_content(reader: PdfReader) -> list[str]:
    """What the packet removes from this PDF, in words ("JavaScript open action",
    "2 URI links"); empty when there is nothing. Tolerates the broken structure of a
    repaired PDF (a missing catalog, dangling references): what is not there is not found."""
    found: Counter[str] = Counter()
    catalog = _dict(reader.trailer.get("/Root")) or DictionaryObject()
    if "/OpenAction" in catalog:
        kinds = _action_kinds(catalog.get("/OpenAction"))
        found["JavaScript open action" if "/JavaScript" in kinds else "open action"] += 1
    if "/AA" in catalog:
        found["document additional actions"] += 1
    names = _dict(catalog.get("/Names")) or DictionaryObject()
    if "/JavaScript" in names:
        found["document JavaScript"] += 1
    if "/EmbeddedFiles" in names:
        found["embedded files"] += 1
    for page in reader.pages:
        for label in _page_findings(page):
            found[label] += 1
    return [label if count == 1 else f"{count} {_plural(label)}" for label, count in found.items()]


def _dict(value: PdfObject | None) -> DictionaryObject | None:
    """The dictionary a value is or refers to; None for anything else or a dangling one."""
    resolved = value.get_object() if value is not None else None
    return resolved if isinstance(resolved, DictionaryObject) else None


def _annotations(page: DictionaryObject) -> list[tuple[PdfObject, DictionaryObject | None]]:
    annots = page.get("/Annots")
    annots = annots.get_object() if annots is not None else None
    if not isinstance(annots, ArrayObject):
        return []
    return [(reference, _dict(reference)) for reference in annots]


def page_sanitize(page: DictionaryObject) -> None:
    """Strip a page (already copied into the packet's writer) of its active content."""
    if "/AA" in page:
        del page[NameObject("/AA")]
    if "/Annots" not in page:
        return
    kept = ArrayObject()
    for reference, annotation in _annotations(page):
        if annotation is None or _annotation_is_active(annotation):
            continue
        if "/AA" in annotation:
            del annotation[NameObject("/AA")]
        kept.append(reference)
    if kept:
        page[NameObject("/Annots")] = kept
    else:
        del page[NameObject("/Annots")]


def _page_findings(page: DictionaryObject) -> Iterable[str]:
    if "/AA" in page:
        yield "page additional actions"
    for _, annotation in _annotations(page):
        if annotation is None:
            continue
        if annotation.get("/Subtype") == "/FileAttachment":
            yield "file attachment"
            continue
        for kind in sorted(_action_kinds(annotation.get("/A"))):
            yield _ACTION_LABELS[kind]
        if "/AA" in annotation:
            yield "annotation additional actions"


def _annotation_is_active(annotation: DictionaryObject) -> bool:
    if annotation.get("/Subtype") == "/FileAttachment":
        return True
    return bool(_action_kinds(annotation.get("/A")))


def _action_kinds(action: PdfObject | None, depth: int = 0) -> set[str]:
    """The dangerous action types of an action and the actions chained after it (/Next)."""
    if action is None or depth > 16:
        return set()
    action = action.get_object()
    if isinstance(action, ArrayObject):
        return set().union(*(_action_kinds(a, depth + 1) for a in action)) if action else set()
    if not isinstance(action, DictionaryObject):
        return set()
    kinds = {str(action.get("/S"))} & DANGEROUS_ACTIONS
    return kinds | _action_kinds(action.get("/Next"), depth + 1)


def _plural(label: str) -> str:
    if label.endswith("actions") or label.endswith("files"):
        return label
    return label + "s"
