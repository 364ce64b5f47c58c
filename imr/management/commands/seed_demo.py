"""Load obviously synthetic demo data: one user per role, and demo cases.

Demo only: it refuses to run under production settings. Passwords are generated
and printed once; run it again with --reset-passwords to get new ones. Every demo
specialist has a reviewer login, and the logins block says which demo cases each
reviewer fits. --show-logins prints the block again without passwords (bin/run's
later starts).
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from cases.demo import demo_cases_seed
from imr.roles import ROLE_GRANTS, Role
from reviewers.demo import DEMO_REVIEWER_LOGINS, demo_registry_seed, demo_reviewer_fits

DEMO_USERS: list[tuple[str, str, str, Role]] = [
    ("demo.coordinator", "Casey", "Coordinator (demo)", Role.UM_STAFF),
    ("demo.cmo", "Morgan", "Medical-Officer (demo)", Role.CMO),
    ("demo.quac", "Quinn", "Committee (demo)", Role.QUAC),
    ("demo.admin", "Avery", "Administrator (demo)", Role.ADMINISTRATOR),
    *[
        (username, first, last, Role.IMRO_REVIEWER)
        for username, first, last, _ in DEMO_REVIEWER_LOGINS
    ],
]
RESET_HINT = (
    "New passwords for every demo user: .venv/bin/python manage.py seed_demo --reset-passwords"
)


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
            "--show-logins",
            action="store_true",
            help="Only print the demo usernames and which reviewer fits which case (no passwords).",
        )
        parser.add_argument(
            "--password",
            help="Use this password for every demo user instead of random ones (tests only).",
        )

    def handle(self, *args: object, **options: object) -> None:
        if settings.SETTINGS_MODULE.endswith("production"):
            raise CommandError("seed_demo loads fake data and never runs with production settings.")
        if options["show_logins"]:
            self._print_block([], shown=False)
            return
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
            self._print_block(logins, shown=True)
        else:
            self.stdout.write("Demo users already exist; use --reset-passwords for new passwords.")

    def _print_block(self, logins: list[tuple[str, str, str]], *, shown: bool) -> None:
        """The demo logins, then which reviewer login fits which demo case."""
        rule = "=" * 72
        self.stdout.write(rule)
        if shown:
            self.stdout.write("Demo logins (synthetic data only; passwords shown once):")
            for username, role, password in logins:
                self.stdout.write(f"  {username:<24} {password:<22} {role}")
        else:
            self.stdout.write("Demo logins (passwords were shown at the first start):")
            existing = set(
                get_user_model()
                .objects.filter(username__in=[u for u, _, _, _ in DEMO_USERS])
                .values_list("username", flat=True)
            )
            for username, _, _, role in DEMO_USERS:
                if username in existing:
                    self.stdout.write(f"  {username:<24} {role}")
        fits = demo_reviewer_fits()
        if fits:
            self.stdout.write("Which reviewer fits which demo case (same specialty):")
            for fit in fits:
                cases = ", ".join(fit.tar_numbers) if fit.tar_numbers else "no demo case yet"
                self.stdout.write(f"  {fit.username:<24} {fit.specialty:<30} {cases}")
        self.stdout.write(RESET_HINT)
        self.stdout.write(rule)

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
