"""The WSGI application gunicorn serves in the benchmark: the project (``bench.settings``: with the
raw baseline under ``/bench-raw/``, behind every middleware), and ``/bench-floor/<endpoint>/``: the
same raw baseline called by a bare WSGI function, no middleware, no URL resolver, no Django request
(SQL + orjson). The floor tells how much of a raw request's time is the middleware's."""

import urllib.parse

from django.core.wsgi import get_wsgi_application

django_application = get_wsgi_application()

from bench import raw  # noqa: E402  (after Django is set up)


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if not path.startswith("/bench-floor/"):
        return django_application(environ, start_response)
    endpoint = path.strip("/").split("/")[-1]
    params = dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", "")))
    body = raw.body_for(endpoint, params)
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
