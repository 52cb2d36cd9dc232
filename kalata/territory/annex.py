"""Read the annex of arrêté n°03-1879/MATCL-SG (verbatim) and its recorded corrections.

Pure: no Django, no network, no clock. ``build_territory()`` turns the files in ``data/`` into the
derived ``territory.json`` structure (see the README beside this module).

Rules:
- The annex text is kept exactly as published (``data/annex_03-1879.txt``). Every line must be
  understood: a blank line, the title, the column header, a region / district / cercle heading
  or a commune row ``name<TAB>population<TAB>councillors``. Any other line stops the build with
  its line number (``AnnexError``) until a correction in ``data/corrections.csv`` explains it.
- A correction names the line, the field, the value printed and the corrected value; the printed
  value must be what the annex really prints there, and every correction must be used.
- Codes are positional, in annex order: regions ``R01``…``R08``, the District ``D09``, cercles
  ``C<region><cercle>`` from the headings ("1.1. Cercle de Kayes" -> ``C0101``), communes
  ``CM<cercle digits><order within the cercle>`` and ``CM0900NN`` for Bamako's communes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
ANNEX_FILE = DATA_DIR / "annex_03-1879.txt"
CORRECTIONS_FILE = DATA_DIR / "corrections.csv"
SHAPES_FILE = DATA_DIR / "geoboundaries_shapes.csv"
GEO_EXCEPTIONS_FILE = DATA_DIR / "geoboundaries_exceptions.csv"
TERRITORY_FILE = DATA_DIR / "territory.json"

# Line 1 of the annex file is line 1298 of the law seed (shared/seeds/003_c915b76f961f21cc.txt).
SEED_LINE_OFFSET = 1297

SOURCE_TITLE = (
    "Annexe à l'arrêté n°03-1879/MATCL-SG du 27 août 2003 déterminant le nombre de "
    "conseillers à élire par commune"
)

# OCHA p-codes of the regions and of the District of Bamako (admin level 1).
OCHA_ADMIN1 = {
    1: "ML01",
    2: "ML02",
    3: "ML03",
    4: "ML04",
    5: "ML05",
    6: "ML06",
    7: "ML07",
    8: "ML08",
    9: "ML09",
}

CORRECTION_FIELDS = ("name", "population", "councillors", "row", "region_name", "cercle_name")
CERTAINTIES = ("certain", "uncertain")

_TITLE_LINES = (
    "**ANNEXE A L'ARRETE N°03-1879/MATCL-SG DU 27 AOÛT 2003",
    "DETERMINANT LE NOMBRE DE CONSEILLERS A ELIRE PAR COMMUNE**",
)
_COLUMN_HEADER = "Communes\tPopulation\tNombre de Conseillers"
_REGION_RE = re.compile(
    r"(?P<num>[1-8])\. Région de (?P<name>[^:*]+?) :(?:\*\*(?P<cercle>[^*]+)\*\*)?"
)
_DISTRICT_RE = re.compile(r"(?P<num>9)\. District de (?P<name>Bamako) :")
_CERCLE_RE = re.compile(r"(?P<region>[1-8])\.(?P<num>[1-9])\. Cercle de (?P<name>[^:*]+?)(?: :)?")
# Populations are printed with or without a thousands space ("12 479" and "12479"): layout.
_POPULATION_RE = re.compile(r"\d{1,3}(?: \d{3})+|\d+")
_COUNCILLORS_RE = re.compile(r"\d+")


class AnnexError(ValueError):
    """The annex or a correction could not be understood: French message with the line."""

    def __init__(self, message: str, line: int | None = None, text: str | None = None):
        self.line = line
        self.text = text
        where = f"ligne {line} de {ANNEX_FILE.name} : " if line is not None else ""
        shown = f" [{text!r}]" if text is not None else ""
        super().__init__(f"{where}{message}{shown}")


@dataclass(frozen=True)
class Correction:
    """One recorded correction of the annex as published."""

    line: int
    commune: str
    field: str
    printed: str
    corrected: str
    reason: str
    certainty: str

    @property
    def id(self) -> str:
        return f"L{self.line:04d}-{self.field}"


@dataclass
class _Row:
    name: str
    population: int | None
    councillors: int
    line: int
    lines: list[int]
    printed: dict
    corrections: list[str] = field(default_factory=list)


@dataclass
class _Cercle:
    number: int
    name: str
    printed_name: str
    line: int
    corrections: list[str] = field(default_factory=list)
    rows: list[_Row] = field(default_factory=list)


@dataclass
class _Region:
    number: int
    kind: str
    name: str
    printed_name: str
    line: int
    corrections: list[str] = field(default_factory=list)
    cercles: list[_Cercle] = field(default_factory=list)
    rows: list[_Row] = field(default_factory=list)  # the District's communes (no cercle)


def parse_population(text: str) -> int | None:
    """A population as printed ('12 479' or '12479') -> int; None when it is not a number."""
    if _POPULATION_RE.fullmatch(text):
        return int(text.replace(" ", ""))
    return None


def read_corrections(text: str) -> list[Correction]:
    """Parse ``corrections.csv`` text; fails loudly on a malformed row."""
    reader = csv.DictReader(io.StringIO(text))
    expected = ["line", "commune", "field", "printed", "corrected", "reason", "certainty"]
    if reader.fieldnames != expected:
        raise AnnexError(
            f"corrections.csv : colonnes attendues {expected}, lues {reader.fieldnames}"
        )
    out: list[Correction] = []
    seen: set[tuple[int, str]] = set()
    for n, rec in enumerate(reader, start=2):
        try:
            line = int(rec["line"])
        except (TypeError, ValueError):
            raise AnnexError(f"corrections.csv ligne {n} : numéro de ligne illisible") from None
        if rec["field"] not in CORRECTION_FIELDS:
            raise AnnexError(f"corrections.csv ligne {n} : champ inconnu « {rec['field']} »")
        if rec["certainty"] not in CERTAINTIES:
            raise AnnexError(f"corrections.csv ligne {n} : certitude « {rec['certainty']} »")
        if not (rec["reason"] or "").strip():
            raise AnnexError(f"corrections.csv ligne {n} : la raison est obligatoire")
        if rec["printed"] == rec["corrected"]:
            raise AnnexError(f"corrections.csv ligne {n} : la correction ne change rien")
        key = (line, rec["field"])
        if key in seen:
            raise AnnexError(f"corrections.csv ligne {n} : correction en double {key}")
        seen.add(key)
        out.append(
            Correction(
                line=line,
                commune=rec["commune"],
                field=rec["field"],
                printed=rec["printed"],
                corrected=rec["corrected"],
                reason=rec["reason"].strip(),
                certainty=rec["certainty"],
            )
        )
    return out


class _Parser:
    def __init__(self, lines: list[str], corrections: list[Correction]):
        self.lines = lines
        self.corr = {(c.line, c.field): c for c in corrections}
        self.used: set[tuple[int, str]] = set()
        self.regions: list[_Region] = []
        self.header_seen = False
        for c in corrections:
            if not 1 <= c.line <= len(lines):
                raise AnnexError(f"correction {c.id} : la ligne {c.line} n'existe pas")

    # -- helpers ---------------------------------------------------------------------------
    def _apply(self, line: int, fld: str, printed: str, ids: list[str]) -> str:
        c = self.corr.get((line, fld))
        if c is None:
            return printed
        if c.printed != printed:
            raise AnnexError(
                f"la correction {c.id} dit que l'annexe imprime « {c.printed} », "
                f"elle imprime « {printed} »",
                line,
            )
        self.used.add((line, fld))
        ids.append(c.id)
        return c.corrected

    def _region(self, line: int, text: str) -> _Region:
        if not self.regions:
            raise AnnexError("ligne avant tout intitulé de région", line, text)
        return self.regions[-1]

    # -- line kinds ------------------------------------------------------------------------
    def _open_region(self, line: int, num: int, kind: str, printed: str) -> None:
        expected = len(self.regions) + 1
        if num != expected:
            raise AnnexError(f"région n°{num} inattendue (attendu n°{expected})", line)
        reg = _Region(number=num, kind=kind, name="", printed_name=printed, line=line)
        reg.name = self._apply(line, "region_name", printed, reg.corrections).strip()
        if not reg.name:
            raise AnnexError("nom de région vide", line)
        self.regions.append(reg)

    def _open_cercle(self, line: int, text: str, m: re.Match) -> None:
        reg = self._region(line, text)
        if reg.kind != "region":
            raise AnnexError("cercle dans le District de Bamako", line, text)
        if int(m["region"]) != reg.number:
            raise AnnexError(f"cercle numéroté {m['region']}.x dans la région {reg.number}", line)
        num = int(m["num"])
        if num != len(reg.cercles) + 1:
            raise AnnexError(f"cercle n°{num} inattendu (attendu {len(reg.cercles) + 1})", line)
        printed = m["name"].strip()
        cer = _Cercle(number=num, name="", printed_name=printed, line=line)
        cer.name = self._apply(line, "cercle_name", printed, cer.corrections).strip()
        reg.cercles.append(cer)

    def _row(self, line: int, text: str, cells: list[str]) -> None:
        reg = self._region(line, text)
        if reg.kind == "region" and not reg.cercles:
            raise AnnexError("commune avant tout intitulé de cercle", line, text)
        target = reg.rows if reg.kind == "district" else reg.cercles[-1].rows
        # A line that is only the name of the previous row, split from its figures by layout.
        drop = self.corr.get((line, "row"))
        if drop is not None:
            if drop.corrected != "":
                raise AnnexError(f"la correction {drop.id} (row) doit avoir une valeur vide", line)
            if cells[1:] != ["", ""] or cells[0] != drop.printed:
                raise AnnexError(
                    f"la correction {drop.id} attend une ligne « {drop.printed} » sans chiffres",
                    line,
                    text,
                )
            if not target or target[-1].name != drop.printed or target[-1].printed["name"]:
                raise AnnexError(
                    f"la correction {drop.id} joint un nom à la ligne précédente, "
                    "qui doit être imprimée sans nom et corrigée avec ce nom",
                    line,
                    text,
                )
            self.used.add((line, "row"))
            target[-1].lines.append(line)
            target[-1].corrections.append(drop.id)
            return
        ids: list[str] = []
        p_name, p_pop, p_cons = cells
        name = self._apply(line, "name", p_name, ids).strip()
        pop_text = self._apply(line, "population", p_pop, ids)
        cons_text = self._apply(line, "councillors", p_cons, ids)
        if not name:
            raise AnnexError("commune sans nom : ajoutez une correction", line, text)
        if pop_text == "" and (line, "population") in self.used:
            population = None  # corrected to "unknown", recorded in corrections.csv
        else:
            population = parse_population(pop_text)
            if population is None:
                raise AnnexError(
                    f"population « {pop_text} » illisible : ajoutez une correction", line, text
                )
        if not _COUNCILLORS_RE.fullmatch(cons_text):
            raise AnnexError(
                f"nombre de conseillers « {cons_text} » illisible : ajoutez une correction",
                line,
                text,
            )
        target.append(
            _Row(
                name=name,
                population=population,
                councillors=int(cons_text),
                line=line,
                lines=[line],
                printed={"name": p_name, "population": p_pop, "councillors": p_cons},
                corrections=ids,
            )
        )

    def parse(self) -> list[_Region]:
        titles_done = False
        for i, text in enumerate(self.lines, start=1):
            if text.strip() == "":
                continue
            if not titles_done and text in _TITLE_LINES:
                continue
            titles_done = True
            if text == _COLUMN_HEADER:
                if self.header_seen:
                    raise AnnexError("en-tête de colonnes répété", i, text)
                self.header_seen = True
                continue
            if m := _REGION_RE.fullmatch(text):
                self._open_region(i, int(m["num"]), "region", m["name"].strip())
                if m["cercle"]:
                    inner = _CERCLE_RE.fullmatch(m["cercle"])
                    if inner is None:
                        raise AnnexError("intitulé de cercle illisible", i, text)
                    self._open_cercle(i, text, inner)
                continue
            if m := _DISTRICT_RE.fullmatch(text):
                self._open_region(i, int(m["num"]), "district", m["name"])
                continue
            if m := _CERCLE_RE.fullmatch(text):
                self._open_cercle(i, text, m)
                continue
            cells = text.split("\t")
            if len(cells) == 3:
                self._row(i, text, cells)
                continue
            raise AnnexError("ligne non comprise", i, text)
        unused = sorted(set(self.corr) - self.used)
        if unused:
            ids = ", ".join(self.corr[k].id for k in unused)
            raise AnnexError(f"corrections sans effet (la ligne ne s'y prête pas) : {ids}")
        if len(self.regions) != 9 or self.regions[-1].kind != "district":
            raise AnnexError("l'annexe doit compter 8 régions puis le District de Bamako")
        return self.regions


def parse_annex(annex_text: str, corrections: list[Correction]) -> list[_Region]:
    """Parse the verbatim annex with its corrections (fails loudly on any unknown line)."""
    return _Parser(annex_text.split("\n"), corrections).parse()


def _roman(n: int) -> str:
    return ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][n - 1]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_territory(
    annex_text: str | None = None,
    corrections_text: str | None = None,
    shapes_text: str | None = None,
    geo_exceptions_text: str | None = None,
) -> dict:
    """Build the derived territory structure (what ``territory.json`` holds).

    Each argument defaults to the file shipped in ``data/``. Raises ``AnnexError`` on any line
    or correction it does not understand, and ``kalata.territory.geo.GeoMatchError`` when a
    region or cercle does not match exactly one geoBoundaries shape.
    """
    from kalata.territory import checks, geo

    if annex_text is None:
        annex_text = ANNEX_FILE.read_text(encoding="utf-8")
    if corrections_text is None:
        corrections_text = CORRECTIONS_FILE.read_text(encoding="utf-8")
    if shapes_text is None:
        shapes_text = SHAPES_FILE.read_text(encoding="utf-8")
    if geo_exceptions_text is None:
        geo_exceptions_text = GEO_EXCEPTIONS_FILE.read_text(encoding="utf-8")

    corrections = read_corrections(corrections_text)
    regions = parse_annex(annex_text, corrections)

    out_regions: list[dict] = []
    out_cercles: list[dict] = []
    out_communes: list[dict] = []
    unit_of_correction: dict[str, str] = {}

    def commune_dict(code: str, row: _Row, region_code: str, cercle_code: str | None, order: int):
        for cid in row.corrections:
            unit_of_correction[cid] = code
        return {
            "code": code,
            "name": row.name,
            "region": region_code,
            "cercle": cercle_code,
            "order": order,
            "population": row.population,
            "councillors": row.councillors,
            "line": row.line,
            "lines": list(row.lines),
            "printed": dict(row.printed),
            "corrections": list(row.corrections),
            "flags": [],
        }

    for reg in regions:
        if reg.kind == "region":
            code = f"R{reg.number:02d}"
            label = f"Région de {reg.name}"
        else:
            code = f"D{reg.number:02d}"
            label = f"District de {reg.name}"
        for cid in reg.corrections:
            unit_of_correction[cid] = code
        out_regions.append(
            {
                "code": code,
                "kind": reg.kind,
                "number": reg.number,
                "name": reg.name,
                "label": label,
                "printed_name": reg.printed_name,
                "line": reg.line,
                "ocha_pcode": OCHA_ADMIN1[reg.number],
                "geo_adm1": None,
                "geo_adm2": None,
                "corrections": list(reg.corrections),
            }
        )
        if reg.kind == "district":
            for order, row in enumerate(reg.rows, start=1):
                out_communes.append(
                    commune_dict(f"CM{reg.number:02d}00{order:02d}", row, code, None, order)
                )
            continue
        for cer in reg.cercles:
            ccode = f"C{reg.number:02d}{cer.number:02d}"
            for cid in cer.corrections:
                unit_of_correction[cid] = ccode
            out_cercles.append(
                {
                    "code": ccode,
                    "region": code,
                    "number": cer.number,
                    "name": cer.name,
                    "printed_name": cer.printed_name,
                    "line": cer.line,
                    # OCHA admin2 p-codes could not be confirmed from an OCHA source: left null.
                    "ocha_pcode": None,
                    "geo_adm2": None,
                    "corrections": list(cer.corrections),
                }
            )
            for order, row in enumerate(cer.rows, start=1):
                out_communes.append(
                    commune_dict(f"CM{ccode[1:]}{order:02d}", row, code, ccode, order)
                )

    # Bamako's communes are printed "Commune I" … "Commune VI": check they are in order.
    district = next(r for r in out_regions if r["kind"] == "district")
    for c in out_communes:
        if c["region"] == district["code"] and c["name"] != f"Commune {_roman(c['order'])}":
            raise AnnexError(f"commune du District hors ordre : {c['name']}", c["line"])

    geo.attach_shapes(out_regions, out_cercles, shapes_text, geo_exceptions_text)

    out_corrections = []
    for c in corrections:
        out_corrections.append(
            {
                "id": c.id,
                "line": c.line,
                "seed_line": c.line + SEED_LINE_OFFSET,
                "unit": unit_of_correction[c.id],
                "commune": c.commune,
                "field": c.field,
                "printed": c.printed,
                "corrected": c.corrected,
                "reason": c.reason,
                "certainty": c.certainty,
            }
        )

    territory = {
        "source": {
            "title": SOURCE_TITLE,
            "file": ANNEX_FILE.name,
            "sha256": _sha256(annex_text),
            "seed": "shared/seeds/003_c915b76f961f21cc.txt",
            "seed_first_line": SEED_LINE_OFFSET + 1,
            "corrections_file": CORRECTIONS_FILE.name,
            "corrections_sha256": _sha256(corrections_text),
        },
        "regions": out_regions,
        "cercles": out_cercles,
        "communes": out_communes,
        "corrections": out_corrections,
    }
    issues = checks.check_territory(territory)
    by_code: dict[str, list[str]] = {}
    for item in issues:
        by_code.setdefault(item["code"], [])
        if item["issue"] not in by_code[item["code"]]:
            by_code[item["code"]].append(item["issue"])
    for c in out_communes:
        c["flags"] = by_code.get(c["code"], [])
    territory["totals"] = totals(territory)
    return territory


def totals(territory: dict) -> dict:
    """Counts and sums of a territory structure (the shape of ``kalata territory stats``)."""
    communes = territory["communes"]
    return {
        "regions": sum(1 for r in territory["regions"] if r["kind"] == "region"),
        "districts": sum(1 for r in territory["regions"] if r["kind"] == "district"),
        "cercles": len(territory["cercles"]),
        "communes": len(communes),
        "councillors": sum(c["councillors"] for c in communes),
        "population": sum(c["population"] for c in communes if c["population"] is not None),
    }


def dumps(territory: dict) -> str:
    """The canonical text of ``territory.json`` (stable: what the build writes).

    One unit per line, so that a change to the sources shows as a readable diff.
    """

    def one(value) -> str:
        return json.dumps(value, ensure_ascii=False)

    parts = []
    for key, value in territory.items():
        if isinstance(value, list):
            body = ",\n".join(f"  {one(v)}" for v in value)
            parts.append(f" {one(key)}: [\n{body}\n ]" if value else f" {one(key)}: []")
        else:
            parts.append(f" {one(key)}: {one(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def load_shipped() -> dict:
    """The shipped ``territory.json``."""
    return json.loads(TERRITORY_FILE.read_text(encoding="utf-8"))
