"""A queryset compiled once and run with new values (jining/prepared.py), and the token lookup on it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jining.authentication import token_lookup
from jining.models import ApiToken, User
from jining.prepared import Prepared
from jining.services import partner_create, token_hash, token_issue


def by_username(name):
    return User.objects.filter(username=name).values_list("id", "date_joined", "is_active")


def test_rows_are_converted_as_values_list_converts_them(db):
    made = [User.objects.create(username=name) for name in ("ann", "bo")]
    prepared = Prepared(by_username, placeholder="(nobody)")
    for user in made:
        assert prepared.rows(user.username) == list(by_username(user.username))
    (row,) = prepared.rows("bo")
    assert row[1] == made[1].date_joined and row[2] is True  # a datetime and a bool, not text and 1
    assert prepared.rows("nobody") == []


def test_compiled_once_per_connection(db):
    calls = []

    def build(value):
        calls.append(value)
        return by_username(value)

    prepared = Prepared(build, placeholder="(nobody)")
    for name in ("a", "b", "c"):
        prepared.rows(name)
    assert calls == ["(nobody)"]


def test_a_placeholder_that_is_not_one_parameter_is_refused(db):
    with pytest.raises(ValueError, match="2 times"):
        Prepared(lambda v: User.objects.filter(username=v, first_name=v).values_list("id"), "x").rows("y")


def test_the_token_lookup_reads_what_the_orm_reads_in_one_query(db):
    user, _created = partner_create(username="bank")
    token, key = token_issue(user=user, label="core banking")
    with CaptureQueriesContext(connection) as queries:
        found = token_lookup(token_hash(key))
    assert len(queries) == 1
    stored = ApiToken.objects.select_related("user").get(pk=token.pk)
    fields = [field.attname for field in ApiToken._meta.concrete_fields]
    assert [getattr(found, f) for f in fields] == [getattr(stored, f) for f in fields]
    user_fields = [field.attname for field in User._meta.concrete_fields]
    assert [getattr(found.user, f) for f in user_fields] == [getattr(stored.user, f) for f in user_fields]
    assert found.user_is_partner is True
    assert not found._state.adding and found.user.pk == user.pk
    assert token_lookup(token_hash(key + "x")) is None
