from django.conf import settings
from django.db import models
from django.utils import timezone


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at=None)

    def for_user(self, user) -> "NotificationQuerySet":
        return self.filter(recipient=user)


class Notification(models.Model):
    """An in-app message to a staff user, also e-mailed (R-NOT-4).

    The text never carries PHI: a short reason and a link to the case are enough.
    `dedupe_key` makes a send idempotent: the same key for the same recipient is stored
    (and e-mailed) once, however often a job retries.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30)
    # No index: nothing reads notifications by case (the page links to the case, not
    # back), and each of the sweep's tens of thousands of rows would pay an entry in it.
    # Cases are never deleted, so the PROTECT check never runs.
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    text = models.CharField(max_length=500)
    link = models.CharField(max_length=300, blank=True, help_text="A path on this site.")
    dedupe_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # R-SEC-9: when the mail server accepted the e-mail (never re-sent once set) ...
    emailed_at = models.DateTimeField(null=True, blank=True)
    # ... and when a worker claimed it for sending; a claim older than the lease
    # (NOTIFICATION_EMAIL_LEASE_SECONDS) belonged to a process that died, and is retaken.
    email_claimed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("receive_digest", "Receives the nightly deadline digest (UM leads)"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="one_notification_per_recipient_and_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                name="notification_unread_idx",
                condition=models.Q(read_at=None),
            ),
            # The retry job's scan: unsent rows by age.
            models.Index(
                fields=["created_at"],
                name="notification_unsent_idx",
                condition=models.Q(emailed_at=None),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.recipient_id}"
