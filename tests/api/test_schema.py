"""The OpenAPI schema validates, documents every route, and is served to logged-in users."""

import re

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

from tests.api.conftest import api_routes, token_client, view_methods
from tests.support.personas import client_for

# The schema and its page, and the 404 for addresses no endpoint has.
NOT_IN_SCHEMA = {"api-schema", "api-docs", "api-not-found"}


def _shape(path: str) -> str:
    """'/api/v1/cases/{id}/' and 'api/v1/cases/<int:pk>/' both become '/api/v1/cases/{}/'."""
    path = re.sub(r"<(?:\w+:)?\w+>", "{}", path)
    return "/" + re.sub(r"\{\w+\}", "{}", path).lstrip("/")


def test_the_schema_validates_with_no_warning(tmp_path):
    # --fail-on-warn turns any drf-spectacular warning (an undocumented body, say) into
    # an error; --validate checks the result against the OpenAPI 3 specification.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
    assert "openapi: 3" in (tmp_path / "schema.yml").read_text()


def test_the_schema_documents_every_route_and_method():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = {
        (_shape(path), method.upper())
        for path, operations in schema["paths"].items()
        for method in operations
    }
    routed = {
        (_shape(route), method)
        for route, entry in api_routes()
        if entry.name not in NOT_IN_SCHEMA
        for method in view_methods(entry)
    }
    assert documented == routed


def test_every_operation_documents_its_success_and_its_problems():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert codes & {"200", "201", "204"}, (method, path)
            assert {"401", "403"} <= codes, (method, path)
            problem = operation["responses"]["403"]["content"]["application/problem+json"]
            assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}
            if method in ("post", "put"):
                assert "400" in codes and "409" in codes, (method, path)
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


@pytest.mark.django_db
def test_the_schema_is_served_to_a_token_and_not_to_anonymous(client, coordinator):
    assert client.get("/api/v1/schema/").status_code == 401
    response = token_client(coordinator).get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    assert "/api/v1/cases/{case_id}/clocks/" in response.json()["paths"]


@pytest.mark.django_db
def test_the_docs_page_needs_a_login_and_loads_nothing_from_a_cdn(client, quac_member):
    anonymous = client.get("/api/v1/docs/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")

    page = client_for(quac_member).get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
    assert "<script>" not in html  # no inline script: the CSP allows only files
    script = client_for(quac_member).get("/api/v1/docs/", {"script": ""})
    assert script.status_code == 200 and b"/api/v1/schema/" in script.content


def test_the_case_detail_documents_its_latest_safe_time():
    """GET /api/v1/cases/{id}/ returns `safe_time` (R-RPT-6): the schema says so, with each
    field's type and what it means (issue 21)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]

    def resolved(node: dict) -> dict:
        if "$ref" in node:
            return components[node["$ref"].rsplit("/", 1)[-1]]
        if "allOf" in node:
            return resolved(node["allOf"][0])
        return node

    detail = next(path for path in schema["paths"] if re.fullmatch(r"/api/v1/cases/\{\w+\}/", path))
    content = schema["paths"][detail]["get"]["responses"]["200"]["content"]
    case = resolved(content["application/json"]["schema"])
    field = case["properties"]["safe_time"]
    assert field.get("readOnly") and "R-RPT-6" in field["description"]
    safe_time = resolved(field)
    properties = safe_time["properties"]
    assert set(properties) == {"act_by", "next_step", "at_risk", "reason", "expected_review_at"}
    assert properties["act_by"]["type"] == "string"
    assert properties["act_by"]["format"] == "date-time"
    assert properties["act_by"]["nullable"] is True
    assert properties["expected_review_at"]["format"] == "date-time"
    assert properties["at_risk"]["type"] == "boolean"
    assert properties["next_step"]["type"] == properties["reason"]["type"] == "string"
    assert all(properties[name]["description"] for name in properties)
    assert "median turnaround" in properties["act_by"]["description"]
    # The list keeps its own shape, without the per-case computation.
    assert "safe_time" not in components["CaseRead"]["properties"]
