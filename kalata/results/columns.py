"""A round's minutes as columns in memory, kept exact, for recomputing its results.

``tabulate`` (``kalata.results.tabulation``) recomputes every level of a round from the
polling-station minutes each time it is called. Reading 10 000 sheets and 80 000 vote rows through
the database each time costs more than the sums themselves, so this module keeps, per process,
a copy of the rows tabulation needs — one entry per sheet (contest, commune or mission, status,
version, annulled, registered electors of the station, definitive figures) and one per
``SheetVote`` — as NumPy columns, and brings it up to date before every use:

1. **Reference data** (contests, selections, list members, stations, territory, the set of
   sheets) is reloaded when ``results_tabulationrevision.n`` has changed: database triggers
   change it on every write to those tables (migration ``results/0002``).
2. **The minutes**: when the database says nothing was committed since the last read (PostgreSQL:
   the same ``pg_current_snapshot()``; SQLite: the same connection with the same ``PRAGMA
   data_version`` and ``total_changes()``), the copy is exact as it is. Otherwise the status,
   version and annulment of every sheet of the round are read (one indexed query) and the sheets
   that changed — and only those — are read again with their votes. Definitive figures change
   only with the sheet's ``version`` (``kalata/results/models.py``), so this is exact.
3. Inside a transaction (``atomic``) nothing is cached: the copy is read whole for that call,
   since what the transaction sees may yet be rolled back.

The sums themselves — every level, every time — are ``numpy.bincount`` over all the rows:
a *full* recomputation from the minutes, nothing stored between calls but the minutes
themselves. Sums are computed in float64 and converted back to integers; they are exact while
below 2**53 (9·10**15), far above any count of ballots (the largest possible sum, 2**31 votes
per row times the rows of a round, stays below it).
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.backends.signals import connection_created

from kalata.elections.models import Contest, Election, ListMember, Round, Selection
from kalata.law.seats import ListCandidate
from kalata.results.models import TallySheet

__all__ = ["RoundColumns", "round_columns", "clear", "TRIGGERS_EXPECTED", "triggers_present"]

DEFINITIVE = TallySheet.Status.DEFINITIVE.value
BLOCKED = TallySheet.Status.BLOCKED.value
EXPECTED = TallySheet.Status.EXPECTED.value

# Status codes in the columns.
_STATUS_CODES = {s.value: i for i, s in enumerate(TallySheet.Status)}
_DEF, _BLOCKED, _EXPECTED = (
    _STATUS_CODES[DEFINITIVE],
    _STATUS_CODES[BLOCKED],
    _STATUS_CODES[EXPECTED],
)

# Number of trigger objects the migration creates (SQLite: one per table and operation;
# PostgreSQL: one per table).
TRIGGERS_EXPECTED = {"sqlite": 3 * 8 + 2 + 3, "postgresql": 9 + 2}

# More changed sheets than this: read the whole round rather than by lists of ids.
_BULK_RELOAD = 2000
_CHUNK = 500
_CACHE_SIZE = 8

_generation = itertools.count(1)


def _on_connection_created(sender, connection, **kwargs) -> None:
    connection.kalata_generation = next(_generation)


connection_created.connect(_on_connection_created, dispatch_uid="kalata.results.columns")


def _generation_of(conn) -> int:
    """The number of the database connection now open (a new one at every reconnection: SQLite's
    markers are only comparable within one connection)."""
    generation = getattr(conn, "kalata_generation", None)
    if generation is None:  # opened before this module was imported
        generation = conn.kalata_generation = next(_generation)
    return generation


# --------------------------------------------------------------------------------------------
# Reference data of a round


@dataclass
class _Reference:
    """What does not change while minutes are typed: valid for one revision."""

    contests: list[tuple]  # (id, code, name, level, seats) ordered by code
    selections: list[tuple]  # (id, contest_id, code, name, party, kind, order, withdrawn)
    selections_by_contest: list[list[tuple]]  # per contest index, in ballot order
    selection_infos: list[tuple]  # per contest index: its SelectionInfo values, in ballot order
    members: dict[int, tuple[ListCandidate, ...]]  # communal lists' candidates, by selection id
    sel_pos: dict[int, tuple[int, int]]  # selection id -> (contest index, index in contest)
    width: int  # most selections of a contest (columns of the vote matrices)
    territory: Any  # kalata.results.tabulation._Territory
    bases: list[tuple[str, int]]  # ("c", commune id) / ("m", mission id), by base index
    # Sheets of the round, ordered by id: the rows of every column.
    sheet_ids: np.ndarray
    sheet_row: dict[int, int]
    sheet_contest: np.ndarray  # contest index
    sheet_base: np.ndarray  # base index
    station_registered: np.ndarray  # registered electors of the station (expected)
    # Per level (commune, cercle, region, nation): group of each sheet, groups' (contest
    # index, unit key), and per contest the groups in display order.
    group_of_sheet: list[np.ndarray]
    groups: list[list[tuple[int, tuple]]]
    contest_groups: list[list[list[int]]]
    group_index: list[dict[tuple[int, tuple], int]]


def _load_reference(round_: Round) -> tuple[_Reference, list[tuple]]:
    """The reference data of ``round_``, and its sheets' minutes rows read with it (id, status,
    version, annulled, registered, voters, null ballots, valid votes)."""
    from kalata.results.tabulation import _NATION_KEY, SelectionInfo, _Territory

    contests = list(
        Contest.objects.filter(round=round_)
        .order_by("code")
        .values_list("id", "code", "name", "level", "seats")
    )
    contest_pos = {row[0]: i for i, row in enumerate(contests)}
    selections = list(
        Selection.objects.filter(contest__round=round_)
        .order_by("contest_id", "order", "code")
        .values_list("id", "contest_id", "code", "name", "party", "kind", "order", "withdrawn")
    )
    selections_by_contest: list[list[tuple]] = [[] for _ in contests]
    sel_pos: dict[int, tuple[int, int]] = {}
    for row in selections:
        ci = contest_pos.get(row[1])
        if ci is None:
            continue
        sel_pos[row[0]] = (ci, len(selections_by_contest[ci]))
        selections_by_contest[ci].append(row)
    width = max((len(s) for s in selections_by_contest), default=0) or 1

    members: dict[int, list[ListCandidate]] = defaultdict(list)
    if round_.election.kind == Election.Kind.COMMUNAL:
        rows = (
            ListMember.objects.filter(selection__contest__round=round_)
            .order_by("selection_id", "rank")
            .values_list("selection_id", "name", "birth_date")
        )
        for sid, name, birth in rows.iterator(chunk_size=5000):
            members[sid].append(ListCandidate(name=name, birth_date=birth))

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.id, s.contest_id, st.commune_id, st.mission_id, st.registered, "
            "s.status, s.version, s.annulled, s.registered, s.voters, s.null_ballots, "
            "s.valid_votes "
            "FROM results_tallysheet s JOIN elections_pollingstation st ON st.id = s.station_id "
            "WHERE s.round_id = %s ORDER BY s.id",
            [round_.id],
        )
        sheet_rows = cursor.fetchall()

    base_pos: dict[tuple[str, int], int] = {}
    bases: list[tuple[str, int]] = []
    ids, contest_col, base_col, reg_col = [], [], [], []
    minutes_rows = []
    for sid, cid, commune_id, mission_id, registered, *minutes in sheet_rows:
        ci = contest_pos.get(cid)
        if ci is None:  # a sheet of a contest of another round: not this round's
            continue
        bkey = ("c", commune_id) if commune_id is not None else ("m", mission_id)
        bi = base_pos.get(bkey)
        if bi is None:
            bi = base_pos[bkey] = len(bases)
            bases.append(bkey)
        minutes_rows.append((sid, *minutes))
        ids.append(sid)
        contest_col.append(ci)
        base_col.append(bi)
        reg_col.append(int(registered or 0))

    territory = _Territory(
        [b[1] for b in bases if b[0] == "c"], [b[1] for b in bases if b[0] == "m"]
    )
    sheet_contest = np.array(contest_col, dtype=np.int64)
    sheet_base = np.array(base_col, dtype=np.int64)

    # Groups per level: (contest, unit); the nation has one group per contest, even empty.
    group_of_sheet: list[np.ndarray] = []
    groups: list[list[tuple[int, tuple]]] = []
    contest_groups: list[list[list[int]]] = []
    group_index: list[dict[tuple[int, tuple], int]] = []
    pairs = sorted(set(zip(contest_col, base_col, strict=True)))
    for level in range(4):
        index: dict[tuple[int, tuple], int] = {}
        level_groups: list[tuple[int, tuple]] = []
        if level == 3:
            for ci in range(len(contests)):
                index[(ci, _NATION_KEY)] = ci
                level_groups.append((ci, _NATION_KEY))
        pair_group: dict[tuple[int, int], int] = {}
        for ci, bi in pairs:
            key = (ci, territory.chains[bases[bi]][level])
            gid = index.get(key)
            if gid is None:
                gid = index[key] = len(level_groups)
                level_groups.append(key)
            pair_group[(ci, bi)] = gid
        lookup = np.zeros(max(len(contests), 1) * max(len(bases), 1), dtype=np.int64)
        for (ci, bi), gid in pair_group.items():
            lookup[ci * len(bases) + bi] = gid
        group_of_sheet.append(lookup[sheet_contest * len(bases) + sheet_base])
        per_contest: list[list[int]] = [[] for _ in contests]
        for gid, (ci, _key) in enumerate(level_groups):
            per_contest[ci].append(gid)
        for gids in per_contest:
            gids.sort(key=lambda g: territory.meta[level_groups[g][1]][3])
        groups.append(level_groups)
        contest_groups.append(per_contest)
        group_index.append(index)

    reference = _Reference(
        contests=contests,
        selections=selections,
        selections_by_contest=selections_by_contest,
        selection_infos=[
            tuple(
                SelectionInfo(
                    code=r[2], name=r[3], party=r[4], kind=r[5], order=r[6], withdrawn=r[7]
                )
                for r in rows
            )
            for rows in selections_by_contest
        ],
        members={sid: tuple(candidates) for sid, candidates in members.items()},
        sel_pos=sel_pos,
        width=width,
        territory=territory,
        bases=bases,
        sheet_ids=np.array(ids, dtype=np.int64),
        sheet_row={sid: i for i, sid in enumerate(ids)},
        sheet_contest=sheet_contest,
        sheet_base=sheet_base,
        station_registered=np.array(reg_col, dtype=np.int64),
        group_of_sheet=group_of_sheet,
        groups=groups,
        contest_groups=contest_groups,
        group_index=group_index,
    )
    return reference, minutes_rows


# --------------------------------------------------------------------------------------------
# The minutes


@dataclass(frozen=True)
class Minutes:
    """The minutes' columns at one moment (never modified: a refresh builds new arrays)."""

    state: tuple  # per sheet row: (status, version, annulled), for the comparison
    status: np.ndarray  # status code
    annulled: np.ndarray  # bool
    figures: np.ndarray  # (sheets, 4): registered, voters, null ballots, valid votes
    vote_row: np.ndarray  # sheet row of each vote
    vote_col: np.ndarray  # index of the selection in its contest
    vote_n: np.ndarray  # votes
    foreign_votes: int  # vote rows for a selection outside the sheet's contest (ignored)


