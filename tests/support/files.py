"""Files of every kind for upload tests, and a private documents storage per test.

Files are built byte by byte (a tiny PDF writer, a tiny OLE writer) so that tests are
fast and each file holds exactly what a test looks for.
"""

import io
import struct
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def use_private_storage(settings, tmp_path: Path) -> Path:
    """Point the documents storage at an empty folder owned by this test."""
    root = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    return root


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def storage_root(settings, tmp_path) -> Path:
    return use_private_storage(settings, tmp_path)


def upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- PDF -------------------------------------------------------------------------------


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(pages: list[str], *, encrypted: bool = False) -> bytes:
    """A valid PDF with one line of Helvetica text per page."""
    objects: list[bytes] = []
    count = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, text in enumerate(pages):
        content = f"BT /F1 14 Tf 72 700 Td ({_pdf_escape(text)}) Tj ET".encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    data = out.getvalue()
    if encrypted:
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        writer.encrypt(user_password="secret", algorithm="RC4-128")
        buffer = io.BytesIO()
        writer.write(buffer)
        data = buffer.getvalue()
    return data


# --- images ------------------------------------------------------------------------------


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (400, 300), frames: int = 1) -> bytes:
    images = [Image.new("RGB", size, (40 * i % 255, 120, 200)) for i in range(frames)]
    buffer = io.BytesIO()
    if frames > 1:
        images[0].save(buffer, format=fmt, save_all=True, append_images=images[1:])
    else:
        images[0].save(buffer, format=fmt)
    return buffer.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size: the classic decompression bomb opener."""
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


# --- Office ------------------------------------------------------------------------------

_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "</Types>"
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
PPTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


def docx_bytes(
    text: str = "Progress note", *, main: str = DOCX_MAIN, extra: dict | None = None
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES.format(main=main))
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document><w:body><w:p><w:r>'
            f"<w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
        for name, body in (extra or {}).items():
            archive.writestr(name, body)
    return buffer.getvalue()


def zip_bomb_docx_bytes(expanded_mb: int = 150, *, declared_size: int | None = None) -> bytes:
    """A well-formed .docx whose one extra part inflates to expanded_mb of zeros.

    With declared_size, the archive's headers lie about that part's expanded size.
    """
    buffer = io.BytesIO()
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES.format(main=DOCX_MAIN))
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/padding.bin", "w") as part:
            for _ in range(expanded_mb):
                part.write(chunk)
    data = bytearray(buffer.getvalue())
    if declared_size is not None:
        name = b"word/media/padding.bin"
        local = data.index(name) - 30
        central = data.index(name, local + 30 + len(name)) - 46
        struct.pack_into("<I", data, local + 22, declared_size)
        struct.pack_into("<I", data, central + 24, declared_size)
    return bytes(data)


def ole_bytes(stream_names: list[str]) -> bytes:
    """A minimal Compound File (Office 97–2003 container) listing the given streams."""
    sector = 512
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    # one FAT sector (sid 0), directory in sid 1, no mini FAT, no DIFAT sectors.
    struct.pack_into("<I", header, 44, 1)
    struct.pack_into("<IIIIIII", header, 48, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    difat = [0] + [0xFFFFFFFF] * 108
    struct.pack_into("<109I", header, 76, *difat)
    fat = [0xFFFFFFFD, 0xFFFFFFFE] + [0xFFFFFFFF] * (sector // 4 - 2)
    fat_sector = struct.pack(f"<{sector // 4}I", *fat)
    entries = []
    for index, name in enumerate(["Root Entry", *stream_names]):
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\0\0"
        entry[0 : len(encoded)] = encoded
        struct.pack_into("<HB", entry, 64, len(encoded), 5 if index == 0 else 2)
        entries.append(bytes(entry))
    directory = b"".join(entries).ljust(sector, b"\0")[:sector]
    return bytes(header) + fat_sector + directory
