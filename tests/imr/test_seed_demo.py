import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from imr.management.commands.seed_demo import DEMO_USERS
from tests.support.personas import client_for


@pytest.mark.django_db
def test_it_creates_one_login_per_role_and_prints_them(capsys):
    call_command("seed_demo", password="demo-password-for-tests")
    out = capsys.readouterr().out
    User = get_user_model()
    for username, _, _, role in DEMO_USERS:
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [str(role)]
        assert user.check_password("demo-password-for-tests")
        assert username in out
        assert user.email.endswith(".invalid")


@pytest.mark.django_db
def test_running_it_twice_keeps_passwords(capsys):
    call_command("seed_demo", password="first-password-for-tests")
    call_command("seed_demo")
    assert "already exist" in capsys.readouterr().out
    user = get_user_model().objects.get(username="demo.cmo")
    assert user.check_password("first-password-for-tests")


@pytest.mark.django_db
def test_the_demo_administrator_can_open_the_admin():
    call_command("seed_demo", password="demo-password-for-tests")
    admin = get_user_model().objects.get(username="demo.admin")
    assert client_for(admin).get("/admin/").status_code == 200


@pytest.mark.django_db
def test_it_loads_cases_in_several_states_with_running_clocks():
    from cases.models import Case, Status
    from timelines.models import Clock

    call_command("seed_demo", password="demo-password-for-tests")
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {Status.INTAKE, Status.ASSEMBLING, Status.SUBMITTED, Status.REVIEW_RECEIVED} <= statuses
    assert set(Case.objects.values_list("review_type", flat=True)) == {
        "standard",
        "expedited",
        "retrospective",
    }
    running = Clock.objects.filter(status="running")
    assert running.filter(name="imro_determination", review_type="standard").exists()
    from django.utils import timezone

    assert running.filter(due_at__lt=timezone.now()).exists(), "a demo clock is overdue"
    call_command("seed_demo")
    assert Case.objects.count() == 13


PACIFIC = ZoneInfo("America/Los_Angeles")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "loaded_at",
    [
        # Tuesday after Thanksgiving: two holidays in the last ten days.
        datetime(2026, 12, 1, 16, 48, tzinfo=PACIFIC),
        # Monday after Christmas, and the first business day of a year.
        datetime(2026, 12, 28, 9, 0, tzinfo=PACIFIC),
        datetime(2027, 1, 4, 8, 0, tzinfo=PACIFIC),
        # A Saturday.
        datetime(2027, 3, 6, 12, 0, tzinfo=PACIFIC),
    ],
    ids=str,
)
def test_the_demo_has_an_overdue_clock_whatever_the_day(loaded_at):
    from timelines.models import Clock

    with time_machine.travel(loaded_at, tick=False):
        call_command("seed_demo", password="demo-password-for-tests")
        running = Clock.objects.filter(status="running")
        assert running.filter(due_at__lt=loaded_at).exists(), "a demo clock is overdue"
        assert running.filter(due_at__gt=loaded_at).exists(), "a demo clock is still running"


@pytest.mark.django_db
def test_if_empty_does_nothing_when_users_exist(coordinator, capsys):
    call_command("seed_demo", if_empty=True)
    assert capsys.readouterr().out == ""
    assert not get_user_model().objects.filter(username="demo.cmo").exists()


@pytest.mark.django_db
def test_every_demo_specialty_has_a_reviewer_login_and_the_block_names_its_cases(capsys):
    from cases.models import Case
    from reviewers.models import Specialist
    from reviewers.selectors import reviewer_suggestions

    call_command("seed_demo", password="demo-password-for-tests")
    out = capsys.readouterr().out
    specialties = {
        name
        for pair in Specialist.objects.values_list("specialty__name", "subspecialty__name")
        for name in pair
    }
    with_login = {
        name
        for pair in Specialist.objects.exclude(user=None).values_list(
            "specialty__name", "subspecialty__name"
        )
        for name in pair
    }
    assert specialties == with_login
    for specialist in Specialist.objects.exclude(user=None):
        assert specialist.user.check_password("demo-password-for-tests")
        assert specialist.user.groups.filter(name="IMRO reviewer").exists()

    # The knee case's first suggestion is the orthopaedic reviewer, who can sign in.
    knee = Case.objects.get(tar_number="DEMO-1008")
    first = reviewer_suggestions(knee)[0]
    assert first.specialist.user.username == "demo.reviewer.ortho"
    block = out[out.index("Which reviewer fits") :]
    assert re.search(r"demo\.reviewer\.ortho\s+Orthopaedic Sports Medicine\s+DEMO-1008", block)
    assert re.search(r"demo\.reviewer\s+Cardiovascular Disease\s+DEMO-1001", block)
    assert "seed_demo --reset-passwords" in block
    assert out.rstrip().endswith("=" * 72), "the logins block comes last"


@pytest.mark.django_db
def test_show_logins_prints_the_usernames_without_passwords(capsys):
    call_command("seed_demo", password="demo-password-for-tests")
    capsys.readouterr()
    call_command("seed_demo", show_logins=True)
    out = capsys.readouterr().out
    assert "demo-password-for-tests" not in out
    for username, _, _, _ in DEMO_USERS:
        assert username in out
    assert "DEMO-1008" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("tar", "notice_type", "language"),
    [
        ("DEMO-1101", "appeal_upheld", "en"),
        ("DEMO-1102", "appeal_overturned", "en"),
        ("DEMO-1103", "denial", "en"),
        ("DEMO-1104", "modification", "en"),
        ("DEMO-1105", "appeal_upheld", "es"),
    ],
)
def test_every_demo_notice_type_previews_with_all_checks_passing(tar, notice_type, language):
    from cases.models import Case, Status
    from cases.services.letters import letter_render

    call_command("seed_demo", password="demo-password-for-tests")
    case = Case.objects.get(tar_number=tar)
    assert case.status == Status.DECIDED
    member = letter_render(case=case, party="member")
    assert (member.notice.code, member.language) == (notice_type, language)
    assert member.problems == []
    assert letter_render(case=case, party="practitioner").problems == []
