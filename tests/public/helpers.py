"""Reading the public pages back: figures of the HTML tables, JSON, CSV; independent sums."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from html.parser import HTMLParser

from kalata.elections.models import PollingStation

FIELDS = ("registered", "voters", "null_ballots", "valid_votes")


def number(text: str) -> str:
    """'12 345' -> '12345'; '51,06 %' -> '51.06' (the HTML display back to the JSON form)."""
    text = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("%", "")
    return text.replace(",", ".").strip()


class Figures(HTMLParser):
    """Collects ``data-field`` cells: per ``<tr data-code>`` row, and outside any row (the
    headline figures)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict[str, str]] = defaultdict(dict)
        self.headline: dict[str, str] = {}
        self.selections: dict[str, dict[str, str]] = defaultdict(dict)
        self._row: str | None = None
        self._field: str | None = None
        self._selection: str | None = None
        self._text: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-code" in a:
            self._row = a["data-code"]
        if tag in ("td", "dd") and ("data-field" in a or "data-selection" in a):
            self._field = a.get("data-field")
            self._selection = a.get("data-selection")
            self._text = []
            self._depth = 0
        elif self._field or self._selection:
            if tag == "br":  # a void element: no end tag
                self._text.append("|")
            else:
                self._depth += 1

    def handle_endtag(self, tag):
        if tag in ("td", "dd") and (self._field or self._selection) and self._depth == 0:
            text = "".join(self._text).split("|")[0]
            if self._selection:
                self.selections[self._row or ""][self._selection] = number(text)
            elif self._row is not None:
                self.rows[self._row][self._field] = number(text)
            else:
                self.headline[self._field] = number(text)
            self._field = self._selection = None
        elif self._field or self._selection:
            self._depth -= 1
        if tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._field or self._selection:
            self._text.append(data)


def figures(html: bytes | str) -> Figures:
    parser = Figures()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser


def read_csv(content: bytes) -> list[dict[str, str]]:
    assert content.startswith("\ufeff".encode()), "CSV must start with a UTF-8 byte-order mark"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def unit_chains(election) -> dict[str, dict[str, str]]:
    """station code -> {level: unit code} from the stations' places (not from the results)."""
    out = {}
    rows = PollingStation.objects.filter(election=election).values_list(
        "code",
        "commune__code",
        "commune__cercle__code",
        "commune__region__code",
        "mission__code",
    )
    for code, commune, cercle, region, mission in rows:
        if mission:
            out[code] = {"nation": "ML", "region": "EXT", "cercle": mission, "commune": mission}
        else:
            out[code] = {
                "nation": "ML",
                "region": region,
                "cercle": cercle or region,
                "commune": commune,
            }
    return out


def independent_sums(election, figures_by_station) -> dict[tuple[str, str], dict]:
    """(level, code) -> sums of the typed minutes of the definitive stations, by hand."""
    chains = unit_chains(election)
    sums: dict[tuple[str, str], dict] = defaultdict(
        lambda: {f: 0 for f in FIELDS} | {"votes": defaultdict(int)}
    )
    for station, fig in figures_by_station.items():
        for level, code in chains[station].items():
            acc = sums[(level, code)]
            for f in FIELDS:
                acc[f] += fig[f]
            for sel, v in fig["votes"].items():
                acc["votes"][sel] += v
    return sums
