"""preview_deadlines (R-API-2) for the three review types, plain and --json."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def preview(*args: str) -> str:
    out = StringIO()
    call_command("preview_deadlines", *args, stdout=out)
    return out.getvalue()


def preview_json(*args: str) -> dict[str, str]:
    body = json.loads(preview(*args, "--json"))
    return {clock["name"]: clock["due_at"] for clock in body["clocks"]}


@pytest.mark.django_db
def test_standard_json_uses_the_seeded_calendar():
    body = json.loads(
        preview("--review-type", "standard", "--received-at", "2025-08-29T16:55", "--json")
    )
    (clock,) = body["clocks"]
    assert clock["name"] == "imro_determination"
    assert clock["due_at"] == "2025-09-08T23:59:59-07:00"
    assert {"date": "2025-09-01", "reason": "holiday (Labor Day)"} in clock["explanation"][
        "skipped"
    ]


@pytest.mark.django_db
def test_expedited_json_across_spring_forward():
    assert preview_json("--review-type", "expedited", "--received-at", "2026-03-07T10:00") == {
        "imro_determination": "2026-03-08T11:00:00-07:00",
        "appeal_resolution": "2026-03-10T11:00:00-07:00",
    }


@pytest.mark.django_db
def test_retrospective_json_with_the_examples_holidays_replacing_the_calendar():
    dues = preview_json(
        "--review-type",
        "retrospective",
        "--received-at",
        "2026-06-01T09:00",
        "--imro-received-at",
        "2026-06-10T14:00",
        "--holidays",
        "2026-06-19,2026-07-03",
    )
    assert dues == {
        "imro_determination_target": "2026-06-17T23:59:59-07:00",
        "imro_determination_limit": "2026-06-22T23:59:59-07:00",
        "appeal_decision": "2026-07-15T23:59:59-07:00",
    }


@pytest.mark.django_db
def test_holidays_replace_the_calendar_even_when_empty():
    dues = preview_json(
        "--review-type", "standard", "--received-at", "2025-08-29T16:55", "--holidays", ""
    )
    assert dues == {"imro_determination": "2025-09-05T23:59:59-07:00"}


@pytest.mark.django_db
def test_a_utc_receipt_is_shown_in_the_plan_zone():
    dues = preview_json("--review-type", "standard", "--received-at", "2026-03-03T05:30:00Z")
    assert dues == {"imro_determination": "2026-03-09T23:59:59-07:00"}


@pytest.mark.django_db
def test_plain_output_explains_each_clock():
    text = preview("--review-type", "standard", "--received-at", "2025-08-29T16:55")
    assert "imro_determination: due 2025-09-08T23:59:59-07:00" in text
    assert "Skipped Mon 2025-09-01: holiday (Labor Day)." in text
    assert "The day of receipt, Fri 2025-08-29, is not counted." in text
    assert "VI.G.1" in text


@pytest.mark.django_db
def test_plain_output_for_expedited_and_retrospective():
    expedited = preview("--review-type", "expedited", "--received-at", "2026-03-07T10:00")
    assert "appeal_resolution: due 2026-03-10T11:00:00-07:00" in expedited
    retro = preview("--review-type", "retrospective", "--received-at", "2026-06-01T09:00")
    assert "appeal_decision: due 2026-07-15T23:59:59-07:00" in retro
    assert "42 CFR 438.408(b)(2)" in retro


@pytest.mark.django_db
def test_extended_applies_24_hours_when_allowed():
    dues = preview_json(
        "--review-type",
        "expedited",
        "--received-at",
        "2026-03-07T10:00",
        "--imro-received-at",
        "2026-03-07T12:00",
        "--extended",
    )
    assert dues["imro_determination"] == "2026-03-09T13:00:00-07:00"


@pytest.mark.django_db
def test_extended_fails_with_both_times_when_refused():
    # Only --received-at: the IMRO receipt is the same moment, so 48 h ends before 72 h...
    preview_json("--review-type", "expedited", "--received-at", "2026-03-07T10:00", "--extended")
    # ...but an IMRO receipt a day later cannot be extended within the 72 hours.
    with pytest.raises(CommandError) as refused:
        preview(
            "--review-type",
            "expedited",
            "--received-at",
            "2026-03-07T10:00",
            "--imro-received-at",
            "2026-03-08T14:00",
            "--extended",
        )
    assert "2026-03-10T14:00:00-07:00" in str(refused.value)
    assert "2026-03-10T11:00:00-07:00" in str(refused.value)


@pytest.mark.django_db
def test_extended_is_refused_for_a_standard_review():
    with pytest.raises(CommandError, match="expedited reviews only"):
        preview("--review-type", "standard", "--received-at", "2026-03-07T10:00", "--extended")


@pytest.mark.django_db
def test_a_bad_time_gets_a_clear_message():
    with pytest.raises(CommandError, match="ISO-8601"):
        preview("--review-type", "standard", "--received-at", "next tuesday")
