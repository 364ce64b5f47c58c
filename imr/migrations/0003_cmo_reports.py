from django.db import migrations

from imr.roles import sync_role_groups


def forwards(apps, schema_editor):
    # The CMO / Physician Designee now holds view_reports (QUAC reports, R-RPT-1).
    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("imr", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
