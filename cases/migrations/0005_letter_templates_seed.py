"""Seed version 1 of the four letter templates (member and practitioner, English and
Spanish) from templates/cases/letters/v1/. Those files are version 1 and stay as they
are: later wording is a new version (Administrators add it in the admin)."""

from pathlib import Path

from django.db import migrations
from django.utils import timezone

SEED_DIR = Path(__file__).resolve().parent.parent.parent / "templates" / "cases" / "letters" / "v1"


def seed(apps, schema_editor) -> None:
    LetterTemplate = apps.get_model("cases", "LetterTemplate")
    now = timezone.now()
    for party in ("member", "practitioner"):
        for language in ("en", "es"):
            if LetterTemplate.objects.filter(party=party, language=language).exists():
                continue
            LetterTemplate.objects.create(
                party=party,
                language=language,
                version=1,
                body=(SEED_DIR / f"{party}_{language}.html").read_text(encoding="utf-8"),
                active=True,
                change_note="Default wording shipped with IMR Desk (to be reviewed by Compliance).",
                created_at=now,
            )


def unseed(apps, schema_editor) -> None:
    apps.get_model("cases", "LetterTemplate").objects.filter(version=1, created_by=None).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_determination_immutable")]

    operations = [migrations.RunPython(seed, unseed)]
