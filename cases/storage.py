"""The private document storage, outside the web root (R-FILE-4).

Every stored file (uploads, sent letters, TAR bundles) is read and written through
documents_storage(); files are served only by permission-checked, access-logged views."""

from django.core.files.storage import Storage, storages


def documents_storage() -> Storage:
    """The private storage outside the web root; files are only served by the views here."""
    return storages["documents"]
