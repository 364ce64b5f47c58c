import pytest
from django.urls import reverse

from tests.support.personas import client_for


@pytest.mark.django_db
def test_it_reports_ok_without_details_to_anonymous(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_it_reports_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "not ok"}


@pytest.mark.django_db
def test_an_administrator_sees_each_check(administrator, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    body = client_for(administrator).get(reverse("healthz")).json()
    assert body["status"] == "not ok"
    assert body["checks"]["Database"] == "ok"
    assert body["checks"]["Broker"] != "ok"


@pytest.mark.django_db
def test_a_coordinator_gets_no_details(coordinator):
    body = client_for(coordinator).get(reverse("healthz")).json()
    assert body == {"status": "ok"}
