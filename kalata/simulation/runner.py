"""Running a simulated election through Kalata's real services, from empty to final results.

``Simulation(options).run()`` does what the people of election night do, each act through the
service a person would use — never by writing rows directly — so the audit log holds every act
and ``kalata audit verify`` passes at the end:

1. the administrator creates the election, its polling stations (Art. 71: ⌈n/700⌉ per commune
   and per embassy or consulate) and registers the candidacies (``kalata.elections.services``);
2. accounts and roles (``kalata.accounts.services``): a pair of clerks and a president for every
   centralisation commission (cercle, District, embassy or consulate, Art. 141, 149, 187), the
   Ministry, the Constitutional Court — or, for communal elections, the administrative judge of
   each region (Art. 188);
3. the round is opened (the minutes expected, one per station);
4. the minutes arrive, earliest first (Bamako within hours, the north days later): two clerks
   type each one (``submit_entry``); the president settles the differences (``resolve``),
   acknowledges each warning with a reason (``acknowledge``), corrects blocked minutes by a
   reasoned act (``correct``) or discards the entries to have them typed again from the original
   (``discard_entries``); the partial results are looked at twice (``tabulate``), the late
   minutes come after;
5. the Ministry proclaims the provisional results (for communal elections each cercle's and the
   District's commission, Art. 187); the Court annuls a station or two and corrects a material
   error (Art. 142, 150; the administrative judge for communal elections, Art. 188); the final
   results are proclaimed (``proclaim``) and compared with the provisional ones (``compare``);
6. when the law engine sends contests to a second round (``second_round_candidates``: Art. 127
   presidential, 144 legislative), round 2 is created with the designated candidates or lists
   and run the same way.

Acts outside the data-entry services (proclamations, annulments) are first checked with
``kalata.accounts.permissions.require``, as a screen would. Time in the simulation: the
proclamations are dated as the law's calendar puts them (provisional four days after the poll,
final twelve days after, as in 2007); the audit timestamps are real.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime

from django.db import DatabaseError
from django.utils import timezone

from kalata.law.calendar import fr_date
from kalata.law.explain import LawError, fr_int
from kalata.simulation import scenario as sc

DEFINITIVE = "definitive"
DIFFERENT = "different"
TO_ACKNOWLEDGE = "to_acknowledge"
BLOCKED = "blocked"
EXPECTED = "expected"

#: How many minutes the clerks type before their president goes through the queue.
COMMISSION_BATCH = 250
#: When the partial results are looked at: after this share of the minutes, and once more just
#: before the late minutes arrive.
FIRST_LOOK = 0.25


@dataclass(frozen=True)
class SimulationOptions:
    """What to simulate. ``regions``: region codes (``R01``…``R08``, ``D09``) and ``EXT`` for the
    embassies and consulates; empty for the whole territory (and abroad, for a presidential
    election or a referendum). ``electors``: total registered electors (default: about 7
    million nationally, in proportion for a part of the territory). ``faults``: a factor on the
    rates of faulty minutes and typing errors. ``runoff``: a presidential field with no
    candidate near a majority (as in 2002), hence a second round."""

    kind: str
    polling_date: date
    seed: int = 2007
    electors: int | None = None
    regions: tuple[str, ...] = ()
    runoff: bool = False
    faults: float = 1.0
    verify: bool = False
    title: str | None = None
    progress: Callable[[str], None] | None = None


class _Timer:
    """Wall-clock and CPU time per phase (the CPU time of this process tells the simulation's
    own cost on a machine shared with other work)."""

    def __init__(self) -> None:
        self.phases: dict[str, list[float]] = {}

    @contextmanager
    def __call__(self, label: str):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            spent = self.phases.setdefault(label, [0.0, 0.0])
            spent[0] += time.perf_counter() - wall
            spent[1] += time.process_time() - cpu

    def as_list(self) -> list[dict]:
        return [
            {"phase": k, "seconds": round(w, 3), "cpu_seconds": round(c, 3)}
            for k, (w, c) in self.phases.items()
        ]


@dataclass(slots=True)
class Job:
    """One expected sheet of minutes and what the simulation does with it."""

    sheet: object
    station: str
    unit: str
    region: str
    commission: str
    contest: str
    registered: int
    truth: dict
    paper: dict
    plan: sc.Plan
    arrival: float
    late: bool = False
    attempts: int = 0
    corrected: bool = False
    differences: tuple = ()
    blocked_codes: tuple = ()
    acknowledged: tuple = ()


@dataclass
class _Commission:
    code: str
    label: str
    clerks: tuple = ()
    president: object = None


@dataclass
class RoundRun:
    """What happened in one round: the jobs and the counts for the report."""

    number: int
    code: str
    jobs: list[Job] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    acknowledged: Counter = field(default_factory=Counter)
    blocked: Counter = field(default_factory=Counter)
    injected: Counter = field(default_factory=Counter)
    looks: list[dict] = field(default_factory=list)
    annulments: list[dict] = field(default_factory=list)
    court_corrections: list[dict] = field(default_factory=list)
    report: dict = field(default_factory=dict)


def _error(code: str, message: str, field_name: str | None = None) -> LawError:
    return LawError(code=code, message=message, articles=(), field=field_name)


class Simulation:
    """A simulated election, run from empty to final results (see the module docstring)."""

    def __init__(self, options: SimulationOptions) -> None:
        self.o = options
        self.timer = _Timer()
        self.rounds: list[RoundRun] = []
        self.commissions: dict[str, _Commission] = {}
        self.courts: dict[str, object] = {}  # region code ("" nationally) -> court user
        self.base_weights: dict[tuple, dict[str, float]] = {}
        self._profiles: dict[tuple, sc.UnitProfile] = {}

    # ----------------------------------------------------------------------------------------
    def say(self, text: str) -> None:
        if self.o.progress is not None:
            self.o.progress(text)

    def run(self) -> dict:
        from kalata.audit.services import head, verify
        from kalata.elections.services import election_code

        started, cpu_started = time.perf_counter(), time.process_time()
        o = self.o
        kind = self._check_kind(o.kind)
        if o.polling_date.weekday() != 6:
            # create_election says it too; said first so that no account is created for nothing.
            raise LawError(
                "not_sunday",
                f"Le {fr_date(o.polling_date)} n'est pas un dimanche : le scrutin a lieu un "
                "dimanche (art. 78).",
                ("78",),
                "date",
            )
        self._require_territory()
        from kalata.elections.models import Election

        code = election_code(kind, o.polling_date)
        if Election.objects.filter(code=code).exists():
            raise _error(
                "election_exists",
                f"Le scrutin {code} existe déjà : choisissez une autre date (un autre dimanche) "
                "pour une nouvelle simulation.",
                "date",
            )
        self.kind = kind
        self.prefix = code.lower()
        with self.timer("Préparation : scrutin, bureaux de vote, candidatures"):
            self._setup()
        with self.timer("Comptes et rôles (commissions, Ministère, juridiction)"):
            self._accounts()
        round_ = self.round1
        while round_ is not None:
            run = RoundRun(number=round_.number, code=round_.code)
            self.rounds.append(run)
            self._run_round(round_, run)
            round_ = self._second_round(round_, run)
        verified = None
        if o.verify:
            with self.timer("Vérification du journal d'audit"):
                report = verify()
            verified = {"ok": report.ok, "lines": report.lines_fr()}
        chain = head()
        return self._report(
            chain,
            verified,
            time.perf_counter() - started,
            time.process_time() - cpu_started,
        )

    # ----------------------------------------------------------------------------------------
    # Setup

    def _check_kind(self, kind: str) -> str:
        if kind not in sc.KINDS:
            raise _error(
                "kind_unknown",
                f"Type de scrutin « {kind} » non simulé : presidential, legislative, communal "
                "ou referendum.",
                "type",
            )
        if self.o.runoff and kind != sc.PRESIDENTIAL:
            raise _error(
                "runoff_presidential_only",
                "L'option --runoff ne vaut que pour l'élection présidentielle.",
                "runoff",
            )
        if self.o.electors is not None and self.o.electors < 1:
            raise _error(
                "electors_invalid", "Le nombre d'électeurs doit être un entier positif.", "electors"
            )
        if not 0 <= self.o.faults <= 10:
            raise _error(
                "faults_invalid",
                "Le facteur d'anomalies doit être compris entre 0 et 10.",
                "faults",
            )
        return kind

    def _require_territory(self) -> None:
        from kalata.territory.models import Commune

        try:
            loaded = Commune.objects.exists()
        except DatabaseError:
            loaded = False
        if not loaded:
            raise _error(
                "territory_not_loaded",
                "Le territoire n'est pas chargé : lancez « kalata migrate » puis "
                "« kalata territory load ».",
            )

    def _territory(self):
        from kalata.territory.models import Commune, Mission, Region

        wanted = tuple(dict.fromkeys(r.strip().upper() for r in self.o.regions if r.strip()))
        known = set(Region.objects.values_list("code", flat=True))
        unknown = [r for r in wanted if r not in known and r != sc.ABROAD]
        if unknown:
            raise _error(
                "region_unknown",
                f"Région(s) inconnue(s) : {', '.join(unknown)} (codes : "
                f"{', '.join(sorted(known))}, et {sc.ABROAD} pour les ambassades et consulats).",
                "regions",
            )
        national = self.kind in sc.NATIONAL_KINDS
        if wanted and sc.ABROAD in wanted and not national:
            raise _error(
                "abroad_not_voting",
                "Les Maliens de l'extérieur ne votent qu'à l'élection présidentielle et au "
                "référendum (art. 125, 140) : retirez EXT de --regions.",
                "regions",
            )
        all_communes = list(
            Commune.objects.values_list("code", "population", "region__code", "cercle__code")
        )
        total_population = sum(p or 0 for _, p, _, _ in all_communes)
        domestic_regions = [r for r in wanted if r != sc.ABROAD]
        if wanted:
            communes = [c for c in all_communes if c[2] in domestic_regions]
        else:
            communes = all_communes
        abroad = national and (not wanted or sc.ABROAD in wanted)
        missions = list(Mission.objects.order_by("code").values_list("code", flat=True))
        missions = missions if abroad else []
        population = sum(p or 0 for _, p, _, _ in communes)
        if self.o.electors is None:
            domestic = round(sc.DEFAULT_DOMESTIC_ELECTORS * population / total_population)
            outside = sc.DEFAULT_ABROAD_ELECTORS if missions else 0
        else:
            default_domestic = sc.DEFAULT_DOMESTIC_ELECTORS * population / total_population
            default_abroad = sc.DEFAULT_ABROAD_ELECTORS if missions else 0
            whole = default_domestic + default_abroad
            outside = round(self.o.electors * default_abroad / whole) if whole else 0
            domestic = self.o.electors - outside
        if not communes:
            domestic = 0
        self.region_of = {code: region for code, _, region, _ in all_communes}
        self.cercle_of = {code: cercle for code, _, _, cercle in all_communes}
        self.commission_of = {code: cercle or region for code, _, region, cercle in all_communes}
        self.regions_simulated = list(wanted)
        return communes, missions, domestic, outside

    def _setup(self) -> None:
        from kalata.accounts.models import Role
        from kalata.elections.models import Contest, ListMember, Selection
        from kalata.elections.services import (
            add_presidential_candidates,
            add_selections,
            create_election,
        )

        o = self.o
        communes, missions, domestic, abroad = self._territory()
        electors = sc.electors_by_unit(
            o.seed, [(c, p or 0) for c, p, _, _ in communes], missions, domestic, abroad
        )
        if not electors:
            raise _error("no_electors", "Aucun électeur à simuler sur ce territoire.", "electors")
        self.admin = self._user("admin", Role.ADMIN, note="Administrateur de la simulation")
        title = o.title or None
        question = ""
        if self.kind == sc.REFERENDUM:
            question = (
                "Approuvez-vous le projet de loi constitutionnelle soumis à votre approbation ? "
                "(question fictive de la simulation)"
            )
        self.say("Création du scrutin et des bureaux de vote…")
        setup = create_election(
            self.kind,
            o.polling_date,
            title,
            actor=self.admin,
            electors=electors,
            question=question,
        )
        self.election, self.round1 = setup.election, setup.round
        self.stations_created = setup.stations
        self.say(
            f"{setup.election.code} : {fr_int(setup.stations.registered)} électeurs inscrits, "
            f"{fr_int(setup.stations.stations)} bureaux de vote."
        )
        if self.kind == sc.PRESIDENTIAL:
            add_presidential_candidates(
                self.round1,
                sc.presidential_candidates(o.seed, o.polling_date),
                actor=self.admin,
            )
        elif self.kind in (sc.LEGISLATIVE, sc.COMMUNAL):
            # Constituencies: the cercle, or the Bamako commune (Art. 143); the commune (177).
            if self.kind == sc.LEGISLATIVE:
                simulated = {self.cercle_of[c] or c for c in electors if c in self.cercle_of}
            else:
                simulated = set(electors)
            specs = {}
            for code, seats in Contest.objects.filter(round=self.round1).values_list(
                "code", "seats"
            ):
                lists, strength = sc.list_candidacies(
                    o.seed, self.kind, code, seats, o.polling_date
                )
                if code not in simulated:
                    # Outside the simulated part of the territory nobody votes; the round
                    # still needs a candidacy in every contest to open (one list suffices).
                    lists = lists[:1]
                specs[code] = lists
                self.base_weights[(1, code, None)] = sc.normalise(strength)
            self.say(f"Dépôt des candidatures dans {fr_int(len(specs))} circonscriptions…")
            add_selections(self.round1, specs, actor=self.admin)
        self.contests = Contest.objects.filter(round=self.round1).count()
        self.selections = Selection.objects.filter(contest__round=self.round1).count()
        self.members = ListMember.objects.filter(selection__contest__round=self.round1).count()

    # ----------------------------------------------------------------------------------------
    # Accounts

    def _user(self, name: str, role: str, note: str = "", **scope):
        """The account ``<election>.<name>`` with ``role``, created and granted through the
        audited services (reused when it exists: a simulation interrupted and run again)."""
        from django.contrib.auth import get_user_model

        from kalata.accounts.services import create_user, grant

        username = f"{self.prefix}.{name}"
        actor = getattr(self, "admin", None)
        existing = getattr(self, "_existing_users", None)
        if existing is None:
            user = get_user_model().objects.filter(username=username).first()
        else:
            user = existing.get(username)
        if user is None:
            user = create_user(username, actor=actor)
        election = None if role == "admin" else getattr(self, "election", None)
        try:
            grant(user, role, election=election, granted_by=actor, note=note, **scope)
        except LawError as exc:
            if exc.code != "role_already_granted":
                raise
        return user

    def _accounts(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db import transaction

        from kalata.elections.models import PollingStation
        from kalata.results.proclamation import communal_scopes
        from kalata.territory.models import Cercle, Mission, Region

        rows = PollingStation.objects.filter(election=self.election).values_list(
            "commune__code", "mission__code"
        )
        keys = set()
        for commune, mission in rows:
            keys.add(mission or self.commission_of[commune])
        presidents_only = set()
        if self.kind == sc.COMMUNAL:
            # Every cercle's and the District's commission proclaims its communes' results
            # (Art. 187), stations or not.
            presidents_only = set(communal_scopes(self.round1)) - keys
        cercles = Cercle.objects.in_bulk(field_name="code")
        regions = Region.objects.in_bulk(field_name="code")
        missions = Mission.objects.in_bulk(field_name="code")
        self.say(f"Comptes des {len(keys | presidents_only)} commissions de centralisation…")
        # The accounts of a simulation interrupted and run again, in one query; the accounts
        # are then created and granted one by one through the audited services, in a single
        # transaction (all the commissions' accounts, or none).
        users = get_user_model().objects.filter(username__startswith=f"{self.prefix}.")
        self._existing_users = {u.get_username(): u for u in users}
        try:
            with transaction.atomic():
                self._commission_accounts(keys, presidents_only, cercles, regions, missions)
        finally:
            self._existing_users = None

    def _commission_accounts(self, keys, presidents_only, cercles, regions, missions) -> None:
        from kalata.accounts.models import Role

        for key in sorted(keys | presidents_only):
            if key in missions:
                scope, label = {"mission": missions[key]}, missions[key].name
            elif key in cercles:
                scope, label = {"cercle": cercles[key]}, f"Cercle de {cercles[key].name}"
            else:
                scope, label = {"region": regions[key]}, regions[key].label
            unit = key.lower()
            commission = _Commission(key, label)
            note = f"Commission de centralisation — {label}"
            if key in keys:
                commission.clerks = (
                    self._user(f"{unit}.saisie1", Role.CLERK, note, **scope),
                    self._user(f"{unit}.saisie2", Role.CLERK, note, **scope),
                )
            commission.president = self._user(f"{unit}.president", Role.PRESIDENT, note, **scope)
            self.commissions[key] = commission
        if self.kind == sc.COMMUNAL:
            # Art. 188: the administrative tribunal; one judge per region (or the District).
            for code in sorted({self.region_of[c] for c in self.region_of}):
                self.courts[code] = self._user(
                    f"tribunal.{code.lower()}",
                    Role.COURT,
                    f"Juge administratif — {regions[code].label}",
                    region=regions[code],
                )
        else:
            self.ministry = self._user("ministere", Role.MINISTRY, "Ministère (MATCL)")
            self.courts[""] = self._user("cour", Role.COURT, "Cour constitutionnelle")

    # ----------------------------------------------------------------------------------------
    # A round

    def _weights(self, round_number: int, contest: str, region: str) -> dict[str, float]:
        key = (round_number, contest, region if self.kind in sc.NATIONAL_KINDS else None)
        found = self.base_weights.get(key)
        if found is None:
            if self.kind == sc.PRESIDENTIAL and round_number == 1:
                found = sc.presidential_weights(region, self.o.runoff)
            elif self.kind == sc.REFERENDUM:
                found = sc.referendum_weights(region)
            else:  # round 2: the finalists and the transfers of the others' voters
                first = self._weights(1, contest, region)
                rng = sc.rng_for(self.o.seed, "transfers", contest, key[2])
                found = sc.second_round_weights(first, self.finalists[contest], rng)
            self.base_weights[key] = found
        return found

    def _jobs(self, round_, run: RoundRun) -> list[Job]:
        from kalata.elections.models import Selection
        from kalata.results.models import TallySheet

        codes: dict[str, list[str]] = {}
        for contest, code in (
            Selection.objects.filter(contest__round=round_)
            .order_by("contest__code", "order", "code")
            .values_list("contest__code", "code")
        ):
            codes.setdefault(contest, []).append(code)
        rows = (
            TallySheet.objects.filter(round=round_)
            .order_by("station__code", "contest__code")
            .values_list(
                "id",
                "round_id",
                "contest_id",
                "station_id",
                "station__code",
                "station__registered",
                "contest__code",
                "station__commune__code",
                "station__mission__code",
            )
        )
        seed, number = self.o.seed, round_.number
        jobs = []
        plans = {}
        for sid, rid, cid, stid, station, registered, contest, commune, mission in rows:
            unit = mission or commune
            region = sc.ABROAD if mission else self.region_of[commune]
            commission = mission or self.commission_of[commune]
            profile_key = (number, contest, unit)
            profile = self._profiles.get(profile_key)
            if profile is None:
                profile = sc.unit_profile(
                    seed,
                    f"{contest}:{unit}",
                    self.kind,
                    number,
                    region,
                    self._weights(number, contest, region),
                    codes[contest],
                )
                self._profiles[profile_key] = profile
            truth = sc.station_figures(seed, number, station, registered, profile)
            label = f"{number}:{station}"
            plans[label] = sc.draw_plan(seed, number, station, codes[contest], self.o.faults)
            sheet = TallySheet(id=sid, round_id=rid, contest_id=cid, station_id=stid)
            jobs.append(
                Job(
                    sheet=sheet,
                    station=station,
                    unit=unit,
                    region=region,
                    commission=commission,
                    contest=contest,
                    registered=registered,
                    truth=truth,
                    paper=truth,
                    plan=plans[label],
                    arrival=sc.arrival_hours(seed, number, station, region),
                )
            )
        if self.o.faults > 0:
            plans = sc.ensure_each_fault(plans, sorted(plans))
        for job in jobs:
            job.plan = plans[f"{number}:{job.station}"]
            job.paper = sc.paper_figures(job.truth, job.plan.fault, seed, f"{number}:{job.station}")
            if job.plan.fault:
                run.injected[job.plan.fault] += 1
            if job.plan.typo_entry:
                run.injected["typo"] += 1
        jobs.sort(key=lambda j: (j.arrival, j.station))
        late = int(len(jobs) * sc.LATE_RATE)
        for job in jobs[len(jobs) - late :]:
            job.late = True
        return jobs

    def _run_round(self, round_, run: RoundRun) -> None:
        from kalata.elections.services import open_round

        n = round_.number
        with self.timer(f"Tour {n} — ouverture (procès-verbaux attendus)"):
            open_round(round_, actor=self.admin)
            run.jobs = jobs = self._jobs(round_, run)
        self.say(f"Tour {n} : {fr_int(len(jobs))} procès-verbaux attendus.")
        on_time = [j for j in jobs if not j.late]
        late = [j for j in jobs if j.late]
        first_look = max(1, int(len(jobs) * FIRST_LOOK))
        queue: list[Job] = []
        for i, job in enumerate(on_time, start=1):
            self._type(job, run)
            if job.sheet.status != DEFINITIVE:
                queue.append(job)
            if i % COMMISSION_BATCH == 0 or i == len(on_time):
                self._commission_work(queue, run)
                queue = []
            if i == first_look:
                self._look(round_, run, "premiers résultats partiels")
            if i % 2000 == 0:
                self.say(f"Tour {n} : {fr_int(i)} / {fr_int(len(jobs))} PV saisis…")
        self._look(round_, run, "avant les procès-verbaux arrivés en retard")
        for job in late:
            self._type(job, run)
            if job.sheet.status != DEFINITIVE:
                queue.append(job)
        self._commission_work(queue, run)
        run.counts["late"] = len(late)
        self.say(f"Tour {n} : {fr_int(len(jobs))} PV définitifs.")
        self._proclaim(round_, run, "provisional")
        self._court(round_, run)
        self._proclaim(round_, run, "final")

    # ----------------------------------------------------------------------------------------
    # Clerks and presidents

    def _type(self, job: Job, run: RoundRun) -> None:
        """Two clerks of the commission type the minutes, each on their own."""
        from kalata.results.entry import submit_entry

        clerks = self.commissions[job.commission].clerks
        first, second = clerks if hash_order(job.station) else clerks[::-1]
        source = job.paper if job.attempts == 0 else self._original(job)
        typed = [source, source]
        if job.attempts == 0 and job.plan.typo_entry:
            label = f"{job.station}:{job.plan.typo_field}"
            typed[job.plan.typo_entry - 1] = sc.with_typo(
                source, job.plan.typo_field, self.o.seed, label
            )
        with self.timer(f"Tour {run.number} — saisie des PV (deux saisies par PV)"):
            submit_entry(job.sheet, first, typed[0])
            result = submit_entry(job.sheet, second, typed[1])
        run.counts["entries"] += 2
        if job.attempts:
            run.counts["retyped"] += 1
        job.attempts += 1
        job.differences = result.differences
        if result.status == BLOCKED:
            job.blocked_codes = tuple(job.sheet.check_codes)

    def _original(self, job: Job) -> dict:
        """What the clerks type again after a discard: the original minutes (for a misread
        copy, the true figures; otherwise the same paper)."""
        return job.truth if job.plan.fault == "E04" else job.paper

    def _commission_work(self, queue: list[Job], run: RoundRun) -> None:
        for job in queue:
            self._settle(job, run)

    def _settle(self, job: Job, run: RoundRun) -> None:
        from kalata.results.entry import acknowledge, correct, discard_entries, resolve

        president = self.commissions[job.commission].president
        label = f"Tour {run.number} — commission : écarts, avertissements, PV bloqués"
        for _ in range(8):
            status = job.sheet.status
            if status == DEFINITIVE:
                return
            if status == EXPECTED:
                self._type(job, run)
                continue
            with self.timer(label):
                if status == DIFFERENT:
                    wrong = job.plan.typo_entry
                    keep = "second" if wrong == 1 else "first"
                    choices = {d.field: keep for d in job.differences}
                    resolve(job.sheet, president, choices)
                    run.counts["resolved"] += 1
                    if job.sheet.status == BLOCKED:
                        job.blocked_codes = tuple(job.sheet.check_codes)
                elif status == TO_ACKNOWLEDGE:
                    warnings = [c for c in job.sheet.check_codes if c.startswith("W")]
                    reasons = {c: sc.ACK_REASONS.get(c, sc.DEFAULT_ACK_REASON) for c in warnings}
                    acknowledge(job.sheet, president, reasons)
                    job.acknowledged = tuple(warnings)
                    run.counts["acknowledged_sheets"] += 1
                    run.acknowledged.update(warnings)
                elif status == BLOCKED:
                    run.blocked.update(c for c in job.blocked_codes if c.startswith("E"))
                    run.counts["blocked"] += 1
                    if job.plan.fault == "E03" and not job.corrected:
                        figures = dict(job.truth)
                        paper = job.sheet.figures or job.paper
                        reason = (
                            "Recomptage des émargements par la commission : "
                            f"{fr_int(figures['voters'])} votants (le procès-verbal en portait "
                            f"{fr_int(paper['voters'])}) ; nuls + exprimés = votants "
                            "(art. 84, 85)."
                        )
                        correct(job.sheet, president, figures, reason)
                        job.corrected = True
                        run.counts["corrected"] += 1
                    else:
                        discard_entries(
                            job.sheet,
                            president,
                            "Saisies faites sur une copie illisible du procès-verbal : le PV "
                            "est ressaisi sur l'original transmis par le bureau de vote.",
                        )
                        run.counts["discarded"] += 1
                else:  # pragma: no cover - first_entry never stays after two entries
                    raise RuntimeError(f"état inattendu {status} pour {job.station}")
        raise RuntimeError(f"Le PV {job.station} n'a pas pu être rendu définitif.")

    # ----------------------------------------------------------------------------------------
    # Looking at the partial results

    def _look(self, round_, run: RoundRun, label: str) -> None:
        from kalata.results.tabulation import tabulate

        with self.timer(f"Tour {run.number} — consultation des résultats partiels"):
            results = tabulate(round_)
        run.looks.append({"label": label, **summarise(results, self.kind)})

    # ----------------------------------------------------------------------------------------
    # Proclamations and the Court

    def _moment(self, round_, days: int) -> datetime:
        when = datetime.combine(round_.polling_date + timedelta(days=days), dtime(18, 0))
        return timezone.make_aware(when)

    def _proclaim(self, round_, run: RoundRun, kind: str) -> None:
        from kalata.accounts.permissions import Action, require
        from kalata.results.proclamation import communal_scopes, proclaim
        from kalata.territory.models import Cercle, Region

        provisional = kind == "provisional"
        label = "provisoire" if provisional else "définitive"
        with self.timer(f"Tour {run.number} — proclamation {label}"):
            action = Action.PROCLAIM_PROVISIONAL if provisional else Action.PROCLAIM_FINAL
            if self.kind != sc.COMMUNAL:
                user = self.ministry if provisional else self.courts[""]
                require(user, action, round_)
                days = 4 if provisional else 12
                proclamation = proclaim(round_, kind, user, now=self._moment(round_, days))
                run.report[kind] = proclamation
                return
            # Communal: each commission proclaims its communes (Art. 187); the results become
            # final once the ten days of Art. 188 have run out (simulated: "now" + 11 days).
            scopes = communal_scopes(round_)
            cercles = Cercle.objects.in_bulk(field_name="code")
            regions = Region.objects.in_bulk(field_name="code")
            done = {}
            later = timezone.now() + timedelta(days=11)
            for scope in scopes:
                target = cercles.get(scope) or regions[scope]
                if provisional:
                    user = self.commissions[scope].president
                else:
                    region = target.region.code if scope in cercles else scope
                    user = self.courts[region]
                require(user, action, target, election=round_)
                now = self._moment(round_, 4) if provisional else later
                done[scope] = proclaim(round_, kind, user, scope=scope, now=now)
            run.report[kind] = done

    def _court(self, round_, run: RoundRun) -> None:
        from kalata.accounts.permissions import Action, require
        from kalata.results.entry import correct
        from kalata.results.proclamation import annul

        rng = sc.rng_for(self.o.seed, "court", run.number)
        communal = self.kind == sc.COMMUNAL
        decided = self._moment(round_, 11).date()
        with self.timer(f"Tour {run.number} — juge de l'élection : annulations, rectification"):
            candidates = sorted(
                (j for j in run.jobs if j.plan.fault == "W13"), key=lambda j: j.station
            )
            if not candidates:
                candidates = sorted(run.jobs, key=lambda j: j.station)
            count = min(len(candidates), 1 + (len(run.jobs) >= 200))
            chosen = rng.sample(candidates, count)
            for i, job in enumerate(sorted(chosen, key=lambda j: j.station), start=1):
                court = self.courts[job.region if communal else ""]
                observation = job.paper.get("observations") or ""
                reason = (
                    "Irrégularités consignées au procès-verbal"
                    + (f" (« {observation} »)" if observation not in ("", "RAS") else "")
                    + " et confirmées à l'instruction, de nature à entacher la sincérité du "
                    "scrutin dans ce bureau de vote."
                )
                reference = self._reference(decided, run.number, i, communal)
                require(court, Action.ANNUL, job.sheet.station, election=round_)
                annulment = annul(round_, "station", job.station, reason, reference, court)
                run.annulments.append(
                    {
                        "station": job.station,
                        "reason": reason,
                        "reference": reference,
                        "sheets": annulment.sheets_annulled,
                    }
                )
            annulled = {j.station for j in chosen}
            pool = [
                j
                for j in sorted(run.jobs, key=lambda j: j.station)
                if j.station not in annulled and _swappable(j.sheet.figures)
            ]
            if pool:
                job = rng.choice(pool)
                figures = dict(job.sheet.figures)
                a, b = _swappable(figures)
                votes = dict(figures["votes"])
                votes[a], votes[b] = votes[b], votes[a]
                figures["votes"] = votes
                reason = (
                    f"Erreur matérielle : les voix de {a} et de {b} ont été interverties en "
                    "recopiant la feuille de dépouillement sur le procès-verbal ; rectification "
                    "au vu de la feuille de dépouillement."
                )
                reference = self._reference(decided, run.number, count + 1, communal)
                court = self.courts[job.region if communal else ""]
                require(court, Action.COURT_CORRECTION, job.sheet)
                correct(job.sheet, court, figures, reason, kind="court", reference=reference)
                run.court_corrections.append(
                    {"station": job.station, "reason": reason, "reference": reference}
                )

    def _reference(self, decided: date, round_number: int, i: int, communal: bool) -> str:
        if communal:
            return f"Jugement n°{decided.year}-{round_number}{i:02d}/TA du {decided:%d/%m/%Y}"
        return f"Arrêt n°{decided.year}-{round_number}{i:02d}/CC-EP du {decided:%d/%m/%Y}"

    # ----------------------------------------------------------------------------------------
    # Second round

    def _second_round(self, round_, run: RoundRun):
        from kalata.elections.services import create_second_round
        from kalata.results.tabulation import second_round_candidates, tabulate

        if round_.number != 1 or self.kind not in (sc.PRESIDENTIAL, sc.LEGISLATIVE):
            return None
        pairs = second_round_candidates(tabulate(round_))
        if not pairs:
            return None
        self.finalists = {code: tuple(pair) for code, pair in pairs.items()}
        self.say(f"Second tour dans {fr_int(len(pairs))} circonscription(s).")
        with self.timer("Tour 2 — création (candidats désignés par le premier tour)"):
            setup = create_second_round(round_, pairs, actor=self.admin)
        return setup.round

    # ----------------------------------------------------------------------------------------
    # Report

    def _report(self, chain, verified, seconds: float, cpu_seconds: float) -> dict:
        from kalata.simulation.report import build_report

        return build_report(self, chain, verified, seconds, cpu_seconds)


def hash_order(station: str) -> bool:
    """Which clerk of the pair types first: alternates from station to station."""
    return sum(station.encode()) % 2 == 0


def _swappable(figures) -> tuple[str, str] | None:
    """Two selections of definitive figures whose votes differ (ranked 2nd and 3rd if there
    are three or more, else the two), for a simulated material error."""
    if not isinstance(figures, dict):
        return None
    votes = figures.get("votes") or {}
    ranked = sorted(votes, key=lambda c: (-votes[c], c))
    pair = ranked[1:3] if len(ranked) >= 3 else ranked[:2]
    if len(pair) == 2 and votes[pair[0]] != votes[pair[1]]:
        return pair[0], pair[1]
    return None


def summarise(results, kind: str) -> dict:
    """National figures of ``RoundResults`` (summed over every contest for list elections)."""
    from kalata.law.explain import percent, round_half_up

    progress = results.progress
    registered = voters = null = valid = 0
    votes: Counter = Counter()
    for contest in results.contests:
        total = contest.total
        registered += total.registered
        voters += total.voters
        null += total.null_ballots
        valid += total.valid_votes
        if kind in sc.NATIONAL_KINDS:
            votes.update(dict(total.votes))
    out = {
        "sheets_expected": progress.sheets_expected,
        "sheets_definitive": progress.sheets_definitive,
        "sheets_annulled": progress.sheets_annulled,
        "counted_percent": round_half_up(progress.counted),
        "registered": registered,
        "voters": voters,
        "null_ballots": null,
        "valid_votes": valid,
        "turnout": round_half_up(percent(voters, registered)),
    }
    if kind in sc.NATIONAL_KINDS:
        out["votes"] = dict(votes)
        out["shares"] = {c: round_half_up(percent(v, valid)) for c, v in votes.items()}
    return out
