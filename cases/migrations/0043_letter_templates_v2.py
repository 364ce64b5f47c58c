"""Version 2 of the member and practitioner letters (English, Spanish), written per
notice type (R-NOT-6…11), and version 1 of the inserts printed
with member letters (R-NOT-7, R-NOT-8), from templates/cases/letters/v2/ and
templates/cases/letters/inserts/v1/. Those files stay as they are: later wording is a
new version."""

from pathlib import Path

from django.db import migrations
from django.utils import timezone

LETTERS = Path(__file__).resolve().parent.parent.parent / "templates" / "cases" / "letters"
V2 = (("member", "en"), ("member", "es"), ("practitioner", "en"), ("practitioner", "es"))
INSERTS = (
    ("rights", "en"),
    ("rights", "es"),
    ("nondiscrimination", "en"),
    ("nondiscrimination", "es"),
    ("taglines", ""),
)
NOTE = "Notice types, reviewer analysis, plan contacts (issue 17; to be reviewed by Compliance)."


def seed(apps, schema_editor) -> None:
    LetterTemplate = apps.get_model("cases", "LetterTemplate")
    LetterInsert = apps.get_model("cases", "LetterInsert")
    now = timezone.now()
    for party, language in V2:
        if LetterTemplate.objects.filter(party=party, language=language, version=2).exists():
            continue
        LetterTemplate.objects.filter(party=party, language=language).update(active=False)
        LetterTemplate.objects.create(
            party=party,
            language=language,
            version=2,
            body=(LETTERS / "v2" / f"{party}_{language}.html").read_text(encoding="utf-8"),
            active=True,
            change_note=NOTE,
            created_at=now,
        )
    for kind, language in INSERTS:
        if LetterInsert.objects.filter(kind=kind, language=language).exists():
            continue
        name = f"{kind}_{language}.html" if language else f"{kind}.html"
        LetterInsert.objects.create(
            kind=kind,
            language=language,
            version=1,
            body=(LETTERS / "inserts" / "v1" / name).read_text(encoding="utf-8"),
            active=True,
            change_note="Default wording shipped with IMR Desk (to be reviewed by Compliance).",
            created_at=now,
        )


def unseed(apps, schema_editor) -> None:
    LetterTemplate = apps.get_model("cases", "LetterTemplate")
    apps.get_model("cases", "LetterInsert").objects.filter(version=1, created_by=None).delete()
    for party, language in V2:
        LetterTemplate.objects.filter(
            party=party, language=language, version=2, created_by=None
        ).delete()
        LetterTemplate.objects.filter(party=party, language=language, version=1).update(
            active=True
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0042_notices")]

    operations = [migrations.RunPython(seed, unseed)]
