"""What an uploaded file really is, judged by its bytes (R-FILE-4).

The file name and the browser's Content-Type are never trusted: an HTML page renamed
"labs.pdf" must not be stored, served or merged into a packet as a PDF. Each accepted
type is recognised by its signature (the `filetype` package, or the container's own
structure) and then opened the way a reader would open it, within limits that stop
decompression bombs. Anything else is refused with a message a coordinator can act on.

Accepted: PDF, PNG, JPEG, TIFF, GIF, plain text (UTF-8), Word (.docx, .doc) and Excel
(.xlsx, .xls). Refused on purpose: PowerPoint, macro-enabled Office files, password-
protected files, HTML/SVG/XML, archives and executables.
"""

import io
import re
import struct
import threading
import warnings
import zipfile
from dataclasses import dataclass
from html import unescape

import filetype
from django.core.exceptions import ValidationError
from PIL import Image, ImageFile, UnidentifiedImageError
from pypdf import PdfReader

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
GIF = "image/gif"
TEXT = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"

# content type -> (label shown to people, file extension for downloads)
ACCEPTED_TYPES: dict[str, tuple[str, str]] = {
    PDF: ("PDF", "pdf"),
    PNG: ("PNG image", "png"),
    JPEG: ("JPEG image", "jpg"),
    TIFF: ("TIFF image", "tif"),
    GIF: ("GIF image", "gif"),
    TEXT: ("plain text", "txt"),
    DOCX: ("Word document", "docx"),
    XLSX: ("Excel workbook", "xlsx"),
    DOC: ("Word 97–2003 document", "doc"),
    XLS: ("Excel 97–2003 workbook", "xls"),
}
IMAGE_TYPES = frozenset({PNG, JPEG, TIFF, GIF})
OFFICE_TYPES = frozenset({DOCX, XLSX, DOC, XLS})
ACCEPTED_DESCRIPTION = (
    "PDF, PNG, JPEG, TIFF, GIF, plain text, Word (.docx, .doc) or Excel (.xlsx, .xls)"
)

# A 600 dpi letter-size scan is 34 megapixels; anything far beyond is a bomb, not a scan.
IMAGE_MAX_PIXELS = 60_000_000
IMAGE_MAX_FRAMES = 300
# Plain text is rendered page by page into the packet; a megabyte is ~400 pages.
TEXT_MAX_BYTES = 1024 * 1024
# Office files are zip archives: bound what they expand to, not only their size.
OFFICE_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
OFFICE_MAX_RATIO = 100
OFFICE_MAX_ENTRIES = 5_000
# Extracted text only feeds the PHI scan; beyond this the scan sees the first part.
EXTRACTED_TEXT_MAX_CHARS = 2_000_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_PIL_FORMATS = {PNG: "PNG", JPEG: "JPEG", TIFF: "TIFF", GIF: "GIF"}
# WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import, which would let a
# truncated scan through; the check turns it off while it decodes, one check at a time.
_STRICT_DECODING = threading.Lock()
# Tag names right after "<", as a browser would parse them; "BP < 120" is not markup.
_MARKUP = re.compile(
    rb"<(?:!doctype|html|head|body|script|iframe|frame|object|embed|svg|meta|link|style"
    rb"|form|img|a\s+href|\?xml)\b",
    re.IGNORECASE,
)
_OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}


@dataclass(frozen=True)
class CheckedContent:
    content_type: str
    page_count: int | None
    extracted_text: str

    @property
    def label(self) -> str:
        return ACCEPTED_TYPES[self.content_type][0]

    @property
    def extension(self) -> str:
        return ACCEPTED_TYPES[self.content_type][1]


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def document_content_check(data: bytes) -> CheckedContent:
    """The real type of the bytes, with page count and text, or a ValidationError."""
    if not data:
        raise _refuse("The file is empty.", "empty")
    if data.startswith(_ZIP_MAGIC):
        return _check_office_zip(data)
    if data.startswith(_OLE_MAGIC):
        return _check_office_ole(data)
    guess = filetype.guess(data[:8192])
    if guess is not None and guess.mime == PDF:
        return _check_pdf(data)
    if guess is not None and guess.mime in IMAGE_TYPES:
        return _check_image(data, guess.mime)
    if guess is not None:
        raise _refuse(
            f"This file's type ({guess.extension.upper()}) cannot be attached. "
            f"Accepted: {ACCEPTED_DESCRIPTION}.",
            "unsupported_type",
        )
    return _check_text(data)


