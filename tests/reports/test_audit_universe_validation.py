"""The audit universe's validation pass (R-RPT-5) on hand-made rows.

Each row is one the workflow cannot produce (the services refuse these orders), so the
rules are checked on the pure function the command runs over the database's rows.
"""

from datetime import UTC, datetime, timedelta

import pytest

from reports.universe import DATE_NAMES, REQUIRED_BY_STATUS, universe_problems

T0 = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)


def good_row(**overrides: object) -> dict[str, object]:
    """A closed case whose dates are one hour apart, in the order a case meets them."""
    row: dict[str, object] = {"case_id": 7, "status": "closed"}
    hour = 0
    for name in DATE_NAMES:
        if name == "oral_notice":
            row[name] = None
            continue
        row[name] = T0 + timedelta(hours=hour)
        hour += 1
    row.update(overrides)
    return row


def test_a_row_in_order_has_no_problem():
    assert universe_problems([good_row()]) == []


def test_a_withdrawn_case_needs_no_later_date():
    row = {"case_id": 8, "status": "withdrawn", "received_at_plan": T0}
    assert universe_problems([row]) == []


@pytest.mark.parametrize(
    ("later", "earlier"),
    [
        ("imro_received", "file_sent"),
        ("review_received", "imro_received"),
        ("determination_signed", "review_received"),
        ("member_notice_sent", "determination_signed"),
        ("practitioner_notice_sent", "determination_signed"),
        ("closed", "resolved"),
        ("file_sent", "referral_approved"),
    ],
)
def test_it_finds_each_impossible_order(later, earlier):
    row = good_row()
    row[later] = row[earlier] - timedelta(minutes=1)  # type: ignore[operator]
    problems = universe_problems([row])
    rules = [problem.rule for problem in problems]
    assert f"{later} before {earlier}" in rules
    found = next(p for p in problems if p.rule == f"{later} before {earlier}")
    assert found.case_id == 7
    assert found.first == (later, row[later])
    assert found.second == (earlier, row[earlier])
    assert found.describe().startswith(f"case 7: {later} before {earlier} ({later}=2026-06-01T")


def test_it_finds_a_date_before_the_receipt_at_the_plan():
    row = good_row(referral_approved=T0 - timedelta(days=1))
    assert "referral_approved before received_at_plan" in [p.rule for p in universe_problems([row])]


def test_an_oral_notice_before_the_signature_is_found():
    row = good_row(oral_notice=T0 + timedelta(minutes=30))  # signed at T0 + 4 h
    assert "oral_notice before determination_signed" in [p.rule for p in universe_problems([row])]


def test_a_closed_case_without_resolved_is_found():
    problems = universe_problems([good_row(resolved=None)])
    assert [p.rule for p in problems] == ["resolved missing for a closed case"]
    assert "resolved=missing" in problems[0].describe()


@pytest.mark.parametrize("status", sorted(REQUIRED_BY_STATUS))
def test_each_status_needs_the_dates_before_it(status):
    needed = REQUIRED_BY_STATUS[status]
    row = good_row(status=status, **{needed[-1]: None})
    assert f"{needed[-1]} missing for a {status} case" in [p.rule for p in universe_problems([row])]


def test_a_submitted_case_needs_no_review():
    row = good_row(status="submitted", review_received=None, determination_signed=None)
    row |= {name: None for name in DATE_NAMES[6:]}
    assert universe_problems([row]) == []
