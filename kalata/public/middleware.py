"""The public pages' fast path: a page already rendered is answered before anything else runs.

``CachedPageMiddleware`` is the first middleware (``kalata/settings.py``). For a ``GET`` of a
page that this worker answered a moment ago and that ``caching.serve`` marked reusable (a
public page, the same for every reader of a language: no cookie set, status 200), it answers
from ``caching.memory`` — the same bytes and the same headers as the full answer, security
headers included, or a 304 — without the session, CSRF, authentication and message
middlewares, URL resolution, or any query. Otherwise the request goes down the stack as usual,
and the public page's response is kept on the way back.

Nothing changes for the readers: the copy is kept only until ``caching.serve`` would look at
the data again (``caching.PageMemory``), the language is chosen as
``kalata.web.middleware.FrenchFirstLocaleMiddleware`` chooses it (the language cookie, else
French) and is part of the key, and a request that the stack would answer otherwise goes down
the stack: another method than ``GET``, a session cookie (a signed-in member: the session is
then renewed as on any other page), plain HTTP when HTTPS is required (the redirect), a host
name not allowed (the 400).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import DisallowedHost

from .caching import answer, memory


class CachedPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}
        self.default = settings.LANGUAGE_CODE
        self.language_cookie = settings.LANGUAGE_COOKIE_NAME
        self.session_cookie = settings.SESSION_COOKIE_NAME
        self.https_only = bool(getattr(settings, "SECURE_SSL_REDIRECT", False))

    def __call__(self, request):
        if request.method != "GET":
            return self.get_response(request)
        cookies = request.COOKIES
        if self.session_cookie in cookies or (self.https_only and not request.is_secure()):
            return self.get_response(request)
        chosen = cookies.get(self.language_cookie, "")
        language = chosen if chosen in self.supported else self.default
        path = request.path
        entry = memory.get(path, language)
        if entry is not None:
            try:
                request.get_host()  # ALLOWED_HOSTS, as the stack would check it
            except DisallowedHost:
                return self.get_response(request)
            return answer(request, entry)
        response = self.get_response(request)
        memory.keep(path, language, response)
        return response
