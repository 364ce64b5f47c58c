"""`manage.py prepare_run`: everything bin/run does before it starts the servers, in one process.

Each manage.py call costs about 3 s of start-up; bin/run used to make five. This runs
migrate, collectstatic_if_changed, `seed_demo --if-empty` and one full sweep in turn,
with progress on stderr, and prints only the demo logins block on stdout (with the
passwords on the first start, the usernames afterwards) and where e-mails go, which
bin/run shows last.
"""

import io
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, collect changed static files, seed the demo once, sweep; print the logins."

    def handle(self, *args: object, **options: object) -> None:
        print("==> migrating the database", file=sys.stderr)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic_if_changed", stdout=sys.stderr)
        block = io.StringIO()
        call_command("seed_demo", if_empty=True, stdout=block)
        if not block.getvalue():
            call_command("seed_demo", show_logins=True, stdout=block)
        # One full sweep now, so warnings and breaches show at once and /healthz is
        # green before the nightly run.
        call_command("sweep_clocks", stdout=io.StringIO())
        self.stdout.write(block.getvalue(), ending="")
        self.stdout.write(f"Notification e-mails: {mail_destination()}")


def mail_destination() -> str:
    """Where this setup's e-mails go, for a person reading bin/run's output."""
    backend = settings.EMAIL_BACKEND
    if backend.endswith("filebased.EmailBackend"):
        return f"written as files to {settings.EMAIL_FILE_PATH}/"
    if backend.endswith("console.EmailBackend"):
        return "printed to this console"
    return f"sent by {backend} via {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
