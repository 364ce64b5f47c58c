"""How a stored letter reaches its party: one seam per channel (R-TRK-6, STYLE).

- E-mail (the practitioner's office): a message with a link to a secure download, never
  the letter itself and never PHI (R-NOT-4). The link is a random token (only its hash is
  stored) that expires, and the page behind it asks for the practitioner's NPI.
- Print-and-mail queue (the member): nothing leaves the building here; the letter waits
  in the queue page until UM staff print it, post it and mark it mailed. The case owner
  is told a letter is ready to mail.

Tests replace a channel by patching CHANNELS; a real mail house or provider portal plugs
in as another class with the same two methods.
"""

import logging
from typing import Protocol

from django.conf import settings
from django.urls import reverse

from cases.models import Case, Letter, LetterChannel, Party
from imr.errors import Refused
from notifications.email import email_send
from notifications.services import notification_send

logger = logging.getLogger(__name__)


class LetterDeliverer(Protocol):
    channel: str

    def problems(self, *, case: Case, party: str) -> list[str]:
        """Why this channel cannot reach the party (checked before anything is stored)."""

    def deliver(self, *, letter: Letter, token: str) -> None:
        """Hand the stored letter over; runs after the sending transaction commits."""


class EmailLinkDeliverer:
    channel = LetterChannel.EMAIL

    def problems(self, *, case: Case, party: str) -> list[str]:
        if party != Party.PRACTITIONER:
            return ["Member letters go by mail; the member has no secure download."]
        practitioner = case.treating_practitioner
        problems = []
        if not practitioner.email:
            problems.append("The treating practitioner has no e-mail address on file.")
        if not practitioner.npi:
            problems.append(
                "The treating practitioner has no NPI on file, which the secure link asks for."
            )
        return problems

    def deliver(self, *, letter: Letter, token: str) -> None:
        link = settings.SITE_URL.rstrip("/") + reverse("cases_decision:letter_link", args=[token])
        body = "\n".join(
            [
                "A notice about an External Independent Medical Review requested by your "
                "office is ready.",
                "",
                f"Download it securely: {link}",
                "You will be asked for the treating practitioner's National Provider "
                "Identifier. The link works for 30 days.",
                "",
                f"Reference: letter {letter.pk}. This message holds no patient information "
                "by design.",
            ]
        )
        try:
            email_send(
                to=letter.case.treating_practitioner.email,
                subject="A notice from the health plan is ready to download",
                body=body,
            )
        except Exception:
            logger.exception("e-mail of letter %s failed", letter.pk)
            notification_send(
                recipient=letter.sent_by,
                kind="letter_email_failed",
                case=letter.case,
                text=f"The e-mail for a letter on IMR case {letter.case_id} could not be sent; "
                "send it again or by mail.",
                link=reverse("cases:detail", args=[letter.case_id]) + "#decision",
                dedupe_key=f"letter_email_failed:{letter.pk}",
            )


class MailQueueDeliverer:
    channel = LetterChannel.MAIL

    def problems(self, *, case: Case, party: str) -> list[str]:
        if party == Party.PRACTITIONER and not case.treating_practitioner.address.strip():
            return ["The treating practitioner has no mailing address on file."]
        return []

    def deliver(self, *, letter: Letter, token: str) -> None:
        notification_send(
            recipient=letter.case.owner,
            kind="letter_ready_to_mail",
            case=letter.case,
            text=f"A letter on IMR case {letter.case_id} is ready to print and mail.",
            link=reverse("cases_decision:mail_queue"),
            dedupe_key=f"letter_ready_to_mail:{letter.pk}",
        )


CHANNELS: dict[str, LetterDeliverer] = {
    LetterChannel.EMAIL: EmailLinkDeliverer(),
    LetterChannel.MAIL: MailQueueDeliverer(),
}


def channel_for(channel: str) -> LetterDeliverer:
    if channel not in CHANNELS:
        raise Refused("Choose how to send the letter: by mail or by e-mail.")
    return CHANNELS[channel]


def default_channel(*, case: Case, party: str) -> str:
    """Members by mail; practitioners by e-mail when an address is on file, else by mail."""
    if party == Party.PRACTITIONER and case.treating_practitioner.email:
        return LetterChannel.EMAIL
    return LetterChannel.MAIL
