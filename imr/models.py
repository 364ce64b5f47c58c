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
