"""The demo registry: synthetic, idempotent, linked to the demo reviewer account."""

import pytest

from imr.roles import Role
from reviewers.demo import demo_registry_seed
from reviewers.models import Imro, Specialist
from reviewers.selectors import registry_rows
from tests.support.personas import make_user


@pytest.mark.django_db
def test_it_seeds_two_imros_and_six_specialists_once():
    demo_reviewer = make_user("demo.reviewer", Role.IMRO_REVIEWER)

    demo_registry_seed()
    demo_registry_seed()

    assert Imro.objects.count() == 2
    assert Specialist.objects.count() == 6
    assert all("(demo)" in s.name for s in Specialist.objects.all())
    assert Specialist.objects.get(user=demo_reviewer).subspecialty.name == "Cardiovascular Disease"
    ineligible = [row for row in registry_rows() if not row.eligible]
    assert len(ineligible) == 1
    assert "license" in ineligible[0].reasons[0]


@pytest.mark.django_db
def test_it_runs_without_the_demo_reviewer_account():
    demo_registry_seed()
    assert not Specialist.objects.exclude(user=None).exists()


@pytest.mark.django_db
def test_each_demo_reviewer_login_is_linked_to_its_own_specialist():
    from reviewers.demo import DEMO_REVIEWER_LOGINS

    users = [make_user(username, Role.IMRO_REVIEWER) for username, _, _, _ in DEMO_REVIEWER_LOGINS]
    demo_registry_seed()
    linked = {s.user.username: s.name for s in Specialist.objects.exclude(user=None)}
    assert linked == {username: name for username, _, _, name in DEMO_REVIEWER_LOGINS}
    assert len(users) == 5
    assert Specialist.objects.get(user__username="demo.reviewer.ortho").specialty.name == (
        "Orthopaedic Surgery"
    )
