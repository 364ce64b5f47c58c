"""Issue, revoke and list API tokens from the shell (the admin does the same).

manage.py api_token issue --user tar-system --name "TAR system" [--expires 2027-01-01]
  (a service account only: group "Service account", no clinical capability)
manage.py api_token revoke 12
manage.py api_token list
"""

from datetime import datetime, time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from imr.api.auth import api_token_issue, api_token_revoke, service_account_problems
from imr.models import ApiToken


class Command(BaseCommand):
    help = "Issue, revoke or list API tokens. The key is printed once, at issue."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        issue = actions.add_parser("issue", help="Issue a token acting as a user.")
        issue.add_argument("--user", required=True, help="Username the token acts as.")
        issue.add_argument("--name", required=True, help="Which system uses it.")
        issue.add_argument(
            "--expires", help="Date (YYYY-MM-DD, end of that day) or ISO-8601 time it expires."
        )
        revoke = actions.add_parser("revoke", help="Revoke a token at once.")
        revoke.add_argument("token_id", type=int, metavar="ID")
        actions.add_parser("list", help="List tokens, newest first.")

    def handle(self, *args: object, action: str, **options: object) -> None:
        getattr(self, f"_{action}")(**options)

    def _issue(self, *, user: str, name: str, expires: str | None, **_: object) -> None:
        account = get_user_model().objects.filter(username=user, is_active=True).first()
        if account is None:
            raise CommandError(f"No active user named {user!r}.")
        if not account.groups.exists():
            raise CommandError(f"{user!r} has no role; give the account a group first.")
        # Whoever runs this acts for the plan, not as the account: service accounts only
        # (R-SEC-2). A person creates their own token under Account > API tokens.
        problems = service_account_problems(account)
        if problems:
            raise CommandError(" ".join(problems))
        token, key = api_token_issue(
            user=account, name=name, created_by=None, expires_at=_parse_expiry(expires)
        )
        self.stderr.write(f"Issued token {token.pk} ({name}) acting as {user}. Key, shown once:")
        self.stdout.write(key)

    def _revoke(self, *, token_id: int, **_: object) -> None:
        token = ApiToken.objects.filter(pk=token_id).first()
        if token is None:
            raise CommandError(f"No token {token_id}.")
        if not api_token_revoke(token=token, actor=None):
            raise CommandError(f"Token {token_id} was already revoked at {token.revoked_at}.")
        self.stdout.write(f"Revoked token {token_id} ({token.name}).")

    def _list(self, **_: object) -> None:
        for token in ApiToken.objects.select_related("user"):
            state = "revoked" if token.revoked_at else "active"
            self.stdout.write(
                f"{token.pk}\t{token.key_prefix}…\t{token.name}\t{token.user.username}\t{state}"
            )


def _parse_expiry(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError("--expires: use YYYY-MM-DD or an ISO-8601 time.") from None
    if len(value) == 10:
        parsed = datetime.combine(parsed.date(), time.max)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed <= timezone.now():
        raise CommandError("--expires is in the past.")
    return parsed
