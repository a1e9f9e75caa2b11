"""The client's IP address for the login lockout (django-axes), also behind proxies.

With ``DJANGO_PROXY_COUNT`` = 0 (the default) it is the TCP peer, ``REMOTE_ADDR``. Behind N trusted
proxies (nginx, a load balancer) that each append to ``X-Forwarded-For`` it is the address the
outermost proxy saw: the N-th entry from the right. Entries further left are written by the client
and never trusted.
"""

from django.conf import settings
from django.utils.translation import gettext as _


def client_ip(request):
    count = getattr(settings, "PROXY_COUNT", 0)
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (429): in the admin's look, in the staff's language."""
    from django.contrib import admin
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        **admin.site.each_context(request),
        "title": _("Login temporarily locked"),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": minutes,
    }
    return render(request, "axes/lockout.html", context, status=429)
