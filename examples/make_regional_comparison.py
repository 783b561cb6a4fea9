"""Writes examples/regional_comparison.ipynb (outputs cleared) with nbformat.

    python3 examples/make_regional_comparison.py

The notebook compares the regions of the PII: how unequal the provinces are and how much of it
lies between the six regions, whether they converged from 2023 to 2024, how much they moved in
the ranking, and which provinces have profiles like Can Tho's. It runs on the embedded
demonstration data, which are SIMULATED. tests/python/test_notebook_regional.py executes it.
The last section, "Spatial patterns", maps the provinces and tests whether neighbours score alike.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from notebook_cells import notebook  # noqa: E402  (the generators' shared notebook builder)

CELLS: list[tuple[str, str]] = [
    ("md", """# Regional comparison of the PII: disparities, convergence, peer groups and spatial patterns

This notebook uses **compindex** to compare the 63 provinces of the Provincial Innovation Index
(PII) and its six socio-economic regions: how unequal the provinces are and how much of that lies
*between* regions, whether provinces converged from 2023 to 2024, how much they moved in the
ranking, and which provinces have a pillar profile like Can Tho's (code `92`), to benchmark
against comparable provinces.

> **The data used here are SIMULATED.** `compindex.datasets.load_pii_demo()` returns values
> invented by `tools/make_pii_demo.py`. They are not PII data: nothing below says anything about
> any real province or region. Replace them with the real indicator values to use the analysis.

Formulas and sources: `docs/regional.md`."""),
    ("code", """%matplotlib inline
import pandas as pd
from compindex import analysis as an
from compindex import datasets, plots

print(datasets.SIMULATED_NOTE)
pd.set_option("display.precision", 4)"""),
    ("md", """## 1. Scores of both years on one scale

`pooled=True` stacks the province-years, scores them once (GII method: min-max 0-100, outlier
treatment, arithmetic means) and splits them again, so that a score means the same in 2023 and
2024 and changes between the years are comparable."""),
    ("code", """fw = datasets.load_pii_framework()
