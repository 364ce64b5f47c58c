"""The one seam for delivering a referral to its reviewer (STYLE: one seam per channel).

Two channels: the reviewer portal (default), where a submitted case simply becomes
visible to the assigned reviewer, and a secure e-mail carrying only a link to the
portal. Nothing here writes case data; case_submit does that around the call.
Tests replace `deliverer_for` (or read Django's outbox) and nothing else.
"""

from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from imr.errors import Refused
from notifications.email import email_send
from reviewers.models import Assignment, DeliveryChannel


class Deliverer(Protocol):
    channel: str

    def problems(self, *, assignment: Assignment) -> list[str]:
        """What prevents delivery on this channel, in words for UM staff."""

    def deliver(self, *, case: Case, assignment: Assignment) -> datetime:
        """Deliver the referral; returns the moment the reviewer has the complete file."""


def portal_link(case: Case) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("reviewers:case", args=[case.pk])


def delivery_address(assignment: Assignment) -> str:
    """An independent specialist's own address, else the IMRO's secure delivery address."""
    if assignment.imro is not None:
        return assignment.imro.secure_delivery_address
    return assignment.specialist.email


class PortalDelivery:
    """The case appears in the assigned reviewer's portal the moment it is submitted."""

    channel = DeliveryChannel.PORTAL

    def problems(self, *, assignment: Assignment) -> list[str]:
        specialist = assignment.specialist
        coordinator = assignment.imro.coordinator_id if assignment.imro else None
        if specialist.user_id is None and coordinator is None:
            return [
                f"{specialist.name} has no portal account (nor has their IMRO a coordinator "
                "account): deliver by secure e-mail, or ask an Administrator to link one."
            ]
        return []

    def deliver(self, *, case: Case, assignment: Assignment) -> datetime:
        return timezone.now()


class SecureEmailDelivery:
    """A secure e-mail with a link to the portal; the message carries no PHI (R-NOT-4)."""

    channel = DeliveryChannel.EMAIL

    def problems(self, *, assignment: Assignment) -> list[str]:
        if not delivery_address(assignment):
            return [f"No secure delivery address is on file for {assignment.specialist.name}."]
        return []

    def deliver(self, *, case: Case, assignment: Assignment) -> datetime:
        address = delivery_address(assignment)
        body = "\n".join(
            [
                "A case has been referred to you for External Independent Medical Review.",
                "",
                f"Open it in the plan's reviewer portal (sign-in required): {portal_link(case)}",
                "",
                "This message holds no member information by design.",
            ]
        )
        # Sent only once the submission is committed: a refused submission sends nothing.
        transaction.on_commit(
            lambda: email_send(
                to=address, subject="IMR Desk: a case is ready for your review", body=body
            )
        )
        return timezone.now()


_DELIVERERS: dict[str, Deliverer] = {
    DeliveryChannel.PORTAL: PortalDelivery(),
    DeliveryChannel.EMAIL: SecureEmailDelivery(),
}


def deliverer_for(channel: str) -> Deliverer:
    try:
        return _DELIVERERS[channel]
    except KeyError:
        raise Refused(f"Unknown delivery channel “{channel}”; choose portal or email.") from None
