"""Versioned letter templates (R-NOT-3): a new wording is a new version, never an edit."""

import re

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.template import Template, TemplateSyntaxError
from django.utils import timezone

from cases.models.letters import LetterInsert, LetterTemplate
from imr.errors import Refused

# A template variable or tag inside a <style> block or a style="…" attribute would put
# case text into CSS, where a crafted value becomes a url() fetch (R-SEC-1).
_CSS_WITH_TEMPLATE_OUTPUT = re.compile(
    r"<style\b[^>]*>(?:(?!</style).)*?\{[{%]|\bstyle\s*=\s*(?:\"[^\"]*|'[^']*)\{[{%]",
    re.IGNORECASE | re.DOTALL,
)


def letter_template_publish(
    *, party: str, language: str, body: str, change_note: str, actor: AbstractBaseUser
) -> LetterTemplate:
    """Add the next version for (party, language) and make it the active one.

    Letters already sent keep the exact PDF they were sent with, so earlier versions stay
    as history and are never changed.
    """
    return _version_publish(
        LetterTemplate,
        {"party": party, "language": language},
        body=body,
        change_note=change_note,
        actor=actor,
    )


def letter_insert_publish(
    *, kind: str, language: str, body: str, change_note: str, actor: AbstractBaseUser
) -> LetterInsert:
    """Add the next version of an insert (R-NOT-7, R-NOT-8) and make it the active one;
    letters already sent keep the inserts they were printed with."""
    return _version_publish(
        LetterInsert,
        {"kind": kind, "language": language},
        body=body,
        change_note=change_note,
        actor=actor,
    )


@transaction.atomic
def _version_publish(model, key: dict[str, str], *, body: str, change_note: str, actor):
    """The next version of a versioned text (a letter template or an insert) under `key`,
    made the only active one of its key; earlier versions stay as they were."""
    _body_check(body=body, change_note=change_note)
    latest = (
        model.objects.select_for_update().filter(**key).aggregate(Max("version"))["version__max"]
    )
    model.objects.filter(**key, active=True).update(active=False)
    return model.objects.create(
        **key,
        version=(latest or 0) + 1,
        body=body,
        active=True,
        change_note=change_note.strip(),
        created_by=actor,
        created_at=timezone.now(),
    )


def _body_check(*, body: str, change_note: str) -> None:
    if not change_note.strip():
        raise Refused({"change_note": ["Say what changed in this version."]})
    if _CSS_WITH_TEMPLATE_OUTPUT.search(body):
        raise Refused(
            {
                "body": [
                    "Case text may not be placed inside a <style> block or a style attribute; "
                    "put it in the letter's text."
                ]
            }
        )
    try:
        Template(body)
    except TemplateSyntaxError as exc:
        raise Refused({"body": [f"The template does not compile: {exc}"]}) from exc
