"""The OpenAPI schema renders, is valid OpenAPI 3, documents every filter and error response, and the
interactive docs page loads its assets from our own /static/ (no CDN: offices may have no internet)."""

import re
from io import StringIO

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

from jining.pagination import KeysetPagination
from overview.api.urls import router


@pytest.fixture
def schema(db, anon_client):
    response = anon_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


def test_schema_generates_without_warnings(db, tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stderr=StringIO())
    assert yaml.safe_load(target.read_text())["paths"]


def test_every_list_documents_all_its_filters_and_list_parameters(schema):
    for prefix, viewset, _basename in router.registry:
        operation = schema["paths"][f"/api/v1/{prefix}/"]["get"]
        documented = {parameter["name"] for parameter in operation["parameters"]}
        filters = set(viewset.filterset_class.base_filters)
        assert filters <= documented, (prefix, filters - documented)
        position = "cursor" if viewset.pagination_class is KeysetPagination else "page"
        assert {"search", "ordering", position, "page_size"} <= documented, prefix
        for parameter in operation["parameters"]:
            assert parameter.get("description"), (prefix, parameter["name"])


def test_every_operation_documents_token_auth_and_error_responses(schema):
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"tokenAuth": []} in operation["security"], path
            assert {"200", "400", "401", "403", "429"} <= set(operation["responses"]), (path, method)
            assert "Retry-After" in operation["responses"]["429"]["headers"]
    for path in (
        "/api/v1/incubators/",
        "/api/v1/entrepreneurs/",
        "/api/v1/enterprises/",
        "/api/v1/events/",
        "/api/v1/financing/",
        "/api/v1/stats/",
    ):
        assert path in schema["paths"]


def test_docs_page_uses_only_local_assets(db, anon_client):
    response = anon_client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(asset.endswith(".js") for asset in assets)
    # Swagger UI's start-up script is served by the docs view itself (no inline script: the CSP).
    (start_up,) = [asset for asset in assets if asset.startswith("/api/v1/docs/?")]
    script = anon_client.get(start_up.replace("&amp;", "&"))
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert "<script>" not in html
    for asset in assets:
        if asset == start_up:
            continue
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/").split("?")[0]), asset
    assert "cdn." not in html and "https://" not in html.replace("https://swagger.io", "")
    assert "cdn." not in script.content.decode()


def test_docs_api_md_lists_every_endpoint_and_filter():
    from django.conf import settings

    text = (settings.BASE_DIR / "docs" / "api.md").read_text()
    for prefix, viewset, _basename in router.registry:
        assert f"`/api/v1/{prefix}/`" in text, prefix
        for name in viewset.filterset_class.base_filters:
            assert f"| `{name}` |" in text, (prefix, name)
