"""The OpenAPI schema fuzzed with Schemathesis, in process (WSGI): no response is a 500.

Every operation of ``/api/v1/openapi.json`` is called with generated requests — valid ones and
invalid ones (Schemathesis's positive and negative modes) — a bounded, deterministic number of
times (``max_examples=25`` per operation, ``derandomize``). Part of the generated requests are
made realistic, by a choice computed from the request itself (deterministic): three quarters of
the path parameters name the real round and stations, half of the ``/checks`` bodies too, and
three quarters of the requests carry the token of a clerk, another clerk or the president of
the Kayes commission (the others keep Schemathesis's own, mostly invalid, ``Authorization``);
on the submission, such requests get an idempotency key and figures near real ones. So the
authenticated operations and the double-entry workflow are reached, not only the 401, 404 and
422 answers. The only check is ``not_a_server_error``.
"""

from __future__ import annotations

import zlib

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from .api_fixtures import DAKAR, KATI, KAYES_1, KAYES_2, KAYES_3, ROUND, figures

STATIONS = (KAYES_1, KAYES_2, KAYES_3, KATI, DAKAR)
PEOPLE = ("awa", "moussa", "fatou")


#: Loaded once, at collection (no database needed to read the schema).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
#: The tokens of the current test's world.
TOKENS: list[str] = []


def _pick(case, salt: str, n: int) -> int:
    """A deterministic choice among ``n``, from the generated request itself."""
    text = repr((salt, case.method, case.path_parameters, case.query, case.body))
    return zlib.crc32(text.encode("utf-8", "surrogatepass")) % n


def _realistic(case) -> dict:
    """Make some generated requests reach the workflow: real codes and tokens (see module)."""
    headers = {}
    params = case.path_parameters
    if isinstance(params, dict) and "round_code" in params and _pick(case, "path", 4):
        params["round_code"] = ROUND
        if "station_code" in params:
            params["station_code"] = STATIONS[_pick(case, "station", len(STATIONS))]
        if case.path.endswith("/entries"):
            # A plausible submission: no contest filter, a key, figures near the real ones.
            case.query = {}
            headers["Idempotency-Key"] = f"fuzz-{_pick(case, 'key', 10**9)}"
            if isinstance(case.body, dict) and _pick(case, "figures", 2):
                case.body["figures"] = figures(C01=149 + _pick(case, "C01", 3))
                case.body.pop("client_key", None)
    body = case.body
    if isinstance(body, dict) and "round" in body and _pick(case, "body", 2):
        body["round"] = ROUND
        body["station"] = STATIONS[_pick(case, "station", len(STATIONS))]
    choice = _pick(case, "token", len(TOKENS) + 1)
    if choice < len(TOKENS):
        headers["Authorization"] = TOKENS[choice]
    return headers


@pytest.fixture(autouse=True)
def in_process(world):
    """The fixture's tokens for the hooks; Django's connection handlers off during the test.

    Django closes "old" connections around each request; in a test, that connection holds the
    test's transaction (the Django test client disconnects these handlers the same way).
    """
    TOKENS[:] = [f"Bearer {world.tokens[name]}" for name in PEOPLE]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
    TOKENS.clear()


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error(case):
    case.call_and_validate(headers=_realistic(case), checks=[not_a_server_error])
