"""A signed determination cannot be changed or deleted, even by SQL (R-TRK-5).

The services refuse first; this trigger is the second line, for a stray shell session
or a future bug. A no-op UPDATE (every column unchanged) is let through, because
django-simple-history re-saves the row once to record the signing. SQLite (the run
command's embedded database) gets no trigger: the services still refuse there.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION cases_determination_signed_is_final() RETURNS trigger AS $$
BEGIN
    IF OLD.signed_at IS NOT NULL THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'signed determination % cannot be deleted', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW IS DISTINCT FROM OLD THEN
            RAISE EXCEPTION 'signed determination % cannot be changed; record an amendment', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER cases_determination_signed_is_final
    BEFORE UPDATE OR DELETE ON cases_determination
    FOR EACH ROW EXECUTE FUNCTION cases_determination_signed_is_final();
"""

DROP = """
DROP TRIGGER IF EXISTS cases_determination_signed_is_final ON cases_determination;
DROP FUNCTION IF EXISTS cases_determination_signed_is_final();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            # A plain cursor: the plpgsql body's "%" placeholders are not query parameters.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_letters_closure")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
