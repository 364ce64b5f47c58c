"""Local times typed by a person around daylight-saving changes (R-DL-18): one helper for
every form and API field; refused with the gap named or both readings shown."""

from datetime import UTC, datetime

import pytest
from django import forms
from django.urls import reverse

from cases.models import Case
from imr.local_time import LocalDateTimeField, LocalTimeProblem, local_time_parse, plan_zone
from tests.cases.test_case_api import NEW_CASE
from tests.cases.test_case_views import INTAKE
from tests.support.personas import client_for

GAP = "2026-03-08T02:30"  # clocks jump from 02:00 PST to 03:00 PDT
TWICE = "2026-11-01T01:30"  # 01:30 PDT, then 01:30 PST
BOTH = "01:30 PDT (UTC-7) or 01:30 PST (UTC-8)"


class WhenForm(forms.Form):
    at = LocalDateTimeField(label="When")


def test_the_helper_names_the_gap_and_both_readings():
    with pytest.raises(LocalTimeProblem, match="clocks jump from 02:00 to 03:00"):
        local_time_parse(GAP, plan_zone())
    with pytest.raises(LocalTimeProblem) as twice:
        local_time_parse(TWICE, plan_zone())
    assert BOTH in str(twice.value)
    first = local_time_parse(TWICE, plan_zone(), fold=0)
    second = local_time_parse(TWICE, plan_zone(), fold=1)
    assert (second - first).total_seconds() == 3600
    assert first.astimezone(UTC) == datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
    # An offset says which reading; an ordinary time is one moment, in whole seconds.
    assert local_time_parse(TWICE + "-08:00", plan_zone()) == second
    assert local_time_parse("2026-07-01T10:00:07.4", plan_zone()).microsecond == 0


def test_a_form_refuses_the_gap_and_offers_the_reading_which_round_trips():
    gap = WhenForm({"at": GAP})
    assert not gap.is_valid()
    assert "clocks jump from 02:00 to 03:00" in gap.errors["at"][0]

    twice = WhenForm({"at": TWICE})
    assert not twice.is_valid()
    assert BOTH in twice.errors["at"][0]
    html = str(twice["at"])
    assert '<option value="0">01:30 PDT (UTC-7)</option>' in html
    assert '<option value="1">01:30 PST (UTC-8)</option>' in html

    chosen = WhenForm({"at": TWICE, "at_reading": "1"})
    assert chosen.is_valid()
    assert chosen.cleaned_data["at"].astimezone(UTC) == datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
    # Shown again (another field refused, say), the chosen reading stays selected.
    assert '<option value="1" selected>01:30 PST (UTC-8)</option>' in str(chosen["at"])
    ordinary = WhenForm({"at": "2026-06-01T09:00"})
    assert ordinary.is_valid() and "select" not in str(ordinary["at"])


@pytest.mark.django_db
def test_intake_refuses_an_ambiguous_receipt_then_takes_the_chosen_reading(coordinator):
    client = client_for(coordinator)
    response = client.post(reverse("cases:intake"), {**INTAKE, "received_at_plan": TWICE})
    assert response.status_code in (200, 400)
    body = response.content.decode()
    assert BOTH in body and 'name="received_at_plan_reading"' in body
    assert not Case.objects.filter(tar_number=INTAKE["tar_number"]).exists()

    response = client.post(reverse("cases:intake"), {**INTAKE, "received_at_plan": GAP})
    assert "clocks jump from 02:00 to 03:00" in response.content.decode()

    response = client.post(
        reverse("cases:intake"),
        {**INTAKE, "received_at_plan": TWICE, "received_at_plan_reading": "0"},
    )
    assert response.status_code == 302
    case = Case.objects.get(tar_number=INTAKE["tar_number"])
    assert case.received_at_plan == datetime(2026, 11, 1, 8, 30, tzinfo=UTC)


