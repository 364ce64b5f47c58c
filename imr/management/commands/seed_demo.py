"""Load obviously synthetic demo data: one user per role, and demo cases.

Demo only: it refuses to run under production settings. Passwords are generated
and printed once; run it again with --reset-passwords to get new ones.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from cases.demo import demo_cases_seed
from imr.roles import ROLE_GRANTS, Role
from reviewers.demo import demo_registry_seed

DEMO_USERS: list[tuple[str, str, str, Role]] = [
    ("demo.coordinator", "Casey", "Coordinator (demo)", Role.UM_STAFF),
    ("demo.cmo", "Morgan", "Medical-Officer (demo)", Role.CMO),
    ("demo.quac", "Quinn", "Committee (demo)", Role.QUAC),
    ("demo.reviewer", "Riley", "Reviewer (demo)", Role.IMRO_REVIEWER),
    ("demo.admin", "Avery", "Administrator (demo)", Role.ADMINISTRATOR),
]


class Command(BaseCommand):
    help = "Load synthetic demo users and cases (never in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset-passwords", action="store_true", help="Give existing demo users new passwords."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has users (bin/run's first start).",
        )
        parser.add_argument(
            "--password",
            help="Use this password for every demo user instead of random ones (tests only).",
        )

    def handle(self, *args: object, **options: object) -> None:
        if settings.SETTINGS_MODULE.endswith("production"):
            raise CommandError("seed_demo loads fake data and never runs with production settings.")
        if options["if_empty"] and get_user_model().objects.exists():
            return
        self.stdout.write("Empty database: loading synthetic demo data.")
        with transaction.atomic():
            logins = self._users(
                reset=bool(options["reset_passwords"]), password=options.get("password")
            )
            demo_registry_seed()
            cases = demo_cases_seed()
        if cases:
            self.stdout.write(f"Demo cases: {len(cases)} (TAR numbers DEMO-1001 …).")
        if logins:
            self.stdout.write("Demo logins (synthetic data only; shown once):")
            for username, role, password in logins:
                self.stdout.write(f"  {username:<18} {password:<22} {role}")
        else:
            self.stdout.write("Demo users already exist; use --reset-passwords for new passwords.")

    def _users(self, *, reset: bool, password: object) -> list[tuple[str, str, str]]:
        User = get_user_model()
        staff_roles = {grant.role for grant in ROLE_GRANTS if grant.is_staff}
        logins = []
        for username, first, last, role in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.invalid",
                    "is_staff": role in staff_roles,
                },
            )
            user.groups.add(Group.objects.get(name=str(role)))
            if created or reset:
                secret = str(password) if password else _demo_password()
                user.set_password(secret)
                user.save(update_fields=["password"])
                logins.append((username, str(role), secret))
        return logins


def _demo_password() -> str:
    return "demo-" + secrets.token_urlsafe(12)
