"""Schemathesis fuzzes every operation of the OpenAPI schema with a partner token (docs/reliability.md).

Each operation is called with data generated from the schema, valid (positive) and invalid (negative),
through the WSGI application, on a database holding the article data plus a world of factory rows.
Every response must be documented: no server error, a status code the schema lists, the documented
content type and a body that matches the schema; invalid data must be refused with a 4xx.

Bounded and reproducible: ``MAX_EXAMPLES`` per operation and mode, ``derandomize=True``.
"""

import json

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from jining.wsgi import application
from tests.api.conftest import make_world
from tests.factories import EntrepreneurFactory, FinancingFactory, IncubatorFactory

MAX_EXAMPLES = 25

HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found
    suppress_health_check=list(HealthCheck),
)

RESPONSE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@schemathesis.check
def refuses_negative_data(ctx, response, case):
    """``negative_data_rejection``, with the API's 414 (a query string past ``API_MAX_QUERY_STRING``,
    documented on every operation) counted as a refusal too."""
    if response.status_code == 414:
        return None
    return negative_data_rejection(ctx, response, case)


def openapi_document() -> dict:
    """The schema served at /api/v1/schema/, as JSON (built without a request: no database needed)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


DOCUMENT = openapi_document()
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT)
SCHEMA.app = application  # calls go through the WSGI app, in this process and database transaction
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
OPERATIONS = sorted(
    (path, method.upper())
    for path, item in DOCUMENT["paths"].items()
    for method in item
    if method in HTTP_METHODS
)


def operations_under_fuzz():
    """Every operation schemathesis finds in the schema, as (path, METHOD)."""
    return sorted((op.ok().path, op.ok().method.upper()) for op in SCHEMA.get_all_operations())


def test_every_operation_of_the_schema_is_fuzzed():
    assert OPERATIONS, "the schema lists no operations"
    assert operations_under_fuzz() == OPERATIONS


@pytest.fixture
def fuzz_world(db, settings, partner_token):
    """The article data, a world of one of every record, a few more rows, and a partner token."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    settings.API_THROTTLE_RATE = "1000000/hour"
    call_command("loaddata", "article", verbosity=0)
    make_world()
    IncubatorFactory.create_batch(3)
    EntrepreneurFactory.create_batch(2)
    FinancingFactory.create_batch(2)
    # Like Django's test client: a request must not close the connection holding the test's
    # transaction (the real WSGI handler does at request end; PostgreSQL would lose the data).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Token {partner_token[1]}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def has_parameters(path, method):
    return bool(DOCUMENT["paths"][path][method.lower()].get("parameters"))


#: Every operation with valid data; with invalid data, every operation that takes a parameter
#: (the stats have none, so nothing about a request to them can be invalid).
RUNS = [(path, method, GenerationMode.POSITIVE) for path, method in OPERATIONS] + [
    (path, method, GenerationMode.NEGATIVE) for path, method in OPERATIONS if has_parameters(path, method)
]


@pytest.mark.parametrize(
    ("path", "method", "mode"), RUNS, ids=[f"{m} {p} {mode.value}" for p, m, mode in RUNS]
)
def test_fuzz(fuzz_world, path, method, mode):
    operation = SCHEMA[path][method]
    negative = mode is GenerationMode.NEGATIVE
    checks = [*RESPONSE_CHECKS, refuses_negative_data] if negative else RESPONSE_CHECKS
    seen = []

    @HYPOTHESIS
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case):
        response = case.call(headers=fuzz_world)
        seen.append(response.status_code)
        case.validate_response(response, checks=checks, headers=fuzz_world)

    fuzz()
    assert seen, f"no request was made to {method} {path}"
    assert all(status < 500 for status in seen)
