"""A reviewer's question stays open until UM staff answer; an open one blocks closing."""

import pytest

from cases.models import CaseEvent
from imr.errors import Refused
from reviewers import services
from reviewers.selectors import open_information_requests
from tests.reviewers.conftest import make_case, submitted
from tests.support.personas import client_for


@pytest.fixture
def case(coordinator, specialist_a):
    return submitted(make_case(owner=coordinator), specialist_a, coordinator)


@pytest.mark.django_db
def test_a_question_from_the_portal_is_open_until_answered(case, reviewer, coordinator):
    response = client_for(reviewer).post(
        f"/portal/cases/{case.pk}/questions/", {"question": "Please send the latest echo."}
    )
    assert response.status_code == 302
    (question,) = open_information_requests(case)
    assert question.question == "Please send the latest echo."

    response = client_for(coordinator).post(
        f"/portal/staff/cases/{case.pk}/questions/{question.pk}/answer/",
        {"answer": "Uploaded as Clinical data 2."},
    )

    assert response.status_code == 302
    assert list(open_information_requests(case)) == []
    question.refresh_from_db()
    assert (question.answered_by, question.answer) == (coordinator, "Uploaded as Clinical data 2.")
    assert question.history.first().answered_at is not None
    kinds = set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert {"information_requested", "information_answered"} <= kinds


@pytest.mark.django_db
def test_the_reviewer_sees_the_answer_in_the_portal(case, reviewer, coordinator):
    question = services.information_request_ask(case=case, actor=reviewer, question="Labs?")
    services.information_request_answer(
        information_request=question, actor=coordinator, answer="Creatinine 1.1."
    )

    page = client_for(reviewer).get(f"/portal/cases/{case.pk}/").content.decode()

    assert "Creatinine 1.1." in page


@pytest.mark.django_db
def test_an_answer_naming_the_member_is_refused(case, reviewer, coordinator):
    question = services.information_request_ask(case=case, actor=reviewer, question="Who?")

    with pytest.raises(Refused) as refused:
        services.information_request_answer(
            information_request=question, actor=coordinator, answer="Philomena Quackenbush, CIN."
        )

    assert "member's" in refused.value.problems[0]
    assert list(open_information_requests(case)) == [question]


@pytest.mark.django_db
def test_a_question_is_answered_once(case, reviewer, coordinator):
    question = services.information_request_ask(case=case, actor=reviewer, question="Labs?")
    services.information_request_answer(
        information_request=question, actor=coordinator, answer="First."
    )

    with pytest.raises(Refused):
        services.information_request_answer(
            information_request=question, actor=coordinator, answer="Second."
        )

    question.refresh_from_db()
    assert question.answer == "First."


@pytest.mark.django_db
def test_questions_are_asked_only_while_the_case_is_with_the_reviewer(coordinator, reviewer):
    case = make_case(owner=coordinator)
    with pytest.raises(Refused):
        services.information_request_ask(case=case, actor=reviewer, question="Early?")
    assert list(open_information_requests(case)) == []
