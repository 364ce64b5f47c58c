"""Each role sees only the navigation it may use."""

import pytest
from django.urls import reverse

from tests.support.personas import client_for


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("coordinator", ["Work queue"], ["Reports", "Reviewer portal", "Administration"]),
        ("cmo", ["Work queue", "Reports"], ["Reviewer portal", "Administration"]),
        ("quac_member", ["Reports"], ["Work queue", "Reviewer portal", "Administration"]),
        ("reviewer", ["Reviewer portal"], ["Work queue", "Reports", "Administration"]),
        ("administrator", ["Reports", "Administration"], ["Work queue", "Reviewer portal"]),
    ],
)
def test_navigation_matches_the_role(request, persona, shown, hidden):
    user = request.getfixturevalue(persona)
    html = client_for(user).get(reverse("home"), follow=True).content.decode()
    nav = html.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    for label in shown:
        assert f">{label}</a>" in nav, label
    for label in hidden:
        assert f">{label}</a>" not in nav, label


@pytest.mark.django_db
def test_a_user_without_a_role_is_told_so(outsider):
    html = client_for(outsider).get(reverse("home")).content.decode()
    assert "Your account has no role yet" in html
