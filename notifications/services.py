"""Staff notifications: stored in-app, e-mailed once after the transaction commits."""

import logging
from datetime import datetime, timedelta
from typing import NamedTuple

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
# Small claims: a batch a killed worker held waits one lease before it is retaken.
_CLAIM_SIZE = 100
_PENDING_BATCH = 5000


class NotificationDraft(NamedTuple):
    """One notification to store. A named tuple: the sweep makes tens of thousands."""

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
    """Store many notifications without dedupe keys in one statement; e-mail them from a
    Celery task enqueued after commit.

    For jobs that notify thousands of people at once (the sweep, one call per batch): no
    model instances, ids only, and the e-mails are sent by a worker (one task per call),
    not by the process that stored them, so a sweep takes as long as its writes. Same
    rules as notifications_send_many: text cut to 500 characters, no PHI, e-mailed once
    (notifications_email's claim). If the task cannot be enqueued, the rows wait for the
    retry job (notifications_email_pending), as when a process dies before sending.
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
        ],
        same=[("dedupe_key", "text", ""), ("created_at", "timestamptz", now)],
        rows=[(d.recipient_id, d.kind, d.text[:500], d.link, d.case_id) for d in drafts],
        returning="id",
    )
    ids = [row[0] for row in rows]
    transaction.on_commit(lambda: _email_by_task(ids), robust=True)
    return ids


def _email_by_task(ids: list[int]) -> None:
    from notifications.tasks import email_notifications  # the tasks module imports this one

    email_notifications.delay(ids)


def notifications_email(*, notification_ids: list[int]) -> int:
    """E-mail each notification not yet e-mailed, at least once; returns how many were sent.

    R-SEC-9. Rows are claimed in small batches by one conditional UPDATE … RETURNING that
    stamps `email_claimed_at`, so two workers never hold the same row at once. Each
    e-mail is marked sent (`emailed_at`) in its own short transaction as soon as the mail
    server accepted it, and a sent row is never claimed again. A process killed mid-batch
    leaves its unsent rows claimed; once the lease (NOTIFICATION_EMAIL_LEASE_SECONDS) has
    run out, the retry job claims and sends them. The one duplicate possible is the
    message in flight at the crash: accepted by the server, not yet marked sent.

    A worker starts a send only while its claim has more than EMAIL_TIMEOUT left, so a
    send begun inside the lease ends (or times out) before anyone may retake the row;
    the rest of a slow batch is released for the next run. A failed send releases its row.
    Call it outside a transaction (after commit, or from a task): each mark must commit.
    """
    sent = 0
    lease = timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE_SECONDS)
    send_window = lease - timedelta(seconds=settings.EMAIL_TIMEOUT)
    for start in range(0, len(notification_ids), _CLAIM_SIZE):
        claimed_at = timezone.now()
        claimed = _claim(notification_ids[start : start + _CLAIM_SIZE], claimed_at=claimed_at)
        for position, notification in enumerate(claimed):
            if timezone.now() >= claimed_at + send_window:
                _release([n.pk for n in claimed[position:]], claimed_at=claimed_at)
                logger.warning("e-mail claim ran out of time; %d released", len(claimed) - position)
                break  # the next batch gets a claim (and a lease) of its own
            try:
                email_send(
                    to=notification.recipient.email,
                    subject=f"IMR Desk: {notification.text[:120]}",
                    body=_email_body(notification),
                )
            except Exception:
                _release([notification.pk], claimed_at=claimed_at)
                logger.exception("e-mail for notification %s failed", notification.pk)
                continue
            with transaction.atomic():
                Notification.objects.filter(pk=notification.pk, emailed_at=None).update(
                    emailed_at=timezone.now()
                )
            sent += 1
    return sent


def notifications_email_pending(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """E-mail notifications whose after-commit send never happened or died (R-NOT-4, R-SEC-9).

    The send after commit runs in the process that committed; if that process dies
    first or mid-batch (a worker killed mid-sweep, SMTP down), the rows stay with
    emailed_at empty. This picks up those never claimed and those whose claim's lease
    ran out; the claim keeps it from racing a live sender.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE_SECONDS)
    ids = list(
        Notification.objects.filter(emailed_at=None, created_at__lte=now - older_than)
        .filter(Q(email_claimed_at=None) | Q(email_claimed_at__lte=stale))
        .exclude(recipient__email="")
        .order_by("pk")
        .values_list("pk", flat=True)[:_PENDING_BATCH]
    )
    return notifications_email(notification_ids=ids)


def _claim(ids: list[int], *, claimed_at: datetime) -> list[Notification]:
    """Claim unsent rows of recipients with an address that no live lease holds."""
    if not ids:
        return []
    table = Notification._meta.db_table
    users = get_user_model()._meta.db_table
    placeholders = ", ".join(["%s"] * len(ids))
    stale = claimed_at - timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE_SECONDS)
    sql = (
        f"UPDATE {table} SET email_claimed_at = %s WHERE id IN ({placeholders}) "  # noqa: S608
        "AND emailed_at IS NULL AND (email_claimed_at IS NULL OR email_claimed_at <= %s) "
        f"AND recipient_id IN (SELECT id FROM {users} WHERE email <> '') "
        "RETURNING id"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [claimed_at, *ids, stale])
        claimed = [row[0] for row in cursor.fetchall()]
    return list(
        Notification.objects.filter(pk__in=claimed).select_related("recipient").order_by("pk")
    )


def _release(ids: list[int], *, claimed_at: datetime) -> None:
    """Give back rows this claim still holds and did not send, for the next run."""
    Notification.objects.filter(pk__in=ids, emailed_at=None, email_claimed_at=claimed_at).update(
        email_claimed_at=None
    )


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
