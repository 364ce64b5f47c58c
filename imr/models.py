import hashlib
from datetime import datetime

from django.conf import settings
from django.db import models

from imr.roles import CAPABILITIES


class Capability(models.Model):
    """Holds the product's permissions; it has no table of its own."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = CAPABILITIES

    def __str__(self) -> str:
        return "capability"


class Heartbeat(models.Model):
    """The last time a background process proved it was alive, by name.

    The worker beats once a minute (a beat-scheduled task); operators read it in the
    admin. It is operational data, not case data.
    """

    name = models.CharField(max_length=64, unique=True)
    beat_at = models.DateTimeField()
    detail = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, at: datetime) -> "ApiTokenQuerySet":
        """Tokens that authenticate at this moment: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=at)
        )


class ApiToken(models.Model):
    """A system's credential for the REST API (R-API-1), e.g. the TAR system or an IMRO.

    The token acts as one user, so the user's groups give it its role and every action
    is recorded against a named account. Only a SHA-256 hash of the key is stored; the
    key itself is shown once, when it is issued (imr.api_auth.api_token_issue).
    """

    name = models.CharField(max_length=100, help_text="Which system uses it, e.g. 'TAR system'.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        help_text="The account the token acts as; its groups give the token its role.",
    )
    key_prefix = models.CharField(
        max_length=12, help_text="The key's first characters, to recognise it in logs."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def is_usable(self, at: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)