@pytest.mark.django_db
def test_the_deadline_preview_refuses_both(coordinator):
    client = client_for(coordinator)
    preview = "/api/v1/deadlines/preview/"
    response = client.get(preview, {"review_type": "expedited", "received_at": TWICE})
    assert response.status_code == 400
    assert BOTH in response.content.decode()
    response = client.get(preview, {"review_type": "expedited", "received_at": GAP})
    assert response.status_code == 400
    assert "clocks jump from 02:00 to 03:00" in response.content.decode()
    with_offset = client.get(preview, {"review_type": "expedited", "received_at": TWICE + "-07:00"})
    assert with_offset.status_code == 200


@pytest.mark.django_db
def test_the_case_api_refuses_an_ambiguous_receipt_without_an_offset(coordinator):
    client = client_for(coordinator)
    response = client.post(
        "/api/v1/cases/",
        {**NEW_CASE, "received_at_plan": TWICE},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert BOTH in response.content.decode()
    assert not Case.objects.filter(tar_number=NEW_CASE["tar_number"]).exists()
    response = client.post(
        "/api/v1/cases/",
        {**NEW_CASE, "received_at_plan": TWICE + "-08:00"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Case.objects.get(tar_number=NEW_CASE["tar_number"]).received_at_plan == datetime(
        2026, 11, 1, 9, 30, tzinfo=UTC
    )


def test_a_time_at_the_end_of_the_calendar_is_refused_not_an_error():
    far = WhenForm({"at": "9999-12-31T23:59"})
    assert not far.is_valid()
    assert WhenForm({"at": "not a time"}).is_valid() is False


def _form_cases():
    from cases.forms import CaseForm, ReceivedAtPlanChangeForm
    from reviewers.forms import ContactForm, StaffReviewForm

    return [
        (CaseForm, "received_at_plan"),
        (ReceivedAtPlanChangeForm, "received_at_plan"),
        (ContactForm, "at"),
        (StaffReviewForm, "received_at"),
    ]


@pytest.mark.parametrize(("form_class", "field"), _form_cases())
def test_every_form_with_a_typed_time_refuses_the_gap_and_the_repeat(form_class, field):
    gap = form_class({field: GAP})
    assert not gap.is_valid()
    assert "clocks jump from 02:00 to 03:00" in " ".join(gap.errors[field])
    twice = form_class({field: TWICE})
    assert not twice.is_valid()
    assert BOTH in " ".join(twice.errors[field])
    assert f'name="{field}_reading"' in str(twice[field])
    chosen = form_class({field: TWICE, f"{field}_reading": "1"})
    chosen.is_valid()
    assert field not in chosen.errors


def _serializer_cases():
    from cases.serializers.case import CaseSearchSerializer, CaseWriteSerializer
    from reviewers.serializers import ContactInput, StaffReviewInput

    return [
        (CaseWriteSerializer, "received_at_plan"),
        (CaseSearchSerializer, "received_after"),
        (ContactInput, "at"),
        (StaffReviewInput, "received_at"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("serializer_class", "field"), _serializer_cases())
def test_every_api_field_with_a_typed_time_refuses_the_gap_and_the_repeat(serializer_class, field):
    for value, words in ((GAP, "clocks jump from 02:00 to 03:00"), (TWICE, BOTH)):
        serializer = serializer_class(data={field: value})
        assert not serializer.is_valid()
        assert words in " ".join(str(e) for e in serializer.errors[field])
    with_offset = serializer_class(data={field: TWICE + "-07:00"})
    with_offset.is_valid()
    assert field not in with_offset.errors


def test_a_saved_time_in_the_repeated_hour_shows_its_reading_for_an_edit():
    second = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)  # 01:30 PST, the second 01:30
    html = str(WhenForm(initial={"at": second})["at"])
    assert 'value="2026-11-01T01:30:00"' in html
    assert '<option value="1" selected>01:30 PST (UTC-8)</option>' in html
    posted = WhenForm({"at": "2026-11-01T01:30:00", "at_reading": "1"})
    assert posted.is_valid() and posted.cleaned_data["at"] == second