class RoundColumns:
    """The columns of one round, refreshed in place by ``refresh`` (see the module docstring)."""

    def __init__(self, round_: Round) -> None:
        self.round_id = round_.id
        self.reference, rows = _load_reference(round_)
        self.revision: int | None = None
        self.marker: tuple | None = None
        self.lock = threading.Lock()
        self.sheet_votes: dict[int, tuple[tuple[int, int], ...]] = {}
        self.sheet_figures: dict[int, tuple[int, int, int, int]] = {}
        self._foreign: dict[int, int] = {}  # vote rows left out, by sheet (see Minutes)
        self.minutes = self._read_all(rows)

    # -- reading ------------------------------------------------------------------------------

    def _state_rows(self) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, status, version, annulled FROM results_tallysheet "
                "WHERE round_id = %s ORDER BY id",
                [self.round_id],
            )
            return cursor.fetchall()

    def _read_all(self, rows: list[tuple] | None = None) -> Minutes:
        """Every sheet and vote row of the round (``rows``: the sheets, when already read)."""
        ref = self.reference
        with connection.cursor() as cursor:
            if rows is None:
                cursor.execute(
                    "SELECT id, status, version, annulled, registered, voters, null_ballots, "
                    "valid_votes FROM results_tallysheet WHERE round_id = %s ORDER BY id",
                    [self.round_id],
                )
                rows = cursor.fetchall()
            cursor.execute(
                "SELECT v.sheet_id, v.selection_id, v.votes FROM results_sheetvote v "
                "JOIN results_tallysheet s ON s.id = v.sheet_id "
                "WHERE s.round_id = %s AND s.status = %s",
                [self.round_id, DEFINITIVE],
            )
            vote_rows = cursor.fetchall()
        states: dict[int, tuple] = {}
        self.sheet_figures = {}
        for sid, status, version, annulled, reg, vot, nul, val in rows:
            if sid in ref.sheet_row:
                states[sid] = (status, version, bool(annulled))
                self.sheet_figures[sid] = (reg or 0, vot or 0, nul or 0, val or 0)
        votes: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for sheet_id, selection_id, n in vote_rows:
            votes[sheet_id].append((selection_id, n))
        self.sheet_votes = {sid: tuple(v) for sid, v in votes.items()}
        return self._build(states)

    def _build(self, states: dict[int, tuple]) -> Minutes:
        ref = self.reference
        n = len(ref.sheet_ids)
        state = tuple(states.get(int(sid), ("", -1, False)) for sid in ref.sheet_ids)
        status = np.fromiter((_STATUS_CODES.get(s[0], -1) for s in state), dtype=np.int8, count=n)
        annulled = np.fromiter((s[2] for s in state), dtype=bool, count=n)
        figures = np.array(
            [self.sheet_figures.get(int(sid), (0, 0, 0, 0)) for sid in ref.sheet_ids],
            dtype=np.int64,
        ).reshape(n, 4)
        v_row, v_col, v_n = [], [], []
        foreign = 0
        self._foreign = {}
        for sid, pairs in self.sheet_votes.items():
            row = ref.sheet_row.get(sid)
            if row is not None:
                count = self._vote_entries(row, pairs, v_row, v_col, v_n)
                if count:
                    self._foreign[sid] = count
                foreign += count
        return Minutes(
            state=state,
            status=status,
            annulled=annulled,
            figures=figures,
            vote_row=np.array(v_row, dtype=np.int64),
            vote_col=np.array(v_col, dtype=np.int64),
            vote_n=np.array(v_n, dtype=np.int64),
            foreign_votes=foreign,
        )

    def _vote_entries(self, row: int, pairs, v_row: list, v_col: list, v_n: list) -> int:
        """Append the vote rows of the sheet at ``row``; return how many were left out because
        their selection is not of the sheet's contest."""
        ref = self.reference
        ci = ref.sheet_contest[row]
        foreign = 0
        for selection_id, votes in pairs:
            pos = ref.sel_pos.get(selection_id)
            if pos is None or pos[0] != ci:
                foreign += 1
                continue
            v_row.append(row)
            v_col.append(pos[1])
            v_n.append(votes)
        return foreign

    def _patch(self, changed: list[int], states: dict[int, tuple]) -> Minutes:
        """The current minutes with the rows of the ``changed`` sheets replaced (new arrays)."""
        ref, old = self.reference, self.minutes
        rows = np.array([ref.sheet_row[sid] for sid in changed], dtype=np.int64)
        state = list(old.state)
        status, annulled, figures = old.status.copy(), old.annulled.copy(), old.figures.copy()
        for sid, row in zip(changed, rows.tolist(), strict=True):
            st = states[sid]
            state[row] = st
            status[row] = _STATUS_CODES.get(st[0], -1)
            annulled[row] = st[2]
            figures[row] = self.sheet_figures.get(sid, (0, 0, 0, 0))
        keep = ~np.isin(old.vote_row, rows)
        dropped_foreign = sum(self._foreign.pop(sid, 0) for sid in changed)
        v_row, v_col, v_n = [], [], []
        added_foreign = 0
        for sid, row in zip(changed, rows.tolist(), strict=True):
            pairs = self.sheet_votes.get(sid, ())
            count = self._vote_entries(row, pairs, v_row, v_col, v_n)
            if count:
                self._foreign[sid] = count
            added_foreign += count
        return Minutes(
            state=tuple(state),
            status=status,
            annulled=annulled,
            figures=figures,
            vote_row=np.concatenate([old.vote_row[keep], np.array(v_row, dtype=np.int64)]),
            vote_col=np.concatenate([old.vote_col[keep], np.array(v_col, dtype=np.int64)]),
            vote_n=np.concatenate([old.vote_n[keep], np.array(v_n, dtype=np.int64)]),
            foreign_votes=old.foreign_votes - dropped_foreign + added_foreign,
        )

    def refresh(self) -> None:
        """Read again the sheets whose status, version or annulment changed."""
        ref = self.reference
        rows = self._state_rows()
        current = self.minutes.state
        states: dict[int, tuple] = {}
        changed: list[int] = []
        for sid, status, version, annulled in rows:
            row = ref.sheet_row.get(sid)
            if row is None:
                continue
            st = (status, version, bool(annulled))
            states[sid] = st
            if current[row] != st:
                changed.append(sid)
        if not changed:
            return
        if len(changed) > _BULK_RELOAD:
            self.minutes = self._read_all()
            return
        with connection.cursor() as cursor:
            for start in range(0, len(changed), _CHUNK):
                chunk = changed[start : start + _CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    "SELECT id, status, version, annulled, registered, voters, null_ballots, "
                    f"valid_votes FROM results_tallysheet WHERE id IN ({marks})",
                    chunk,
                )
                for sid, status, version, annulled, reg, vot, nul, val in cursor.fetchall():
                    states[sid] = (status, version, bool(annulled))
                    self.sheet_figures[sid] = (reg or 0, vot or 0, nul or 0, val or 0)
                cursor.execute(
                    "SELECT sheet_id, selection_id, votes FROM results_sheetvote "
                    f"WHERE sheet_id IN ({marks})",
                    chunk,
                )
                votes: dict[int, list[tuple[int, int]]] = defaultdict(list)
                for sheet_id, selection_id, n in cursor.fetchall():
                    votes[sheet_id].append((selection_id, n))
                for sid in chunk:
                    if sid in votes:
                        self.sheet_votes[sid] = tuple(votes[sid])
                    else:
                        self.sheet_votes.pop(sid, None)
        self.minutes = self._patch(changed, states)

    # -- computing ----------------------------------------------------------------------------

    def sums(self, minutes: Minutes) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per level (commune, cercle, region, nation): an integer matrix of the groups'
        figures (columns ``FIELDS``) and one of their votes (groups × selections)."""
        ref = self.reference
        status, annulled = minutes.status, minutes.annulled
        counted = (status == _DEF) & ~annulled
        received = status != _EXPECTED
        blocked = (status == _BLOCKED) & ~annulled
        reg = ref.station_registered
        fig = minutes.figures
        columns = (
            None,  # expected: one per sheet
            received,
            counted,
            blocked,
            annulled,
            reg,
            reg * annulled,
            fig[:, 0] * counted,
            fig[:, 1] * counted,
            fig[:, 2] * counted,
            fig[:, 3] * counted,
        )
        keep = counted[minutes.vote_row] if len(minutes.vote_row) else np.zeros(0, dtype=bool)
        v_row = minutes.vote_row[keep]
        v_col = minutes.vote_col[keep]
        v_n = minutes.vote_n[keep].astype(np.float64)
        out = []
        width = ref.width
        for level in range(4):
            g = ref.group_of_sheet[level]
            size = len(ref.groups[level])
            figures = np.empty((size, len(columns)), dtype=np.int64)
            for j, w in enumerate(columns):
                figures[:, j] = np.rint(np.bincount(g, weights=w, minlength=size)).astype(np.int64)
            keys = g[v_row] * width + v_col
            votes = (
                np.rint(np.bincount(keys, weights=v_n, minlength=size * width))
                .astype(np.int64)
                .reshape(size, width)
            )
            out.append((figures, votes))
        return out


# Columns of the figures matrix of ``RoundColumns.sums``.
FIELDS = (
    "expected",
    "received",
    "definitive",
    "blocked",
    "annulled",
    "registered_expected",
    "registered_annulled",
    "registered",
    "voters",
    "null_ballots",
    "valid_votes",
)


# --------------------------------------------------------------------------------------------
# The per-process cache


_cache: OrderedDict[int, RoundColumns] = OrderedDict()
_cache_lock = threading.Lock()
_round_locks: dict[int, threading.Lock] = defaultdict(threading.Lock)
_triggers_checked: dict[int, bool] = {}


def clear() -> None:
    with _cache_lock:
        _cache.clear()
        _triggers_checked.clear()


def triggers_present() -> bool:
    """Whether every trigger of migration ``results/0002`` exists in the database."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'tabrev\\_%' ESCAPE '\\'"
            )
        elif vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tabrev\\_%' "
                "AND NOT tgisinternal"
            )
        else:
            return False
        return cursor.fetchone()[0] == TRIGGERS_EXPECTED[vendor]


