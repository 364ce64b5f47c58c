"""Tokens are rate-limited (a setting); browser sessions are not."""

import pytest
from django.conf import settings
from django.test import override_settings

from tests.api.conftest import token_client
from tests.support.personas import client_for

pytestmark = pytest.mark.django_db

TINY_RATE = override_settings(
    REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "3/min"}}
)


@TINY_RATE
def test_a_token_is_throttled_past_its_rate(coordinator):
    client = token_client(coordinator)
    statuses = [client.get("/api/v1/imros/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/imros/")
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["type"].endswith(":throttled")
    assert int(refused["Retry-After"]) > 0


@TINY_RATE
def test_each_token_has_its_own_budget(coordinator):
    first, second = token_client(coordinator, "one"), token_client(coordinator, "two")
    for _ in range(3):
        first.get("/api/v1/imros/")
    assert first.get("/api/v1/imros/").status_code == 429
    assert second.get("/api/v1/imros/").status_code == 200


@TINY_RATE
def test_a_browser_session_is_not_throttled(coordinator):
    client = client_for(coordinator)
    assert {client.get("/api/v1/imros/").status_code for _ in range(5)} == {200}


@TINY_RATE
@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens: the cache is down
        }
    }
)
def test_the_api_stays_up_when_the_rate_limit_cache_is_down(coordinator):
    client = token_client(coordinator)
    assert {client.get("/api/v1/imros/").status_code for _ in range(5)} == {200}
