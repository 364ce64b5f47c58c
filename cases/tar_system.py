"""The seam to the plan's UM documentation system, where the TAR file lives (R-TRK-7).

One small class per channel (STYLE): tests and a real integration replace tar_system()."""

from pathlib import Path
from typing import Protocol

from django.conf import settings

from cases.models import (
    Case,
)


class TarSystem(Protocol):
    def attach(self, *, case: Case, name: str, data: bytes) -> str:
        """Hand the bundle over; return where it went (a path, a document id…)."""


class DirectoryTarSystem:
    """Default: writes the bundle into settings.TAR_BUNDLE_DIR for the UM documentation
    system (or a person) to pick up. A real integration replaces this class."""

    def attach(self, *, case: Case, name: str, data: bytes) -> str:
        folder = Path(settings.TAR_BUNDLE_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        partial = folder / f".{name}.partial"
        partial.write_bytes(data)
        partial.chmod(0o600)
        partial.replace(target)  # atomic: the pick-up never sees half a file
        return str(target)


def tar_system() -> TarSystem:
    return DirectoryTarSystem()