def _markers() -> tuple[int | None, tuple | None]:
    """(reference revision, database marker), read before any data. ``None`` marker: the
    database cannot say whether something was committed (then the sheets are compared)."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                "SELECT (SELECT n FROM results_tabulationrevision WHERE id = 1), "
                "pg_current_snapshot()::text"
            )
            revision, snapshot = cursor.fetchone()
            return revision, ("pg", snapshot)
        if vendor == "sqlite":
            cursor.execute("PRAGMA data_version")
            data_version = cursor.fetchone()[0]
            cursor.execute(
                "SELECT (SELECT n FROM results_tabulationrevision WHERE id = 1), total_changes()"
            )
            revision, changes = cursor.fetchone()
            return revision, ("sqlite", _generation_of(connection), data_version, changes)
    return None, None


def round_columns(round_: Round) -> tuple[RoundColumns, Minutes]:
    """The columns of ``round_``, exact as of now, and the minutes to compute from."""
    if connection.in_atomic_block or connection.vendor not in TRIGGERS_EXPECTED:
        columns = RoundColumns(round_)
        return columns, columns.minutes
    connection.ensure_connection()
    generation = _generation_of(connection)
    if generation not in _triggers_checked:
        _triggers_checked[generation] = triggers_present()
    if not _triggers_checked[generation]:
        columns = RoundColumns(round_)
        return columns, columns.minutes

    with _cache_lock:
        lock = _round_locks[round_.id]
    with lock:
        revision, marker = _markers()
        with _cache_lock:
            columns = _cache.get(round_.id)
        if columns is None or revision is None or columns.revision != revision:
            columns = RoundColumns(round_)
            columns.revision = revision
            columns.marker = marker
            with _cache_lock:
                _cache[round_.id] = columns
                _cache.move_to_end(round_.id)
                while len(_cache) > _CACHE_SIZE:
                    _cache.popitem(last=False)
        elif marker is None or columns.marker != marker:
            columns.refresh()
            columns.marker = marker
        return columns, columns.minutes
