"""Writes examples/province_workflow.ipynb (outputs cleared) with nbformat.

    python3 examples/make_province_workflow.py

The notebook walks through what a provincial department does with the PII: score, find the
province in the national and regional rankings, read its profile, list the weakest indicators by
the department in charge, see what would lift it, and compare years. It runs on the embedded
demonstration data, which are SIMULATED. tests/python/test_notebook.py executes it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from notebook_cells import notebook  # noqa: E402  (the generators' shared notebook builder)

CELLS: list[tuple[str, str]] = [
    ("md", """# A province's PII workflow: Can Tho

This notebook shows how a province (here Can Tho, code `92`) can use **compindex** with the
Provincial Innovation Index (PII) framework shipped in the package: where it stands nationally and
in its region, which indicators hold it back and which department leads them, what would lift it
one or more ranks, and how it changed from one year to the next.

> **The data used here are SIMULATED.** `compindex.datasets.load_pii_demo()` returns values
> invented by `tools/make_pii_demo.py`. They are not PII data: nothing below says anything about
> Can Tho or any other province. Replace them with the real indicator values to use the workflow."""),
    ("code", """%matplotlib inline
import compindex as ci
from compindex import analysis as an
from compindex import datasets, plots

print(datasets.SIMULATED_NOTE)"""),
    ("md", """## 1. The framework and the (simulated) data

52 indicators in 7 pillars and 2 sub-indices; every weight is 1 and only 4.1.2 (microfinance
loans / GRDP) is inverse. The metadata keep the Can Tho department in charge of 18 indicators
(`lead_agency`, from the annex of the city's 2025 plan)."""),
    ("code", """fw = datasets.load_pii_framework()
provinces = datasets.load_pii_provinces()
names = provinces["name"].to_dict()
demo = datasets.load_pii_demo()            # SIMULATED: both years, with a 'year' column
demo_2024 = datasets.load_pii_demo(2024)   # SIMULATED: one row per province
print(fw)
fw.meta.loc[fw.indicators, ["name", "lead_agency"]].head(8)"""),
    ("md", """## 2. Score and rank (GII method: min-max 0-100, outlier treatment, arithmetic means)"""),
    ("code", """res = ci.score(fw, demo_2024, groups=provinces[["region"]], treatment="gii")
ranking = res.ranking()
ranking.insert(0, "province", ranking.index.map(names))
ranking.head(10)   # SIMULATED data"""),
    ("md", """## 3. The Mekong Delta"""),
    ("code", """regions = an.group_table(res, "region")
print(regions.leaders[["leader", "leader_score", "leader_rank", "mean_score"]])
mekong = regions.members("Mekong Delta")
mekong.insert(0, "province", mekong.index.map(names))
mekong   # SIMULATED data"""),
    ("md", """## 4. Can Tho's profile

Scores and ranks at every level, as `rank/number of ranked provinces`, with the rank inside the
Mekong Delta."""),
    ("code", """profile = an.unit_profile(res, "92", by="lead_agency", group="region")
profile.table.loc[["PII", "IN", "OUT"] + an.pillars(fw), ["name", "score", "rank_text", "group_rank_text"]]"""),
    ("code", """print(profile.to_text(names))
gap = an.gap_to_leader(res, "92", group="region")
gap.loc[an.pillars(fw), ["name", "score", "gap_to_national_leader", "national_best", "gap_to_national_best"]]"""),
    ("md", """## 5. The weakest indicators, by the department in charge"""),
    ("code", """profile.weakest(10)[["name", "raw", "score", "rank_text", "lead_agency"]]"""),
    ("code", """profile.grouped[["n_indicators", "mean_rank", "worst", "worst_rank", "best", "best_rank"]]"""),
    ("md", """## 6. What to improve

*Index points per improvement*: the whole index is re-scored with one raw value improved (by one
unit, and by 10% of itself; lowered for the inverse indicator). *Smallest change to a rank*: for
each indicator alone, the raw value that lifts the province to the target rank, found by bisection
with exact re-scoring (min-max bounds move when the province becomes the best)."""),
    ("code", """potential = an.improvement_potential(res, "92", by="lead_agency")
potential.sort_values("gain_10pct", ascending=False).head(8)[
    ["name", "raw", "change_10pct", "gain_10pct", "rank_after_10pct", "lead_agency"]]"""),
    ("code", """current = int(res.ranks.at["92", "PII"])
lift = an.improvement_to_rank(res, "92", [current - 1, current - 2, current - 3], by="lead_agency")
print(lift["status"].value_counts())
lift[lift["status"] == "reached"][["name", "current", "value", "change", "change_pct", "rank_at_value", "lead_agency"]]"""),
    ("md", """## 7. From one year to the next

Scores of different years are comparable only on one scale: `pooled=True` stacks the province-years,
scores them once and splits them again (ranks stay within each year)."""),
    ("code", """panel = an.score_years(fw, demo, pooled=True, groups=provinces[["region"]], treatment="gii")
change = an.changes(panel, 2023, 2024, nodes=["PII", "IN", "OUT"] + an.pillars(fw))
change.xs("92", level="unit")   # SIMULATED data"""),
    ("md", """### After the 2025 merger

From July 2025 Can Tho, Soc Trang and Hau Giang form one unit (code 92). `merge_units` combines
the raw values of merging provinces (here the simple mean; population weights are better for
per-capita indicators) so that earlier years can be scored on the 34 new units."""),
    ("code", """merged = an.merge_units(demo, provinces["unit_2025"])
print(merged.attrs["members"]["92"])
merged_panel = an.score_years(fw, merged, treatment="gii")
merged_panel.ranks().loc[["92", "01", "79"]]   # SIMULATED data"""),
    ("md", """## 8. Is the framework coherent? (simulated data)"""),
    ("code", """alpha = an.cronbach_alpha(res)
pca = an.pca(res)
alpha.loc[an.pillars(fw)].join(pca.summary[["explained_1", "n_kaiser"]])"""),
    ("code", """stats = an.indicator_statistics(res)
stats[stats["outlier"]][["name", "skew", "kurtosis", "treatment", "skew_after", "kurtosis_after"]]"""),
    ("md", """## 9. Charts (simulated data)"""),
    ("code", """plots.ranking_chart(res, group="region", highlight="92", names=names, note="SIMULATED data")"""),
    ("code", """plots.profile_chart(res, "92", group="region", names=names, note="SIMULATED data")"""),
    ("code", """mekong_units = list(mekong.index)
plots.rank_heatmap(res, units=mekong_units, names=names, title="Indicator ranks, Mekong Delta", note="SIMULATED data")"""),
    ("code", """plots.correlation_heatmap(res, nodes=an.pillars(fw), note="SIMULATED data")"""),
    ("md", """## 10. The report

The same analysis as one HTML page (what `compindex demo` writes), labelled as simulated."""),
    ("code", """from compindex.report import unit_report

report = unit_report(res, "92", group="region", by="lead_agency", names=names, simulated=True,
                     panel=panel, years=(2023, 2024))
path = report.write("can_tho_report.html")
print(f"wrote {path}")"""),
]


def build() -> nbformat.NotebookNode:
    return notebook(CELLS)



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).with_name("province_workflow.ipynb")))
    a = parser.parse_args()
    nb = build()
    nbformat.validate(nb)
    nbformat.write(nb, a.out)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
