"""compindex.datasets: the embedded PII files load with the documented shapes, the demo is
labelled SIMULATED, and the C++ library embeds the very same bytes (one source of truth)."""

from __future__ import annotations

from pathlib import Path
import pytest

import compindex as ci
from compindex import _core, analysis, datasets


def test_framework_shape() -> None:
    fw = datasets.load_pii_framework()
    assert len(fw) == 77
    assert len(fw.indicators) == 52
    assert fw.root == "PII"
    assert fw.children("PII") == ["IN", "OUT"]
    assert analysis.pillars(fw) == ["1", "2", "3", "4", "5", "6", "7"]
    assert len(fw.children("IN")) == 5 and len(fw.children("OUT")) == 2
    assert (fw.weights == 1).all()
    inverse = [c for c in fw.indicators if fw.directions[c] == -1]
    assert inverse == ["4.1.2"]
    meta = fw.meta
    for col in ("level_name", "name_vi", "unit", "lead_agency", "documented", "source"):
        assert col in meta.columns
    assert (meta.loc[fw.indicators, "documented"] == "no").sum() == 9  # the placeholders
    assert meta.at["6.2.4", "lead_agency"] == "Department of Science and Technology (DOST)"
    assert (meta["lead_agency"] != "").sum() == 18  # the annex of Can Tho's 2025 plan


def test_demo_both_years() -> None:
    demo = datasets.load_pii_demo()
    assert demo.shape == (126, 53)  # year + 52 indicators
    assert demo.columns[0] == "year"
    assert sorted(demo["year"].unique()) == [2023, 2024]
    assert demo.index.name == "unit"
    assert demo.attrs["simulated"] is True and "SIMULATED" in demo.attrs["note"]
    assert "SIMULATED" in (datasets.load_pii_demo.__doc__ or "")


def test_demo_one_year() -> None:
    fw = datasets.load_pii_framework()
    d = datasets.load_pii_demo(2024)
    assert d.shape == (63, 52)
    assert list(d.columns) == fw.indicators
    assert "01" in d.index and "92" in d.index  # codes keep their leading zero
    assert d.isna().sum().sum() > 0  # some blank cells, as documented
    assert d.attrs["simulated"] is True
    with pytest.raises(ci.DataError, match="no data for the year 2025"):
        datasets.load_pii_demo(2025)


def test_provinces() -> None:
    p = datasets.load_pii_provinces()
    assert len(p) == 63 and p.index.name == "code"
    assert p.at["92", "name"] == "Can Tho" and p.at["92", "region"] == "Mekong Delta"
    assert p["region"].nunique() == 6
    assert (p["region"] == "Mekong Delta").sum() == 13
    assert p["unit_2025"].nunique() == 34
    assert p.at["93", "unit_2025"] == "92"  # Hau Giang joins Can Tho in 2025


def test_published() -> None:
    pub = datasets.load_pii_published()
    assert set(pub["year"]) == {2023, 2024, 2025}
    top = pub[(pub["year"] == 2023) & (pub["component"] == "PII") & (pub["rank"] == 1)]
    assert top["unit"].tolist() == ["Ha Noi"] and top["score"].tolist() == [62.86]
    assert top["unit_code"].tolist() == ["01"]
    assert pub["rank"].dtype == "Int64"


def test_demo_scores_with_every_unit_ranked() -> None:
    fw = datasets.load_pii_framework()
    res = ci.score(fw, datasets.load_pii_demo(2023), groups=datasets.load_pii_provinces()[["region"]], treatment="gii")
    assert res.index.notna().all()
    assert set(res.groups["region"]) == set(datasets.load_pii_provinces()["region"])


@pytest.mark.parametrize("name,file", [("framework", "framework.csv"), ("provinces", "provinces.csv"),
                                       ("demo", "demo_data.csv"), ("published", "results_published.csv")])
def test_cpp_embeds_the_same_bytes(name: str, file: str) -> None:
    assert _core.embedded_pii(name) == (datasets.DATA_DIR / file).read_bytes()


def test_embedded_name_is_checked() -> None:
    with pytest.raises(ci.SpecError, match="unknown file 'x'"):
        _core.embedded_pii("x")


def test_data_dir_is_next_to_the_package() -> None:
    assert datasets.DATA_DIR == Path(ci.__file__).parent / "data" / "pii"
