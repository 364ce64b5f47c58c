"""Staff notifications: stored in-app, e-mailed once after the transaction commits."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Permission
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.models import Case
from imr.bulk import rows_insert
from notifications.email import email_send
from notifications.models import Notification

logger = logging.getLogger(__name__)
_CLAIM_SIZE = 100
_PENDING_BATCH = 5000


@dataclass(frozen=True)
class NotificationDraft:
    recipient_id: int
    kind: str
    text: str
    link: str = ""
    case_id: int | None = None
    dedupe_key: str = ""


def notification_send(
    *,
    recipient: AbstractBaseUser,
    kind: str,
    text: str,
    link: str = "",
    case: Case | None = None,
    dedupe_key: str = "",
) -> Notification | None:
    """Store one in-app notification and e-mail it after commit (R-NOT-4).

    `text` must carry no PHI: a short reason; the link leads to the case. With a
    `dedupe_key`, a second send with the same key for the same recipient does nothing
    and returns None, so retried jobs notify once.
    """
    draft = NotificationDraft(
        recipient_id=recipient.pk,
        kind=kind,
        text=text,
        link=link,
        case_id=case.pk if case else None,
        dedupe_key=dedupe_key,
    )
    created = notifications_send_many(drafts=[draft])
    return created[0] if created else None


def notifications_send_many(*, drafts: list[NotificationDraft]) -> list[Notification]:
    """Store many notifications in one statement; e-mail the new ones after commit.

    Drafts whose (recipient, dedupe_key) already exists are skipped by the unique
    constraint; only the rows this call created are returned and e-mailed. Drafts with
    a key are inserted one by one (digests: a few rows); bulk callers such as the sweep
    get their once-only guarantee from ClockAlert instead and pass no key.
    """
    if not drafts:
        return []
    now = timezone.now()
    rows = [
        Notification(
            recipient_id=d.recipient_id,
            kind=d.kind,
            text=d.text[:500],
            link=d.link,
            case_id=d.case_id,
            dedupe_key=d.dedupe_key,
            created_at=now,
        )
        for d in drafts
    ]
    with transaction.atomic():
        Notification.objects.bulk_create([row for row in rows if not row.dedupe_key])
        created = [row for row in rows if not row.dedupe_key]
        for row in rows:
            if not row.dedupe_key:
                continue
            # One savepoint each: a duplicate key is skipped, the rest still stored.
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
            except IntegrityError:
                continue
            created.append(row)
        ids = [row.pk for row in created]
        transaction.on_commit(lambda: notifications_email(notification_ids=ids), robust=True)
    return created


def notifications_send_bulk(*, drafts: list[NotificationDraft]) -> list[int]:
    """Store many notifications without dedupe keys in one statement; e-mail after commit.

    For jobs that notify thousands of people at once (the sweep): no model instances,
    ids only. Same rules as notifications_send_many: text cut to 500 characters, no
    PHI, e-mailed once after the transaction commits.
    """
    if not drafts:
        return []
    if any(d.dedupe_key for d in drafts):
        raise ValueError("notifications_send_bulk takes drafts without a dedupe key")
    now = timezone.now()
    rows = rows_insert(
        table=Notification._meta.db_table,
        columns=[
            ("recipient_id", "bigint"),
            ("kind", "text"),
            ("text", "text"),
            ("link", "text"),
            ("case_id", "bigint"),
            ("dedupe_key", "text"),
            ("created_at", "timestamptz"),
        ],
        rows=[(d.recipient_id, d.kind, d.text[:500], d.link, d.case_id, "", now) for d in drafts],
        returning="id",
    )
    ids = [row[0] for row in rows]
    transaction.on_commit(lambda: notifications_email(notification_ids=ids), robust=True)
    return ids


def notifications_email(*, notification_ids: list[int]) -> int:
    """E-mail each notification not yet e-mailed; returns how many were sent.

    Rows are claimed by one conditional UPDATE … RETURNING before sending, so two workers
    (or a retry) never send the same notification twice. A failed send releases its claim.
    """
    sent = 0
    # Small claims: a worker killed while sending loses at most one claim's unsent rows.
    for start in range(0, len(notification_ids), _CLAIM_SIZE):
        for notification in _claim(notification_ids[start : start + _CLAIM_SIZE]):
            try:
                email_send(
                    to=notification.recipient.email,
                    subject=f"IMR Desk: {notification.text[:120]}",
                    body=_email_body(notification),
                )
            except Exception:
                Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
                logger.exception("e-mail for notification %s failed", notification.pk)
                continue
            sent += 1
    return sent


def notifications_email_pending(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """E-mail notifications whose after-commit send never happened (R-NOT-4).

    The send after commit runs in the process that committed; if that process dies
    first (a worker killed mid-sweep, SMTP down), the rows stay with emailed_at empty.
    This picks them up; the claim keeps it from racing the after-commit send.
    """
    cutoff = timezone.now() - older_than
    ids = list(
        Notification.objects.filter(emailed_at=None, created_at__lte=cutoff)
        .exclude(recipient__email="")
        .order_by("pk")
        .values_list("pk", flat=True)[:_PENDING_BATCH]
    )
    return notifications_email(notification_ids=ids)


def _claim(ids: list[int]) -> list[Notification]:
    """Mark unsent rows of recipients with an address as sent; return the rows claimed."""
    if not ids:
        return []
    table = Notification._meta.db_table
    users = get_user_model()._meta.db_table
    placeholders = ", ".join(["%s"] * len(ids))
    sql = (
        f"UPDATE {table} SET emailed_at = %s WHERE id IN ({placeholders}) "  # noqa: S608
        f"AND emailed_at IS NULL AND recipient_id IN (SELECT id FROM {users} WHERE email <> '') "
        "RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), *ids])
        claimed = [row[0] for row in cursor.fetchall()]
    return list(Notification.objects.filter(pk__in=claimed).select_related("recipient"))


def _email_body(notification: Notification) -> str:
    lines = [notification.text, ""]
    if notification.link:
        lines.append(f"Open in IMR Desk: {settings.SITE_URL.rstrip('/')}{notification.link}")
    lines += [
        "",
        "This message holds no member information by design; sign in to see the case.",
    ]
    return "\n".join(lines)


def notification_mark_read(*, notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=timezone.now())


def notifications_mark_all_read(*, user: AbstractBaseUser) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def users_with_capability(codename: str) -> QuerySet:
    """Active users holding a permission through a group or directly ("app.codename")."""
    app_label, code = codename.split(".", 1)
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=code)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions__in=permission) | Q(user_permissions__in=permission))
        .distinct()
    )