def _check_pdf(data: bytes) -> CheckedContent:
    broken = _refuse(
        "This PDF is damaged and cannot be opened. Save or scan it again and upload the new copy.",
        "pdf_broken",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise _refuse(
                    "This PDF is password-protected or encrypted. Upload an unprotected copy.",
                    "pdf_encrypted",
                )
            pages = reader.pages
            page_count = len(pages)
            texts: list[str] = []
            length = 0
            for page in pages:
                # Touching the page box forces each page object to parse.
                _ = page.mediabox.width
                if length < EXTRACTED_TEXT_MAX_CHARS:
                    text = _page_text(page)
                    texts.append(text)
                    length += len(text)
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many types on hostile input
        raise broken from exc
    if page_count == 0:
        raise broken
    return CheckedContent(PDF, page_count, "\n".join(texts)[:EXTRACTED_TEXT_MAX_CHARS])


def _page_text(page) -> str:
    # Text extraction is best effort: a page whose text cannot be read still displays.
    try:
        return page.extract_text() or ""
    except Exception:
        return ""


def _check_image(data: bytes, mime: str) -> CheckedContent:
    fmt = _PIL_FORMATS[mime]
    broken = _refuse("This image is damaged or incomplete and cannot be opened.", "image_broken")
    try:
        with _STRICT_DECODING, warnings.catch_warnings():
            tolerant = ImageFile.LOAD_TRUNCATED_IMAGES
            ImageFile.LOAD_TRUNCATED_IMAGES = False
            try:
                frames = _decode_all_frames(data, fmt)
            finally:
                ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _refuse(
            "This image is too large to open safely. Scan it at 300 dpi or less.",
            "image_too_large",
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise broken from exc
    # An image has no text: the PHI scan reports it as not checkable.
    page_count = frames if mime == TIFF else 1  # a GIF shows its first frame
    return CheckedContent(mime, page_count, "")


def _decode_all_frames(data: bytes, fmt: str) -> int:
    """Open and fully decode every frame, refusing bombs before decoding; the frame count."""
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    with Image.open(io.BytesIO(data), formats=[fmt]) as image:
        frames = getattr(image, "n_frames", 1)
        if frames > IMAGE_MAX_FRAMES:
            raise _refuse(
                f"This image has {frames} pages; the limit is {IMAGE_MAX_FRAMES}. "
                "Split it or upload it as a PDF.",
                "image_too_many_frames",
            )
        for frame in range(frames):
            image.seek(frame)
            if image.width * image.height > IMAGE_MAX_PIXELS:
                raise _refuse(
                    f"This image is too large ({image.width}×{image.height} pixels). "
                    "Scan it at 300 dpi or less.",
                    "image_too_large",
                )
            image.load()
    return frames


def _check_text(data: bytes) -> CheckedContent:
    if len(data) > TEXT_MAX_BYTES:
        raise _refuse(
            f"Plain-text files are limited to {TEXT_MAX_BYTES // 1024} KB. "
            "Save a longer text as a PDF.",
            "text_too_large",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse(
            f"This file type is not recognised. Accepted: {ACCEPTED_DESCRIPTION}. "
            "(Plain text must be UTF-8.)",
            "unsupported_type",
        ) from exc
    if any(ord(c) < 32 and c not in "\t\n\r\f" for c in text):
        raise _refuse(
            f"This file is not plain text. Accepted: {ACCEPTED_DESCRIPTION}.",
            "unsupported_type",
        )
    if _MARKUP.search(data):
        raise _refuse(
            "This file contains web page (HTML) or XML markup, which cannot be attached. "
            "Print it to PDF and upload the PDF.",
            "markup",
        )
    return CheckedContent(TEXT, None, text[:EXTRACTED_TEXT_MAX_CHARS])


def _check_office_zip(data: bytes) -> CheckedContent:
    broken = _refuse(
        "This Office file is damaged and cannot be opened. Save it again and upload the new copy.",
        "office_broken",
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise broken from exc
    with archive:
        if len(entries) > OFFICE_MAX_ENTRIES:
            raise _refuse("This Office file has too many parts to be safe.", "office_bomb")
        names = {entry.filename for entry in entries}
        if "[Content_Types].xml" not in names:
            raise _refuse(
                f"This is a zip archive, not a Word or Excel file. Accepted: "
                f"{ACCEPTED_DESCRIPTION}.",
                "unsupported_type",
            )
        for entry in entries:
            if entry.filename.startswith(("/", "\\")) or ".." in entry.filename.split("/"):
                raise broken
            if entry.flag_bits & 0x1:
                raise _refuse(
                    "This Office file is password-protected. Upload an unprotected copy.",
                    "office_encrypted",
                )
        declared = sum(entry.file_size for entry in entries)
        compressed = sum(entry.compress_size for entry in entries) or 1
        if declared > OFFICE_MAX_UNCOMPRESSED_BYTES or declared / compressed > OFFICE_MAX_RATIO:
            raise _refuse(_bomb_message(), "office_bomb")
        # The declared sizes can lie: read every part, counting what really comes out.
        # This also checks each part's CRC, so a truncated or altered file is refused.
        parts: dict[str, bytes] = {}
        wanted = {"[Content_Types].xml", "word/document.xml", "xl/sharedStrings.xml"}
        total = 0
        try:
            for entry in entries:
                chunks: list[bytes] = []
                with archive.open(entry) as stream:
                    while chunk := stream.read(1024 * 1024):
                        total += len(chunk)
                        if total > OFFICE_MAX_UNCOMPRESSED_BYTES:
                            raise _refuse(_bomb_message(), "office_bomb")
                        if entry.filename in wanted:
                            chunks.append(chunk)
                if entry.filename in wanted:
                    parts[entry.filename] = b"".join(chunks)
        except ValidationError:
            raise
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise broken from exc
    content_types = parts["[Content_Types].xml"].decode("utf-8", errors="replace")
    found = {mime for part, mime in _OOXML_MAIN_PARTS.items() if part in content_types}
    if "macroEnabled" in content_types or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _refuse(
            "This Office file contains macros, which cannot be attached. Save it as a "
            "regular .docx or .xlsx (or as PDF) and upload that.",
            "office_macros",
        )
    if len(found) != 1:
        raise _refuse(
            f"This Office file type cannot be attached. Accepted: {ACCEPTED_DESCRIPTION}.",
            "unsupported_type",
        )
    (mime,) = found
    if mime == DOCX:
        text = _xml_text(parts.get("word/document.xml", b""), rb"<w:t(?:\s[^>]*)?>([^<]*)</w:t>")
    else:
        text = _xml_text(parts.get("xl/sharedStrings.xml", b""), rb"<t(?:\s[^>]*)?>([^<]*)</t>")
    return CheckedContent(mime, None, text[:EXTRACTED_TEXT_MAX_CHARS])


def _bomb_message() -> str:
    return (
        "This Office file expands to far more data than a document holds (a 'zip bomb') "
        "and was refused. Save it again, or as PDF, and upload that."
    )


def _xml_text(xml: bytes, run: bytes) -> str:
    """Text of Word runs or Excel strings, found without an XML parser (no entity tricks)."""
    paragraphs = re.split(rb"</w:p>|</si>", xml)
    lines = (b" ".join(re.findall(run, paragraph)) for paragraph in paragraphs)
    return "\n".join(unescape(line.decode("utf-8", errors="replace")) for line in lines if line)


def _check_office_ole(data: bytes) -> CheckedContent:
    try:
        streams = _ole_stream_names(data)
    except (ValueError, struct.error, IndexError) as exc:
        raise _refuse(
            "This Office 97–2003 file is damaged and cannot be opened.", "office_broken"
        ) from exc
    if {"encryptedpackage", "encryptioninfo"} & streams:
        raise _refuse(
            "This Office file is password-protected. Upload an unprotected copy.",
            "office_encrypted",
        )
    if {"macros", "_vba_project_cur", "vba"} & streams:
        raise _refuse(
            "This Office file contains macros, which cannot be attached. Save it as PDF and "
            "upload that.",
            "office_macros",
        )
    if "worddocument" in streams:
        return CheckedContent(DOC, None, "")
    if {"workbook", "book"} & streams:
        return CheckedContent(XLS, None, "")
    raise _refuse(
        f"This Office file type cannot be attached. Accepted: {ACCEPTED_DESCRIPTION}.",
        "unsupported_type",
    )


def _ole_stream_names(data: bytes) -> set[str]:
    """Names (lower case) in a Compound File Binary directory (MS-CFB), read defensively.

    Enough of the format to tell Word from Excel from PowerPoint and to see encryption
    and macro storages; every chain walk is bounded by the file's sector count.
    """
    if len(data) < 512:
        raise ValueError("too short")
    sector_shift = struct.unpack_from("<H", data, 30)[0]
    if sector_shift not in (9, 12):
        raise ValueError("bad sector size")
    size = 1 << sector_shift
    max_sectors = len(data) // size + 1
    first_dir, _, _, first_difat, difat_count = struct.unpack_from("<IIIII", data, 48)

    def sector(sid: int) -> bytes:
        start = (sid + 1) * size
        if sid >= max_sectors or start + size > len(data):
            raise ValueError("sector out of range")
        return data[start : start + size]

    fat_sectors = [sid for sid in struct.unpack_from("<109I", data, 76) if sid < 0xFFFFFFFA]
    next_difat = first_difat
    for _ in range(min(difat_count, max_sectors)):
        if next_difat >= 0xFFFFFFFA:
            break
        block = struct.unpack(f"<{size // 4}I", sector(next_difat))
        fat_sectors += [sid for sid in block[:-1] if sid < 0xFFFFFFFA]
        next_difat = block[-1]
    fat: list[int] = []
    for sid in fat_sectors[:max_sectors]:
        fat += struct.unpack(f"<{size // 4}I", sector(sid))

    names: set[str] = set()
    sid = first_dir
    for _ in range(max_sectors):
        if sid >= 0xFFFFFFFA:
            break
        block = sector(sid)
        for offset in range(0, size, 128):
            name_length = struct.unpack_from("<H", block, offset + 64)[0]
            if 2 <= name_length <= 64:
                raw = block[offset : offset + name_length - 2]
                names.add(raw.decode("utf-16-le", errors="replace").lower())
        if sid >= len(fat):
            raise ValueError("directory chain out of range")
        sid = fat[sid]
    if "root entry" not in names:
        raise ValueError("no root entry")
    return names
