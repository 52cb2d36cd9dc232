"""The LAW_MAP registry inside the package, checked against LAW_MAP.md when it is at hand."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from kalata.law.law_map import (
    LAW_MAP,
    SECTIONS_FR,
    article_sort_key,
    articles,
    coverage,
    expand_tag,
    is_law_map_article,
    rows_for,
)


def _law_map_md() -> Path | None:
    """LAW_MAP.md: $KALATA_LAW_MAP, or ../shared/LAW_MAP.md beside the repository."""
    candidates = []
    if os.environ.get("KALATA_LAW_MAP"):
        candidates.append(Path(os.environ["KALATA_LAW_MAP"]))
    repo = Path(__file__).resolve().parents[2]
    candidates.append(repo.parent / "shared" / "LAW_MAP.md")
    return next((p for p in candidates if p.is_file()), None)


def _tags_in_tables(text: str) -> dict[str, set[str]]:
    """Article tags of every table row of LAW_MAP.md, by section heading.

    In the deputies table the first column is a number of seats, not an article: the whole table
    stands for the tag 'deputies'.
    """
    out: dict[str, set[str]] = {}
    heading = ""
    for line in text.splitlines():
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
            continue
        if not line.startswith("|"):
            continue
        first = line.split("|")[1].strip()
        if first in ("Art.", "Seats") or set(first) <= set("-: "):
            continue
        tags = out.setdefault(heading, set())
        if heading.startswith("Deputies"):
            tags.add("deputies")
        else:
            tags.update(expand_tag(first))
    return out


def test_tags_are_expanded_to_single_articles():
    assert expand_tag("6–7") == ("6", "7")
    assert expand_tag("23, 28") == ("23", "28")
    assert expand_tag("93–100") == tuple(str(n) for n in range(93, 101))
    assert expand_tag("19-22") == ("19", "20", "21", "22")
    assert expand_tag("annex") == ("annex",)
    assert expand_tag("(Code des collectivités territoriales)") == ("annex",)
    assert expand_tag("deputies") == ("deputies",)
    with pytest.raises(ValueError):
        expand_tag("Art. six")
    with pytest.raises(ValueError):
        expand_tag("7–6")


def test_registry_articles_are_unique_and_ordered_numbers_first():
    arts = articles()
    assert len(arts) == len(set(arts))
    assert list(arts) == sorted(arts, key=article_sort_key)
    assert arts[-2:] == ("annex", "deputies")
    assert {"71", "93", "100", "176", "183"} <= set(arts)
    assert not is_law_map_article("72")  # abrogated
    assert all(row.section in SECTIONS_FR for row in LAW_MAP)
    assert all(row.summary for row in LAW_MAP)


def test_an_article_may_sit_in_several_rows():
    assert {row.section for row in rows_for("176")} == {
        "Eligibility and candidacies",
        "Centralisation, outcomes and disputes",
    }
    assert rows_for("9999") == ()


def test_registry_lists_every_article_of_the_law_map_tables():
    path = _law_map_md()
    if path is None:
        pytest.skip("LAW_MAP.md n'est pas disponible à côté du dépôt")
    tables = _tags_in_tables(path.read_text(encoding="utf-8"))
    assert tables, "no table found in LAW_MAP.md"
    mentioned = set().union(*tables.values())
    missing = mentioned - set(articles())
    assert not missing, f"articles of LAW_MAP.md missing from the registry: {sorted(missing)}"
    # And the registry's row tags are those of the tables (plus the Offences section).
    md_tags = {
        m.group(1).strip()
        for m in re.finditer(r"^\|\s*([^|]+?)\s*\|", path.read_text(encoding="utf-8"), re.M)
    }
    for row in LAW_MAP:
        assert row.tag in md_tags or row.tag in ("deputies", "101–121"), row.tag


def test_coverage_counts_covered_uncovered_and_unknown_markers():
    result = coverage({"71": ["t::a", "t::b", "t::a"], "51": ["t::c"], "annex": []})
    assert result.covered == (("71", ("t::a", "t::b")),)
    assert "annex" in result.uncovered
    assert result.unknown == (("51", ("t::c",)),)
    assert result.ratio == f"1/{len(articles())}"
    data = result.as_dict()
    assert data["covered"] == [{"article": "71", "tests": ["t::a", "t::b"]}]
    assert data["unknown"] == ["51"]
    assert data["ratio"] == result.ratio
