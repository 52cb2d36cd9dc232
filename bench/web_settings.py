"""Settings of the web benchmark's server: Kalata's own (``kalata.settings``, read from the
environment exactly as in production), with one change: the URL map ``bench.web_urls``, which
adds the static file that serves as the ceiling.

``python -m bench.web --set NAME=VALUE`` (an experiment, printed with the figures) passes more
overrides in ``KALATA_WEBBENCH_SETTINGS`` (a JSON object), e.g. ``KALATA_PUBLIC_REFRESH_SECONDS``.
Without it nothing else differs.
"""

import json
import os

from kalata.settings import *  # noqa: F403

ROOT_URLCONF = "bench.web_urls"

for _name, _value in json.loads(os.environ.get("KALATA_WEBBENCH_SETTINGS", "{}")).items():
    globals()[_name] = _value

# Errors of the server (a 500's traceback) go to its stderr, kept in the benchmark's log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR"}},
}
