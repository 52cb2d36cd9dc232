"""URL map of the web benchmark's server: Kalata's (``kalata.urls``) plus the ceiling.

``/banc-essai/statique/<path>`` serves a file of Kalata's own static folder (``kalata.css``)
through Django's ``django.views.static.serve``: the same gunicorn workers, the same middleware
(security headers, sessions, locale, CSRF, authentication…) as the results pages, a real file
read from disk with ``Last-Modified`` — so the ratio of a results page to it is the cost of
Kalata's own work (cache lookup, state of the round, rendering when due), not the server's or
the framework's. (In production nginx serves ``/static/``; ``docs/deploy.md``.)
"""

from pathlib import Path

from django.urls import path
from django.views.static import serve

import kalata
from kalata.urls import urlpatterns as kalata_urlpatterns

STATIC_DIR = Path(kalata.__file__).resolve().parent / "web" / "static"
STATIC_FILE = "kalata/kalata.css"
STATIC_PATH = "/banc-essai/statique/" + STATIC_FILE

urlpatterns = [
    path("banc-essai/statique/<path:path>", serve, {"document_root": str(STATIC_DIR)}),
    *kalata_urlpatterns,
]
