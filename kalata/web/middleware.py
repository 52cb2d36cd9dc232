"""French first: the language is French unless the reader chose English explicitly.

Django's ``LocaleMiddleware`` follows the browser's ``Accept-Language``; a Malian public reading
results on a phone set to English would then get half-translated pages. Here only the language
cookie (set by the FR/EN switch) or the ``lang`` of the session decides; the default is French.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


class FrenchFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        # A page depends on the language cookie, never on Accept-Language; data files (JSON,
        # CSV) are the same for every reader and must stay cacheable as such.
        if response.get("Content-Type", "").startswith("text/html"):
            vary = [v.strip() for v in response.headers.get("Vary", "").split(",") if v.strip()]
            if "Cookie" not in vary:
                vary.append("Cookie")
            response.headers["Vary"] = ", ".join(vary)
        translation.deactivate()
        return response
