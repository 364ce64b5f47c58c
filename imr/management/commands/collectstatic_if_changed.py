"""`manage.py collectstatic_if_changed`: collectstatic, but only when a static source changed.

bin/run calls it on every start. A full collectstatic re-compresses every file (about
30 s for ~1,200 files under WhiteNoise's compressed manifest storage) even when nothing
changed. This fingerprints what collectstatic would read: the relative path, size and
modification time of every file the static finders list (the project's static/ folder
and every installed app's static/ folder, packages included), plus the storage backend
and STATIC_ROOT. The fingerprint is kept in STATIC_ROOT; when it matches and the
collected output is still there, nothing is done.
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

STAMP_NAME = ".imr-static-fingerprint"


def static_sources_fingerprint() -> str:
    """A sha256 over every static source file's path, size and mtime, and the storage."""
    digest = hashlib.sha256()
    storage_backend = settings.STORAGES["staticfiles"]["BACKEND"]
    digest.update(f"{storage_backend}\0{settings.STATIC_ROOT}\0".encode())
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore_patterns=["CVS", ".*", "*~"]):
            stat = Path(storage.path(path)).stat()
            prefix = getattr(storage, "prefix", None) or ""
            entries.append(f"{prefix}/{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode())
        digest.update(b"\n")
    return digest.hexdigest()


def collected_output_present(root: Path) -> bool:
    """The collected files are still there (the manifest, for manifest storages)."""
    manifest = getattr(staticfiles_storage, "manifest_name", None)
    if manifest:
        return (root / manifest).is_file()
    return root.is_dir() and any(root.iterdir())


class Command(BaseCommand):
    help = "Run collectstatic only when the static source files changed since the last run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Collect even when nothing changed."
        )

    def handle(self, *args: object, **options: object) -> None:
        root = Path(settings.STATIC_ROOT)
        stamp = root / STAMP_NAME
        wanted = static_sources_fingerprint()
        unchanged = (
            stamp.is_file()
            and stamp.read_text().strip() == wanted
            and collected_output_present(root)
        )
        if unchanged and not options["force"]:
            self.stdout.write("Static files unchanged: collectstatic skipped.")
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        root.mkdir(parents=True, exist_ok=True)
        stamp.write_text(wanted + "\n")
        self.stdout.write("Static files collected.")