provinces = datasets.load_pii_provinces()
names = provinces["name"].to_dict()
demo = datasets.load_pii_demo()            # SIMULATED: both years, with a 'year' column
panel = an.score_years(fw, demo, pooled=True, groups=provinces[["region"]], treatment="gii")
res = panel[2024]
pillars = an.pillars(fw)
print(panel, "-", len(res.units), "provinces,", len(pillars), "pillars")
panel.scores().describe().T   # SIMULATED data"""),
    ("md", """## 2. Disparities of the index and the pillars, by region

Gini, Theil T and L and the squared coefficient of variation of the 2024 scores, each split into
a *between-region* part (the inequality left if every province had its region's mean), a
*within-region* part and, for the Gini only, an *overlap* term (provinces of different regions
whose scores interleave). Every province counts once; pass `weights=` (e.g. population) to weight
them."""),
    ("code", """table = an.disparities(res, group="region", nodes="pillars")
table.loc[(slice(None), ["gini", "theil_t", "cv2"]), ["total", "between", "within", "overlap", "between_share"]]"""),
    ("code", """shares = table.xs("theil_t", level="measure")["between_share"].rename(index=fw.names)
shares.sort_values(ascending=False).to_frame("share of Theil T between regions")   # SIMULATED data"""),
    ("md", """The Theil T decomposition of the index by region: each region's mean, its share of the
provinces and of the total score, its own inequality and its contribution to the within part."""),
    ("code", """theil = an.decompose(res, "region", "theil_t")
print(f"Theil T = {theil.total:.4f} = between {theil.between:.4f} + within {theil.within:.4f}")
theil.groups.sort_values("mean", ascending=False)"""),
    ("code", """plots.lorenz_chart(res)"""),
    ("md", """## 3. Convergence from 2023 to 2024

**Two years only.** Sigma-convergence asks whether the dispersion of scores falls; with two years
the "trend" is just the change and has no standard error. Beta-convergence regresses the growth
of a province's score on its initial level (HC1 robust standard errors); with one growth period
it is a description of this period, not evidence of a lasting process. Keep claims modest."""),
    ("code", """sigma = an.sigma_convergence(panel)
sigma.by_year"""),
    ("code", """sigma.trend[["slope", "change", "converging", "note"]]"""),
    ("code", """beta = an.beta_convergence(panel)
beta_regions = an.beta_convergence(panel, group="region")
pd.DataFrame({
    "absolute": [beta.beta, beta.se, beta.p, beta.fit.rsquared, beta.speed, beta.half_life],
    "conditional on region": [beta_regions.beta, beta_regions.se, beta_regions.p, beta_regions.fit.rsquared,
                              beta_regions.speed, beta_regions.half_life],
}, index=["beta", "robust SE (HC1)", "p-value", "R²", "speed (per year)", "half-life (years)"])"""),
    ("code", """print(beta.note)
beta_regions.fit.summary_table()   # SIMULATED data"""),
    ("code", """plots.beta_convergence_chart(beta, names=names, label=4)"""),
    ("md", """## 4. Rank mobility

Spearman's rho and Kendall's tau-b between the 2023 and 2024 scores, the transition matrix
between quintiles (class 1 = the lowest scores) and Shorrocks' mobility index (0: nobody changes
quintile; 1: the 2024 quintile is independent of the 2023 one)."""),
    ("code", """mob = an.rank_mobility(panel, 2023, 2024, classes=5)
print(f"Spearman {mob.spearman:.3f} (p = {mob.spearman_p:.2g}), Kendall tau-b {mob.kendall:.3f} (p = {mob.kendall_p:.2g})")
print(f"moved up a quintile: {mob.up:.0%}, down: {mob.down:.0%}, stayed: {mob.stayed:.0%}; Shorrocks M = {mob.shorrocks:.3f}")
mob.transition"""),
    ("code", """movers = mob.units.assign(province=mob.units.index.map(names))
movers.sort_values("rank_change", ascending=False).head(5)[["province", "rank_from", "rank_to", "rank_change", "move"]]"""),
    ("md", """## 5. Peer groups and the provinces most like Can Tho

Clusters of provinces on their seven pillar scores (Ward's hierarchical clustering, and k-means
with a fixed seed for comparison); cluster 1 has the highest mean PII score."""),
    ("code", """peers = an.peer_groups(res, 4, method="ward")
peers.profiles.rename(columns=fw.names)   # SIMULATED data"""),
    ("code", """km = an.peer_groups(res, 4, method="kmeans", seed=0)
pd.crosstab(peers.clusters["cluster"], km.clusters["cluster"], rownames=["Ward"], colnames=["k-means"])"""),
    ("code", """cluster = int(peers.clusters.at["92", "cluster"])
print(f"Can Tho is in cluster {cluster} with:", ", ".join(names[u] for u in peers.members(cluster) if u != "92"))
similar = an.most_similar(res, "92", n=5)
similar.insert(0, "province", similar.index.map(names))
similar   # gap <pillar> = peer minus Can Tho: positive where the peer is ahead (SIMULATED data)"""),
    ("code", """plots.dendrogram_chart(peers, names=names)"""),
    ("md", """## 6. Spatial patterns"""),
    ("md", """Do neighbouring provinces score alike? Each province is placed at its capital city
(`datasets.load_pii_coordinates()`: latitude and longitude of the 63 capitals, each with its
source), and each is linked to its 4 nearest provinces by great-circle distance (row-standardized
weights). **Global Moran's I** measures whether high scores sit next to high scores (I above its
expectation -1/(n-1)); **local Moran (LISA)** finds the provinces that form hot spots (HH: high
among high), cold spots (LL), or outliers (HL, LH). P-values come from 999 random permutations
with a fixed seed (reproducible for any number of threads). Formulas and conventions:
`docs/spatial.md`.

> **The scores are SIMULATED** (`load_pii_demo`): the patterns below say nothing about real
> provinces. They show what the analysis produces."""),
    ("code", """from compindex import analysis as an
from compindex import datasets, plots
import compindex as ci

print(datasets.SIMULATED_NOTE)
fw = datasets.load_pii_framework()
provinces = datasets.load_pii_provinces()
res_2024 = ci.score(fw, datasets.load_pii_demo(2024), groups=provinces[["region"]], treatment="gii")  # SIMULATED
coords = datasets.load_pii_coordinates("2023")      # the 63 provincial capitals (2023-2024 units)
w = an.SpatialWeights.from_coordinates(coords, "knn", k=4)
w"""),
    ("code", """mi = an.moran(res_2024, w, permutations=999, seed=1)
gc = an.geary(res_2024, w, permutations=999, seed=1)
print(f"Moran's I = {mi.I:.3f} (E[I] = {mi.expected:.3f}), z = {mi.z_rand:.2f}, "
      f"p (randomization) = {mi.p_rand:.4f}, p (999 permutations) = {mi.p_sim:.3f}   # SIMULATED data")
print(f"Geary's C = {gc.C:.3f} (E[C] = 1), p (999 permutations) = {gc.p_sim:.3f}   # SIMULATED data")"""),
    ("md", """The Moran scatterplot shows each province's standardized score against the mean of its
neighbours' (the spatial lag); the slope of the red line is Moran's I. Points are coloured by
their LISA class at alpha = 0.05 (`ns`: not significant; local p-values are not corrected for
testing 63 provinces at once, so read them as exploratory)."""),
    ("code", """lisa = an.local_moran(res_2024, w, permutations=999, seed=1, alpha=0.05)
lisa = lisa.join(provinces["name"])
print(lisa["cluster"].value_counts().to_string())
plots.moran_scatterplot(res_2024, w, lisa=lisa)"""),
    ("code", """lisa.loc[lisa["cluster"] != "ns", ["name", "value", "I", "p_sim", "cluster"]].sort_values("cluster")   # SIMULATED data"""),
    ("md", """A dot map places each province at its capital (longitude, latitude; no base map) and
colours it by the index score, then by LISA class."""),
    ("code", """plots.dot_map(coords, res_2024.index, title="PII (SIMULATED data) by provincial capital", note=datasets.SIMULATED_NOTE)"""),
    ("code", """plots.dot_map(coords, classes=lisa["cluster"], labels=provinces["name"].to_dict(),
              title="LISA clusters of the PII score (SIMULATED data)")"""),
    ("md", """The same analysis runs on the 34 units of 2025: `load_pii_coordinates("2025")` gives
the administrative centres of the merged units, and `analysis.merge_units` maps the 63 provinces'
data onto them."""),
]


def build() -> nbformat.NotebookNode:
    return notebook(CELLS)



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).with_name("regional_comparison.ipynb")))
    a = parser.parse_args()
    nb = build()
    nbformat.validate(nb)
    nbformat.write(nb, a.out)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
