"""A throwaway database and document folder for the PDF benchmarks.

    with scratch_environment() as folder:
        ...  # a test database and a temporary document store, torn down afterwards

The database is SQLite in memory with the default settings, or a test_… database on the
server DATABASE_URL names; documents are written under `folder`/documents. WeasyPrint's
layout chatter and the cases app's INFO lines are silenced: only the timings matter.
"""

import logging
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


def report(label: str, timings: list[float]) -> None:
    print(
        f"{label}: median {statistics.median(timings):.2f} s, "
        f"min {min(timings):.2f} s, max {max(timings):.2f} s over {len(timings)} runs"
    )


@contextmanager
def scratch_environment() -> Iterator[str]:
    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("cases").setLevel(logging.WARNING)
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    folder = tempfile.TemporaryDirectory()
    storages = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": f"{folder.name}/documents", "base_url": None},
        },
    }
    try:
        with override_settings(STORAGES=storages):
            yield folder.name
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        folder.cleanup()


@contextmanager
def decided_case(folder: str):
    """A case walked to a signed determination (at the walk's frozen moment) by the bench
    personas, yielded as (case, coordinator, cmo) with the TAR hand-off under `folder`."""
    from django.test.utils import override_settings

    from imr.roles import Role
    from tests.support.cases import case_at, frozen
    from tests.support.personas import make_user

    with override_settings(
        TAR_BUNDLE_DIR=f"{folder}/tar-bundles",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    ):
        coordinator = make_user("bench-coordinator", Role.UM_STAFF)
        cmo = make_user("bench-cmo", Role.CMO)
        with frozen():
            case = case_at("decided", owner=coordinator, decider=cmo)
        yield case, coordinator, cmo


def notify_and_resolve(case, coordinator, cmo) -> None:
    """Both letters sent (the member's mailed) and the case resolved: ready for its bundle."""
    from cases.models import Case
    from cases.services.closure import case_resolve
    from cases.services.letters import letter_mailed_confirm, letter_send

    member = letter_send(case=case, party="member", actor=coordinator)
    letter_send(case=case, party="practitioner", actor=coordinator)
    letter_mailed_confirm(letter=member, actor=coordinator)
    case_resolve(case=Case.objects.get(pk=case.pk), actor=cmo)
