"""Every case event names who acted (R-DL / issue 18 finding 1).

Existing events get the person's name, or "IMR Desk (automatic)" when no person acted,
before the column becomes required and non-empty.
"""

from django.db import migrations, models


def name_actors(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    for event in CaseEvent.objects.filter(actor_name="").select_related("actor").iterator():
        if event.actor_id is None:
            name = (
                "Practitioner's office (secure link)"
                if event.kind == "letter_downloaded"
                else "IMR Desk (automatic)"
            )
        else:
            user = event.actor
            name = f"{user.first_name} {user.last_name}".strip() or user.username
        CaseEvent.objects.filter(pk=event.pk).update(actor_name=name[:120])


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_case_open_idx_covers_id")]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="actor_name",
            field=models.CharField(default="", max_length=120),
            preserve_default=False,
        ),
        migrations.RunPython(name_actors, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="caseevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("actor_name", ""), _negated=True),
                name="caseevent_actor_named",
            ),
        ),
    ]
