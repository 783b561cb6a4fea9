"""The "Spatial patterns" cells of the regional comparison notebook (examples/make_regional_comparison.py
appends them after its "Spatial patterns" heading).

``CELLS`` is a list of ``(kind, source)`` with kind ``"markdown"`` or ``"code"``. The cells are
self-contained (they import what they use and score the SIMULATED demo data again), so they run
after any earlier cell. Only the public API of compindex is used.
"""

from __future__ import annotations

CELLS: list[tuple[str, str]] = [
    ("markdown", """Do neighbouring provinces score alike? Each province is placed at its capital city
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
    ("markdown", """The Moran scatterplot shows each province's standardized score against the mean of its
neighbours' (the spatial lag); the slope of the red line is Moran's I. Points are coloured by
their LISA class at alpha = 0.05 (`ns`: not significant; local p-values are not corrected for
testing 63 provinces at once, so read them as exploratory)."""),
    ("code", """lisa = an.local_moran(res_2024, w, permutations=999, seed=1, alpha=0.05)
lisa = lisa.join(provinces["name"])
print(lisa["cluster"].value_counts().to_string())
plots.moran_scatterplot(res_2024, w, lisa=lisa)"""),
    ("code", """lisa.loc[lisa["cluster"] != "ns", ["name", "value", "I", "p_sim", "cluster"]].sort_values("cluster")   # SIMULATED data"""),
    ("markdown", """A dot map places each province at its capital (longitude, latitude; no base map) and
colours it by the index score, then by LISA class."""),
    ("code", """plots.dot_map(coords, res_2024.index, title="PII (SIMULATED data) by provincial capital", note=datasets.SIMULATED_NOTE)"""),
    ("code", """plots.dot_map(coords, classes=lisa["cluster"], labels=provinces["name"].to_dict(),
              title="LISA clusters of the PII score (SIMULATED data)")"""),
    ("markdown", """The same analysis runs on the 34 units of 2025: `load_pii_coordinates("2025")` gives
the administrative centres of the merged units, and `analysis.merge_units` maps the 63 provinces'
data onto them."""),
]
