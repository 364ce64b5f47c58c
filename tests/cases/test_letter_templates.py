import pytest
from django.core.exceptions import ValidationError

from cases.models.letters import LetterTemplate
from cases.services.letter_templates import letter_template_publish
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db


def test_publishing_adds_a_version_and_keeps_the_old_one(administrator):
    before = LetterTemplate.objects.get(party="member", language="es", active=True)
    new = letter_template_publish(
        party="member",
        language="es",
        body=before.body + "<p>Nuevo párrafo.</p>",
        change_note="Wording reviewed by Compliance",
        actor=administrator,
    )
    assert new.version == before.version + 1
    assert new.active
    before.refresh_from_db()
    assert not before.active
    assert before.body in new.body


def test_a_broken_template_is_refused_and_nothing_changes(administrator):
    count = LetterTemplate.objects.count()
    with pytest.raises(ValidationError) as exc:
        letter_template_publish(
            party="member", language="en", body="{% if %}", change_note="x", actor=administrator
        )
    assert "does not compile" in str(exc.value)
    assert LetterTemplate.objects.count() == count
    assert LetterTemplate.objects.filter(party="member", language="en", active=True).count() == 1


def test_administrators_see_templates_in_the_admin_and_coordinators_do_not(
    administrator, coordinator
):
    assert client_for(administrator).get("/admin/cases/lettertemplate/").status_code == 200
    assert client_for(coordinator).get("/admin/cases/lettertemplate/").status_code == 302


def test_publishing_an_insert_adds_a_version_and_keeps_the_old_one(administrator):
    from cases.models import LetterInsert
    from cases.services.letter_templates import letter_insert_publish

    before = LetterInsert.objects.get(kind="taglines", language="", active=True)
    new = letter_insert_publish(
        kind="taglines",
        language="",
        body=before.body + "<p>Hmong line checked by a translator.</p>",
        change_note="Hmong added as a threshold language",
        actor=administrator,
    )
    before.refresh_from_db()
    assert (new.version, new.active, before.active) == (before.version + 1, True, False)
    with pytest.raises(ValidationError):
        letter_insert_publish(
            kind="rights", language="en", body="{% if %}", change_note="x", actor=administrator
        )
    assert LetterInsert.objects.filter(kind="rights", language="en", active=True).count() == 1


@pytest.mark.parametrize(
    ("url", "key", "model"),
    [
        ("/admin/cases/lettertemplate/add/", {"party": "member", "language": "en"}, "template"),
        ("/admin/cases/letterinsert/add/", {"kind": "rights", "language": "en"}, "insert"),
    ],
)
def test_the_admin_publishes_a_new_version_and_refuses_a_broken_one(administrator, url, key, model):
    from cases.models import LetterInsert

    rows = LetterTemplate if model == "template" else LetterInsert
    before = rows.objects.get(**key, active=True)
    client = client_for(administrator)
    body = before.body + "<p>A line Compliance approved.</p>"
    response = client.post(url, {**key, "body": body, "change_note": "Approved line added"})
    assert response.status_code == 302
    new = rows.objects.get(**key, active=True)
    assert (new.version, new.body, new.created_by) == (before.version + 1, body, administrator)
    client.post(url, {**key, "body": "{% if %}", "change_note": "broken"})
    assert rows.objects.get(**key, active=True) == new
    assert rows.objects.filter(**key).count() == before.version + 1  # nothing half-added
