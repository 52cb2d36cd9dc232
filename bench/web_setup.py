"""The Django side of the web benchmark (``bench.web``), in its own process.

    python -m bench.web_setup build PARAMS_JSON OUT_JSON
    python -m bench.web_setup verify PARAMS_JSON OUT_JSON

The environment names the database (``bench.common.worker_env``), as for ``bench.worker``.

``build``: on a fresh database, ``migrate`` and the territory; a national presidential first
round built with Kalata's services (``bench.data.build_presidential``: about 10 000 stations of
at most 700 electors, 8 candidates; ``--quick``: the first 24 communes and 2 missions); the
sheets that the clerks will send during the benchmark are drawn across the country with their
two entries (``bench.data.ingest_plan``: per pile of minutes the first entries, then the second
ones by the other clerk of the commission); two clerk accounts per commission concerned
(``bench.data.create_clerks``) and one API token each (``kalata.api.tokens.create_token``).

Every other sheet is then made definitive in bulk (``bench.data.make_definitive``, then the
drawn sheets are put back as the round opened them: ``expected``, no figures, no votes) — the
national election as it stands late on election night: most minutes in, the rest arriving
through the API while the country reads the results. Those bulk writes are not audited (the
audit log would report them, as ``bench.data`` says); the submissions of the benchmark are.

``verify``: after the load, every submission the server accepted (``201``) must be in the
database: ``DataEntry`` rows counted by client key (idempotency key), exactly one per key.
"""

from __future__ import annotations

import json
import random
import sys
import time
import uuid
from datetime import date
from pathlib import Path

WEB_DATE = date(2026, 7, 26)
PILE = 50  # as bench.ingest: a pile of minutes, first entries then second entries
MAX_SHARE_SENT = 0.6


def _region_units(round_) -> list[str]:
    """The region-level units of the round that have stations: regions, the District, EXT."""
    from kalata.elections.models import PollingStation

    stations = PollingStation.objects.filter(election=round_.election)
    codes = set(
        stations.filter(commune__isnull=False).values_list("commune__region__code", flat=True)
    )
    if stations.filter(mission__isnull=False).exists():
        codes.add("EXT")
    return sorted(c for c in codes if c)


def _reopen(sheet_ids: list[int]) -> None:
    """Put sheets back as ``open_round`` created them (status expected, nothing received)."""
    from kalata.results.models import SheetVote, TallySheet

    SheetVote.objects.filter(sheet_id__in=sheet_ids).delete()
    TallySheet.objects.filter(pk__in=sheet_ids).update(
        status=TallySheet.Status.EXPECTED,
        version=0,
        registered=None,
        voters=None,
        envelopes=None,
        null_ballots=None,
        valid_votes=None,
        figures=None,
        check_codes=[],
        first_received_at=None,
        definitive_at=None,
    )


def build(params: dict) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.db.models import Count

    from bench import data
    from kalata.api.tokens import create_token
    from kalata.results.models import TallySheet
    from kalata.territory.services import load_territory

    quick, seed = bool(params.get("quick")), int(params.get("seed", 1))
    submissions = int(params["submissions"])
    times: dict[str, float] = {}
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_territory()
    times["migrate_territory_s"] = time.perf_counter() - start

    t = time.perf_counter()
    round_ = data.build_presidential(WEB_DATE, quick)
    times["election_s"] = time.perf_counter() - t

    # At most 60 % of the sheets are sent during the benchmark (a quick run has few sheets):
    # the others are definitive, so that the pages show results.
    submissions = min(submissions, 2 * int(round_.sheets.count() * MAX_SHARE_SENT))
    t = time.perf_counter()
    plan, clerks = data.ingest_plan(round_, submissions, seed, PILE)
    data.create_clerks(round_.election, clerks)
    tokens: dict[str, str] = {}
    for user in get_user_model().objects.filter(
        username__in=[u for pair in clerks.values() for u in pair]
    ):
        new = create_token(user, "Tablette du banc d'essai web", days=1, actor=data.ACTOR)
        tokens[user.username] = new.clear
    times["clerks_tokens_s"] = time.perf_counter() - t

    t = time.perf_counter()
    drawn = sorted({item["sheet"] for item in plan})
    with transaction.atomic():
        made = data.make_definitive(round_, seed)
        _reopen(drawn)
    times["definitive_s"] = time.perf_counter() - t

    stations = dict(TallySheet.objects.filter(pk__in=drawn).values_list("pk", "station__code"))
    rng = random.Random(f"{seed}-web-keys")
    base = f"/api/v1/rounds/{round_.code}/sheets"
    requests = [
        {
            "path": f"{base}/{stations[item['sheet']]}/entries",
            "token": tokens[item["clerk"]],
            "key": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "body": json.dumps({"figures": item["figures"]}, separators=(",", ":")),
            "number": item["number"],
        }
        for item in plan
    ]
    election = round_.election.code
    pages = f"/scrutins/{election}/tour-{round_.number}/NATION"
    regions = _region_units(round_)
    statuses = dict(
        TallySheet.objects.filter(round=round_).values_list("status").annotate(n=Count("pk"))
    )
    return {
        "round": round_.code,
        "round_id": round_.pk,
        "election": election,
        **data.round_counts(round_),
        "sheets": made["sheets"],
        "sheets_by_status": statuses,
        "sheets_to_send": len(drawn),
        "submissions": requests,
        "clerks": len(tokens),
        "read_paths": {
            "national": [pages + "/", pages + ".json"],
            "regional": [f"{pages}/region/{code}/" for code in regions]
            + [f"{pages}/region/{code}.json" for code in regions],
        },
        "regions": regions,
        "times": {k: round(v, 2) for k, v in times.items()},
    }


def verify(params: dict) -> dict:
    """Count the accepted submissions in the database (``DataEntry`` by client key)."""
    from django.db.models import Count

    from kalata.api.models import SubmissionReceipt
    from kalata.results.models import DataEntry, TallySheet

    accepted = list(params["accepted_keys"])
    unanswered = list(params.get("unanswered_keys", ()))
    found: dict[str, int] = {}
    asked = accepted + unanswered
    for start in range(0, len(asked), 1000):
        chunk = asked[start : start + 1000]
        for key, n in (
            DataEntry.objects.filter(client_key__in=chunk)
            .values_list("client_key")
            .annotate(n=Count("pk"))
        ):
            found[key] = n
    missing = [k for k in accepted if k not in found]
    duplicated = [k for k, n in found.items() if n > 1]
    receipts = SubmissionReceipt.objects.filter(client_key__in=accepted).count()
    statuses = dict(
        TallySheet.objects.filter(round_id=params["round_id"])
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return {
        "accepted": len(accepted),
        "in_database": sum(1 for k in accepted if k in found),
        "missing": len(missing),
        "missing_examples": missing[:5],
        "duplicated": len(duplicated),
        "receipts": receipts,
        "unanswered": len(unanswered),
        "unanswered_stored": sum(1 for k in unanswered if k in found),
        "entries_in_database": DataEntry.objects.filter(sheet__round_id=params["round_id"]).count(),
        "sheets_by_status": statuses,
    }


TASKS = {"build": build, "verify": verify}


def main(argv: list[str]) -> int:
    task, params_path, out_path = argv[0], Path(argv[1]), Path(argv[2])
    import django

    django.setup()
    result = TASKS[task](json.loads(params_path.read_text()))
    out_path.write_text(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
