"""Schemathesis hooks for `.ci/schemathesis` (loaded through SCHEMATHESIS_HOOKS).

The list endpoints' ``cursor`` is opaque: the only valid values are the ones the API's own
``next``/``previous`` links carry (docs/api.md §4), which no schema can describe. Generated
requests leave it out, so a made-up cursor is not taken for valid data; the stateful phase still
follows the links, and tests/api/test_keyset_pagination.py covers cursors, forged ones included.
"""

import schemathesis


@schemathesis.hook
def map_query(ctx, query):
    if query and "cursor" in query:
        query = {name: value for name, value in query.items() if name != "cursor"}
    return query
