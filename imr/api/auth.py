"""API tokens for systems (the plan's TAR system, an IMRO): issue, revoke, authenticate, throttle.

A token acts as one user account, so the account's groups give it its role and the
same permission checks as the pages apply (R-API-1). The key is shown once at issue;
only its SHA-256 hash is stored, so a leaked database does not leak working keys.

A person acts only as themselves (R-SEC-2): people create their own tokens (Account >
API tokens); an Administrator issues tokens only for service accounts, which hold no
clinical capability. Every token expires (API_TOKEN_DEFAULT_DAYS unless given a date).
"""

import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from imr.errors import Refused
from imr.models import ApiToken
from imr.roles import Role, clinical_capabilities_of

KEY_PREFIX = "imr_"
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_token_issue(
    *,
    user: AbstractBaseUser,
    name: str,
    created_by: AbstractBaseUser | None,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token acting as `user`; returns it with its key, which is never stored.

    `created_by` is the person issuing it: the user themselves, or None for the user's
    own token made outside a request (tests, a script run as that user). Anyone else may
    issue one only for a service account (R-SEC-2), else Refused. With no `expires_at`
    the token expires API_TOKEN_DEFAULT_DAYS from now; a past date is refused.
    """
    now = timezone.now()
    if created_by is not None and created_by.pk != user.pk:
        problems = service_account_problems(user)
        if problems:
            raise Refused({"user": problems})
    if expires_at is None:
        expires_at = now + timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)
    elif expires_at <= now:
        raise Refused({"expires_at": ["The expiry must be in the future."]})
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name,
        user=user,
        key_prefix=key[:12],
        key_hash=ApiToken.hash_key(key),
        created_at=now,
        created_by=created_by,
        expires_at=expires_at,
    )
    return token, key


def service_account_problems(user: AbstractBaseUser) -> list[str]:
    """Why an Administrator may not issue a token acting as `user`; empty when allowed.

    Allowed: an active account in the "Service account" group, not a superuser, holding
    no clinical capability (by any group or direct grant), so a token never stands in
    for a person who sees PHI or signs (R-SEC-2).
    """
    problems = []
    if not user.groups.filter(name=str(Role.SERVICE_ACCOUNT)).exists():
        problems.append(
            f"{user.get_username()} is not a service account: an Administrator issues tokens "
            f'only for accounts in the "{Role.SERVICE_ACCOUNT}" group. A person creates '
            "their own token under Account > API tokens."
        )
    clinical = clinical_capabilities_of(user)
    if clinical:
        problems.append(
            f"{user.get_username()} holds clinical permissions ({', '.join(clinical)}); "
            "a service account may hold none."
        )
    return problems


def api_token_revoke(*, token: ApiToken, actor: AbstractBaseUser | None) -> bool:
    """Revoke a token at once; False if it was already revoked (the first revocation stays)."""
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor
        )
    token.refresh_from_db()
    return bool(updated)


logger = logging.getLogger(__name__)


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <key>`. No header: not this scheme (session may apply)."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[AbstractBaseUser, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Send the header as 'Authorization: Bearer <key>'.")
        try:
            key = parts[1].decode()
        except UnicodeDecodeError:
            raise AuthenticationFailed("The token is not valid.") from None
        now = timezone.now()
        token = (
            ApiToken.objects.filter(revoked_at__isnull=True)
            .select_related("user")
            .filter(key_hash=ApiToken.hash_key(key))
            .first()
        )
        if token is not None and not token.is_usable(now):
            # Only the holder of the key gets here, so saying why helps and leaks nothing.
            raise AuthenticationFailed(
                f"The token expired on {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M %Z}."
                " Create a new one under Account > API tokens (or ask an Administrator for a"
                " service account's)."
            )
        if token is None or not token.user.is_active:
            # One message for unknown and revoked keys: a caller learns nothing.
            raise AuthenticationFailed("The token is not valid, or was revoked or has expired.")
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) to a request with no credentials.
        return f'{self.keyword} realm="api"'


class TokenRateThrottle(SimpleRateThrottle):
    """Rate limit per token (REST_FRAMEWORK DEFAULT_THROTTLE_RATES["token"]).

    Browser sessions are not throttled here: they are people, and the login is already
    protected by django-axes. The count lives in the default cache (Redis when set).
    """

    scope = "token"

    def get_rate(self) -> str | None:
        # DRF binds the rates at import; read them per request (throttles are made per
        # request) so a settings override, e.g. in a test, takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request: Request, view: object) -> bool:
        # The count lives in Redis; when Redis is down the API stays up (the database is
        # the source of truth) and the limit is not enforced until it returns.
        try:
            return super().allow_request(request, view)
        except Exception:  # any cache backend error
            logger.warning("API rate limit not enforced: the cache is unreachable")
            return True

    def get_cache_key(self, request: Request, view: object) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None
        # The hash, not the id: ids repeat when a test database is created anew.
        return self.cache_format % {"scope": self.scope, "ident": request.auth.key_hash[:32]}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Documents the bearer scheme in the OpenAPI schema."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: object) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "An API token: your own (Account > API tokens), or a service account's "
                "issued by an Administrator (docs/api.md)."
            ),
        }
