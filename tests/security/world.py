"""A module-scoped seeded world: built once, rolled back when the module ends.

Building two cases through every service (letters and bundles are PDFs) takes seconds;
the matrix makes thousands of requests against it, each in its own rolled-back
savepoint, so one world per module is enough.
"""

import pytest
import time_machine
from django.db import transaction
from django.test import TestCase, override_settings

from tests.security.scenario import NOW, build_world


def _capture(execute: bool = True):
    return TestCase.captureOnCommitCallbacks(execute=execute)


def world_fixture():
    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker, tmp_path_factory):
        root = tmp_path_factory.mktemp("security-world")
        storages = {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "documents": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(root / "documents"), "base_url": None},
            },
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with (
            django_db_blocker.unblock(),
            override_settings(STORAGES=storages, TAR_BUNDLE_DIR=str(root / "tar")),
            time_machine.travel(NOW, tick=False),
        ):
            outer = transaction.atomic()
            outer.__enter__()
            try:
                yield build_world(_capture)
            finally:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)

    return world
