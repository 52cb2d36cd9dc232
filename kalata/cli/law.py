"""``kalata law …``: the LAW_MAP registry and how far the tests cover it.

- ``kalata law coverage [--json] [--tests DIR]``: reads the test tree (default: ``tests/`` in the
  current directory) with ``ast`` — comments and strings do not count — collects the
  ``@pytest.mark.article("N")`` markers of test functions (on the function, its class or the
  module's ``pytestmark``), and lists the LAW_MAP articles with tests and those without.
- ``kalata law map [--json]``: the registry itself.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

from kalata.cli import CliError, print_json
from kalata.law.law_map import LAW_MAP, SECTIONS_FR, coverage


def register(sub) -> None:
    p = sub.add_parser("law", help="la loi : registre des articles et couverture par les tests")
    law_sub = p.add_subparsers(dest="law_command", metavar="SOUS-COMMANDE")
    law_sub.required = True

    c = law_sub.add_parser(
        "coverage", help="articles de LAW_MAP couverts par des tests (marqueurs article)"
    )
    c.add_argument("--json", action="store_true", help="sortie JSON")
    c.add_argument(
        "--tests",
        metavar="DOSSIER",
        default=None,
        help="dossier des tests (par défaut : tests/ dans le dossier courant)",
    )
    c.set_defaults(func=_coverage)

    m = law_sub.add_parser("map", help="le registre des articles de la loi (LAW_MAP)")
    m.add_argument("--json", action="store_true", help="sortie JSON")
    m.set_defaults(func=_map)


# --- Reading the markers ------------------------------------------------------------------


def _is_article_mark(func: ast.expr) -> bool:
    """``pytest.mark.article`` or ``mark.article`` (``from pytest import mark``)."""
    if not isinstance(func, ast.Attribute) or func.attr != "article":
        return False
    base = func.value
    return (isinstance(base, ast.Attribute) and base.attr == "mark") or (
        isinstance(base, ast.Name) and base.id == "mark"
    )


def _marks_in(expr: ast.expr | None) -> list[str]:
    """Article tags of the ``article`` marks in a decorator or a ``pytestmark`` value."""
    if expr is None:
        return []
    if isinstance(expr, ast.List | ast.Tuple):
        out: list[str] = []
        for elt in expr.elts:
            out.extend(_marks_in(elt))
        return out
    if isinstance(expr, ast.Call) and _is_article_mark(expr.func):
        return [
            a.value for a in expr.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
    return []


def _pytestmark(body: list[ast.stmt]) -> list[str]:
    out: list[str] = []
    for node in body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
        ):
            out.extend(_marks_in(node.value))
        elif (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == "pytestmark"
        ):
            out.extend(_marks_in(node.value))
    return out


def _collect(
    body: list[ast.stmt], prefix: str, inherited: list[str], found: dict[str, set[str]]
) -> None:
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if not node.name.startswith("test"):
                continue
            marks = list(inherited)
            for deco in node.decorator_list:
                marks.extend(_marks_in(deco))
            for article in marks:
                found[article.strip()].add(f"{prefix}::{node.name}")
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            marks = list(inherited)
            for deco in node.decorator_list:
                marks.extend(_marks_in(deco))
            marks.extend(_pytestmark(node.body))
            _collect(node.body, f"{prefix}::{node.name}", marks, found)


def scan_markers(tests_dir: Path) -> tuple[dict[str, list[str]], list[str]]:
    """Article markers of the test functions under ``tests_dir``: article -> test ids.

    Test ids read like pytest's, relative to the parent of ``tests_dir``
    (``tests/law/test_polling.py::test_x``). Returns also the files that could not be parsed.
    """
    found: dict[str, set[str]] = defaultdict(set)
    unreadable: list[str] = []
    root = tests_dir.parent
    files = sorted(
        p
        for p in tests_dir.rglob("*.py")
        if p.name.startswith("test_") or p.name.endswith("_test.py")
    )
    for path in files:
        rel = path.relative_to(root).as_posix()
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            unreadable.append(rel)
            continue
        _collect(tree.body, rel, _pytestmark(tree.body), found)
    return {a: sorted(names) for a, names in found.items()}, unreadable


# --- Commands -----------------------------------------------------------------------------


def _label(article: str) -> str:
    if article.isdigit():
        return f"art. {article}"
    if article == "annex":
        return "annexe (arrêté n°03-1879 ; Code des collectivités)"
    if article == "deputies":
        return "tableau des députés par circonscription"
    return article


def _coverage(args) -> int:
    tests_dir = Path(args.tests) if args.tests else Path.cwd() / "tests"
    if not tests_dir.is_dir():
        raise CliError(f"Dossier de tests introuvable : {tests_dir}")
    markers, unreadable = scan_markers(tests_dir)
    for rel in unreadable:
        print(f"Avertissement : fichier de test illisible, ignoré : {rel}", file=sys.stderr)
    result = coverage(markers)
    if args.json:
        print_json(result.as_dict())
        return 0
    print(f"Couverture de la loi par les tests : {result.ratio} articles de LAW_MAP ({tests_dir}).")
    print()
    print(f"Articles couverts ({len(result.covered)}) :")
    if not result.covered:
        print("  aucun")
    for article, tests in result.covered:
        print(f"  {_label(article)} — {len(tests)} test(s)")
        for name in tests:
            print(f"      {name}")
    print()
    print(f"Articles sans test ({len(result.uncovered)}) :")
    if result.uncovered:
        print("  " + ", ".join(result.uncovered))
    else:
        print("  aucun")
    if result.unknown:
        print()
        print(f"Marqueurs qui ne sont pas des articles de LAW_MAP ({len(result.unknown)}) :")
        for article, tests in result.unknown:
            print(f"  « {article} » — {len(tests)} test(s)")
            for name in tests:
                print(f"      {name}")
    return 0


def _map(args) -> int:
    if args.json:
        print_json([row.as_dict() for row in LAW_MAP])
        return 0
    section = None
    for row in LAW_MAP:
        if row.section != section:
            if section is not None:
                print()
            section = row.section
            print(SECTIONS_FR.get(section, section))
        print(f"  {row.tag} — {row.summary} [{', '.join(row.articles)}]")
    return 0
