"""Writes the tutorial notebooks docs/tutorials/NN_*.ipynb (outputs cleared) with nbformat.

    python3 tools/make_tutorials.py            # every tutorial
    python3 tools/make_tutorials.py 03         # only those whose file name starts with 03

The documentation site executes the notebooks when it is built; tests/python/test_tutorials.py
executes each of them too, so they are checked without the site. Edit the cells here, not in the
notebooks, and regenerate: the cell ids are stable, so regenerating an unchanged tutorial gives the
same file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import sys

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_cells import notebook  # noqa: E402  (the generators' shared notebook builder)

OUT = Path(__file__).resolve().parents[1] / "docs" / "tutorials"

# ------------------------------------------------------------------------------------------------
# 01: an HDI-like index from scratch, in Python and on the command line
# ------------------------------------------------------------------------------------------------
BUILD_AN_INDEX: list[tuple[str, str]] = [
    ("md", """# Build an index from scratch

This tutorial builds a small composite index the way the UNDP builds its Human Development Index
(HDI), first in Python and then with the `compindex` command line. It shows the three things every
index needs: a **framework** (the tree of indicators and aggregates, with weights and directions),
a **method** (how raw values become comparable scores, and how scores are combined) and **data**.

The HDI method (UNDP, *Human Development Report 2023/2024*, Technical notes):

| dimension | indicator | goalposts (min, max) |
|---|---|---|
| health | life expectancy at birth (years) | 20, 85 |
| education | expected years of schooling | 0, 18 |
| education | mean years of schooling | 0, 15 |
| income | GNI per capita (2017 PPP \\$), **log** | 100, 75,000 |

Each indicator becomes a dimension index $I = (x - \\min)/(\\max - \\min)$, clamped to $[0, 1]$
(income on the logarithms of the values and of the goalposts); the education index is the
arithmetic mean of its two indicators, and the HDI is the geometric mean of the three dimension
indices, $\\mathrm{HDI} = (I_\\text{health}\\, I_\\text{education}\\, I_\\text{income})^{1/3}$.

> **The countries and values below are ILLUSTRATIVE**, invented to be of realistic size; they are
> not the HDR's published values. Take those from the statistical annex of the report."""),
    ("code", """import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

import compindex as ci

print("compindex", ci.__version__)"""),
    ("md", """## 1. The framework: one row per node

A framework is a table. `code` and `parent` make the tree (the root has no parent), `weight` is
relative to the node's siblings, `direction` is 1 (more is better) or -1. Per-node method columns
override the global method: here `aggregation` makes the root a geometric mean, `transform` takes
the logarithm of income, and `lower`/`upper` are the goalposts in **raw units** (compindex
transforms them together with the values, so `lower=100, upper=75000` means $\\ln 100$ and
$\\ln 75{,}000$ after the transform)."""),
    ("code", """meta = pd.DataFrame([
    # code       parent      weight direction name                               aggregation        transform lower upper
    ("HDI",       "",         1, 1, "Human Development Index (illustrative)",   "geometric_mean",  "",    None, None),
    ("HEALTH",    "HDI",      1, 1, "Health",                                    "arithmetic_mean", "",    None, None),
    ("EDUCATION", "HDI",      1, 1, "Education",                                 "arithmetic_mean", "",    None, None),
    ("INCOME",    "HDI",      1, 1, "Income",                                    "arithmetic_mean", "",    None, None),
    ("LE",        "HEALTH",   1, 1, "Life expectancy at birth (years)",          "",                "",    20,   85),
    ("EYS",       "EDUCATION", 1, 1, "Expected years of schooling",              "",                "",    0,    18),
    ("MYS",       "EDUCATION", 1, 1, "Mean years of schooling",                  "",                "",    0,    15),
    ("GNI",       "INCOME",   1, 1, "GNI per capita (2017 PPP $)",               "",                "log", 100,  75000),
], columns=["code", "parent", "weight", "direction", "name", "aggregation", "transform", "lower", "upper"])
fw = ci.Framework.from_frame(meta)
print(fw)
print("indicators:", fw.indicators)
print("aggregates:", fw.aggregates)
fw.levels   # 1 = indicators, counted from the leaves"""),
    ("md", """## 2. The data: one row per unit

A `unit` index (or column) and one column per indicator code. Country C's expected schooling (19
years) and country A's income are beyond the upper goalposts: the goalposts normalization clamps
them to 1, as the HDR caps them."""),
    ("code", """data = pd.DataFrame({
    "unit": ["A", "B", "C", "D", "E", "F", "G", "H"],
    "name": ["Country A", "Country B", "Country C", "Country D", "Country E", "Country F", "Country G", "Country H"],
    "LE":  [83.1, 81.2, 78.9, 74.6, 70.2, 67.5, 62.8, 58.4],
    "EYS": [17.9, 16.4, 19.0, 13.1, 12.0, 11.2,  9.8,  7.1],
    "MYS": [13.0, 12.6, 11.8,  8.9,  7.4,  6.9,  5.1,  2.2],
    "GNI": [82000, 45000, 29000, 11500, 8700, 6400, 3900, 1300],
}).set_index("unit")
data   # ILLUSTRATIVE values"""),
    ("md", """## 3. Score

A text column such as `name` is not an indicator: it is kept with the units and shown in rankings.

`normalization="goalposts"` uses each indicator's `lower`/`upper` and clamps; `range=(0, 1)` is
the output range (the HDI's scale). A geometric mean needs positive children: a country exactly at
a lower goalpost would score 0 and the geometric mean would raise an error naming the node, the
unit and the child, rather than silently return 0 or NaN."""),
    ("code", """res = ci.score(fw, data, normalization="goalposts", range=(0, 1))
res   # a summary of the result"""),
    ("code", """res.ranking()   # the index and its children, best first"""),
    ("md", """### Scores and ranks at every level

`res.scores` and `res.ranks` hold every node (indicators and aggregates) as columns; ranks are 1 =
best, ties share the best place."""),
    ("code", """res.scores.round(3)"""),
    ("code", """res.ranks"""),
    ("md", """### Per-node results

Every intermediate data set is kept (`res.data(stage)` for `raw`, `denominated`, `imputed`,
`treated`, `normalized`, `aggregated`; the transform is applied between `treated` and
`normalized`), with the effective weight of every node (its share of the index)."""),
    ("code", """res.data("normalized").round(3)    # the HDR's indicator indices, clamped to [0, 1]"""),
    ("code", """res.effective_weights   # each node's share of the index (before the geometric mean)"""),
    ("md", """### Checking by hand

The same numbers from the HDR's formulas with numpy:"""),
    ("code", """def index(x, lo, hi):
    return np.clip((x - lo) / (hi - lo), 0, 1)

health = index(data["LE"], 20, 85)
education = (index(data["EYS"], 0, 18) + index(data["MYS"], 0, 15)) / 2
income = index(np.log(data["GNI"]), np.log(100), np.log(75000))
hdi = (health * education * income) ** (1 / 3)
check = pd.DataFrame({"by hand": hdi, "compindex": res.scores["HDI"]})
check["difference"] = check["compindex"] - check["by hand"]
assert np.allclose(check["by hand"], check["compindex"], atol=1e-12)
check.round(4)"""),
    ("md", """## 4. The same on the command line

`compindex score` reads the framework and the data from CSV files (or `.xlsx` workbooks) and writes
a tidy table, one row per unit and node. The per-node method columns of the metadata apply there
too; the global options mirror `compindex.score`'s keywords. Text columns of the data, such as
`name`, are carried along (they also serve as unit groups, for ranks within groups), in the API
and on the command line alike."""),
    ("code", """work = Path(tempfile.mkdtemp(prefix="compindex_hdi_"))   # the files go into a temporary directory
meta.to_csv(work / "hdi_meta.csv", index=False)
data.to_csv(work / "hdi_data.csv")
print((work / "hdi_meta.csv").read_text())"""),
    ("code", """cmd = [sys.executable, "-m", "compindex", "score", "--framework", "hdi_meta.csv", "--data", "hdi_data.csv",
       "--out", "hdi_scores.csv", "--normalization", "goalposts", "--range", "0", "1"]
print("$ compindex", " ".join(cmd[3:]))
run = subprocess.run(cmd, capture_output=True, text=True, cwd=work)
print(run.stdout, run.stderr)
assert run.returncode == 0"""),
    ("code", """scores = pd.read_csv(work / "hdi_scores.csv", dtype={"unit": str})
print(scores.head(8).to_string(index=False))
# The file holds every number in full: it reads back to exactly the Python scores.
wide = scores.pivot(index="unit", columns="code", values="score")
assert (wide["HDI"] == res.scores["HDI"]).all()"""),
    ("md", """A mistake in a file gives one line naming the file, the row and the column, and exit status 2
(no traceback, no output file):"""),
    ("code", """bad = meta.copy()
bad.loc[bad["code"] == "MYS", "direction"] = 2
bad.to_csv(work / "bad_meta.csv", index=False)
run = subprocess.run([sys.executable, "-m", "compindex", "score", "--framework", "bad_meta.csv", "--data", "hdi_data.csv",
                      "--out", "bad_scores.csv"], capture_output=True, text=True, cwd=work)
print("exit status", run.returncode)
print(run.stderr)"""),
    ("code", """import shutil

shutil.rmtree(work)   # tidy up the temporary files"""),
    ("md", """## Where next

- [The province workflow](02_province_workflow.ipynb): profiles, strengths and weaknesses, what
  would lift a unit, the unit report.
- [How robust are my ranks](03_robust_ranks.ipynb): uncertainty and sensitivity analysis.
- [Weighting and aggregation](05_weighting_and_aggregation.ipynb): weights from data and experts,
  aggregation beyond means.
- The method reference gives every formula, parameter and default: [normalization](../methods/normalization.md),
  [transforms](../methods/transforms.md), [outlier treatment](../methods/treatment.md),
  [aggregation](../methods/aggregation.md)."""),
]

# ------------------------------------------------------------------------------------------------
# 02: the province workflow on the embedded (SIMULATED) PII demonstration
# ------------------------------------------------------------------------------------------------
PROVINCE_WORKFLOW: list[tuple[str, str]] = [
    ("md", """# The province workflow

What a provincial department does with the Provincial Innovation Index (PII) of Viet Nam: score the
63 provinces, find its province in the national and regional rankings, read its strengths and
weaknesses, measure the gap to the regional leader, find what would lift it in the ranking, and
write the one-page report for officials. The example province is Can Tho (code `92`).

> **The data used here are SIMULATED.** `compindex.datasets.load_pii_demo()` returns values
> invented by `tools/make_pii_demo.py` (see `data/pii/README.md`). They are **not** PII data:
> nothing below says anything about Can Tho or any other province. The framework (52 indicators,
> 7 pillars, 2 sub-indices) is the PII's as publicly documented, with 9 labelled placeholder
> indicators. Replace the demonstration values with real ones to use the workflow."""),
    ("code", """import tempfile
from pathlib import Path

import compindex as ci
from compindex import analysis as an
from compindex import datasets

print(datasets.SIMULATED_NOTE)"""),
    ("md", """## 1. Framework and (simulated) data"""),
    ("code", """fw = datasets.load_pii_framework()
provinces = datasets.load_pii_provinces()        # code, name, region, the 2025 merger
names = provinces["name"].to_dict()
data = datasets.load_pii_demo(2024)              # SIMULATED: one row per province
print(fw)
print(data.attrs["note"])
fw.meta.loc[an.pillars(fw), ["name", "parent"]]"""),
    ("md", """## 2. Score

The PII follows the GII method: outlier treatment by the JRC/GII rule, min-max normalization onto
0-100, arithmetic means at every level. `groups=` passes the provinces' regions along, for ranks
within regions."""),
    ("code", """res = ci.score(fw, data, groups=provinces[["region"]], treatment="gii")
ranking = res.ranking()
ranking.insert(0, "province", ranking.index.map(names))
ranking.head(8)   # SIMULATED data"""),
    ("code", """res.treatment.query("action != 'none'")   # what the outlier rule did, indicator by indicator"""),
    ("md", """## 3. The province's profile

`unit_profile` gathers every score and rank of one unit (ranks as "rank/number ranked", and within
its region with `group=`); `by=` groups the indicators by a metadata column, here the Can Tho
department in charge of each indicator (`lead_agency`)."""),
    ("code", """profile = an.unit_profile(res, "92", by="lead_agency", group="region")
print(profile.to_text(names))
profile.table.loc[[fw.root] + fw.children(fw.root) + an.pillars(fw), ["name", "score", "rank_text", "group_rank_text"]]"""),
    ("md", """### Strengths and weaknesses

The nodes below the root (any level) where the province ranks best and worst. Placeholder
indicators (metadata `documented` = no) are never listed: nobody can act on them."""),
    ("code", """profile.strengths[["name", "level_name", "score", "rank_text"]]"""),
    ("code", """profile.weaknesses[["name", "level_name", "score", "rank_text"]]"""),
    ("code", """profile.grouped[["n_indicators", "mean_rank", "worst", "worst_rank", "best", "best_rank"]]   # by department"""),
    ("md", """## 4. The gap to the leaders

Positive gaps: the unit is behind. The *regional leader* is the province ranked first on the index
within the region, the *national leader* first in the country; `*_best` columns name the best
province at each node. In these simulated data Can Tho leads the Mekong Delta, so its gaps to the
regional leader are zero; a neighbour, Soc Trang (`94`), shows what the table is for."""),
    ("code", """gap = an.gap_to_leader(res, "92", group="region")
print("national leader:", names[gap.attrs["national_leader"]], "| regional leader:", names[gap.attrs["group_leader"]])
gap.loc[an.pillars(fw), ["name", "score", "gap_to_group_leader", "gap_to_national_leader", "national_best"]].round(2)"""),
    ("code", """gap94 = an.gap_to_leader(res, "94", group="region")
print(names["94"], "- regional leader:", names[gap94.attrs["group_leader"]])
gap94.loc[[fw.root] + an.pillars(fw), ["name", "score", "group_rank", "group_leader_score", "gap_to_group_leader"]].round(2)"""),
    ("md", """## 5. What would lift it

`improvement_to_rank` finds, for each indicator alone, the smallest change of the raw value that
lifts the province to a target rank, by bisection with **exact re-scoring** of the whole pipeline
(min-max bounds move when the province becomes the best; the outlier treatment reacts). The path
stops at the best value observed among the provinces."""),
    ("code", """rank = int(res.ranks.at["92", fw.root])
print("current rank:", rank, "of", int(res.ranks[fw.root].notna().sum()))
one_up = an.improvement_to_rank(res, "92", rank - 1)
print(one_up["status"].value_counts().to_string())
one_up[one_up["status"] == "reached"].sort_values("share_of_range")[
    ["name", "current", "value", "change", "change_pct", "share_of_range", "rank_at_value"]].head(8).round(3)"""),
    ("md", """`lift_actions` does the same for the next few ranks, leaves placeholders out, and groups the
actions by department:"""),
    ("code", """actions = an.lift_actions(res, "92", 3, by="lead_agency")
print("targets tried:", actions.attrs["targets"], "| unreachable by one indicator:", actions.attrs["unreachable"])
actions[["name", "current", "value", "change_pct", "rank_at_value", "group"]].head(10).round(2)"""),
    ("md", """## 6. The unit report

`compindex.report.unit_report` puts all of this into the report a provincial official reads: a
text version and one self-contained HTML page (English or Vietnamese, `lang="vi"`). It includes a
robustness section: a seeded uncertainty analysis of 2,000 replications (weights within ±25 %,
min-max against z-score) giving the province's 5th-95th percentile rank. `simulated=True` labels
every page and chart as SIMULATED. On the command line: `compindex demo` or
`compindex profile --unit 92 --out report.html`."""),
    ("code", """from compindex.report import unit_report

report = unit_report(res, "92", group="region", by="lead_agency", names=names, simulated=True)
out = Path(tempfile.mkdtemp()) / "can_tho_report.html"
path = report.write(out)
print(f"wrote {path.name}: {path.stat().st_size:,} bytes")
print(report.text()[:2500])"""),
    ("code", """import shutil

shutil.rmtree(out.parent)   # tidy up (open the page in a browser first if you keep it)"""),
]

# ------------------------------------------------------------------------------------------------
# 03: uncertainty and sensitivity analysis
# ------------------------------------------------------------------------------------------------
ROBUST_RANKS: list[tuple[str, str]] = [
    ("md", """# How robust are my ranks?

Every composite index rests on choices that could reasonably have been made otherwise: the
weights, the normalization, the aggregation, whether outliers are treated, which indicators are
in. **Uncertainty analysis** replays the index under many plausible alternatives and reports how
far each unit's rank moves; **sensitivity analysis** (Sobol indices) says which choice moves it.
This is what the JRC's audits of composite indicators do (OECD/JRC *Handbook on Constructing
Composite Indicators*, 2008, step 7; Saltelli et al., *Global Sensitivity Analysis: The
Primer*, 2008). The formulas are in the [method reference](../methods/uncertainty.md).

The example is the PII demonstration.

> **The data used here are SIMULATED** (`compindex.datasets.load_pii_demo`): the ranks below say
> nothing about any real province."""),
    ("code", """%matplotlib inline
import time

import numpy as np
import pandas as pd

import compindex as ci
from compindex import datasets
from compindex.uncertainty import Aggregation, Exclusion, Normalization, Treatment, Weights

fw = datasets.load_pii_framework()
provinces = datasets.load_pii_provinces()
names = provinces["name"].to_dict()
data = datasets.load_pii_demo(2024)       # SIMULATED
print(data.attrs["note"])
nominal = dict(treatment="gii", range=(1, 100))   # the nominal method (every analysis below varies around it)
res = ci.score(fw, data, **nominal)"""),
    ("md", """## 1. Declare what is uncertain

Each uncertain choice is a typed *factor*:

| factor | varies |
|---|---|
| `Weights(spread=0.25)` | every weight uniformly within ±25 % of nominal (or `distribution="dirichlet"` around the nominal shares) |
| `Normalization([...])` | the normalization of every indicator, one of the alternatives |
| `Aggregation([...], level=...)` | the aggregation of the chosen aggregates |
| `Imputation([...])` | the imputation (`None` = none) |
| `Treatment([None, "gii"])` | outlier treatment on or off (or other thresholds) |
| `Exclusion(candidates)` | one indicator or pillar left out at a time, or none |
| `WeightSets([...])` | one of several named weight sets (see the weighting tutorial) |

Min-max and percentile ranks both land on the output range `(1, 100)`, which keeps every value
positive, so the geometric mean is a valid alternative."""),
    ("code", """factors = [
    Weights(spread=0.25),
    Normalization(["min_max", "percentile_rank"]),
    Aggregation(["arithmetic_mean", "geometric_mean"]),
    Treatment([None, "gii"]),
]"""),
    ("md", """## 2. Uncertainty analysis: rank intervals

`n` replications; replication *i* reads point *i* of a scrambled (digitally shifted) Sobol
sequence, so the result is a function of `seed` only. The summary gives each unit's nominal rank,
its median and mean rank over the replications, and the **5th and 95th percentile ranks**: in 90 %
of the plausible alternatives the unit ranks between them."""),
    ("code", """t = time.perf_counter()
ua = ci.uncertainty_analysis(fw, data, factors, n=2000, seed=1, **nominal)
print(f"{len(ua.replication)} replications, {ua.n_successful} successful, {time.perf_counter() - t:.2f} s")
summary = ua.summary
summary.insert(0, "province", summary.index.map(names))
summary.head(10)   # SIMULATED data"""),
    ("md", """**Reading the table.** A unit with nominal rank 7 and interval 6-9 is robustly in the top ten;
a wide interval (`interval_width`) says its rank depends on the method, so it should be reported
with its interval, not alone. The units whose ranks move most:"""),
    ("code", """summary.sort_values("interval_width", ascending=False).head(5)[["province", "nominal_rank", "p05_rank", "median_rank", "p95_rank", "interval_width"]]"""),
    ("code", """ua.plot(top=25, names=names, labels="name", highlight="92")"""),
    ("md", """Other views of the same replications: the chosen alternatives, the sampled weights, the mean
absolute rank shift of each replication, and the probability that one unit outranks another.
Failed replications are never dropped silently: `ua.failures` lists them with their reasons."""),
    ("code", """print(ua.choices.head(3))
print("failures:", len(ua.failures))
print("mean absolute rank shift: median", ua.mean_abs_shift.median().round(2), "max", ua.mean_abs_shift.max().round(2))
print(f"P(Can Tho outranks Binh Duong) = {ua.outrank_probability.at['92', '74']:.2f}")"""),
    ("md", """## 3. Sensitivity analysis: which choice moves the ranks?

Sobol indices split the variance of a scalar output among the factors. The output is the **mean
absolute rank shift** against the nominal ranking (`output="mean_abs_rank_shift"`, the default),
or one unit's rank (`output="92"`).

- the *first-order* index $S_i$ is the share of the variance due to factor $i$ alone
  (estimator of Saltelli et al. 2010);
- the *total-order* index $S_{Ti}$ adds every interaction that involves $i$ (Jansen 1999);
  $S_{Ti} - S_i$ large means the factor matters through interactions.

The design has $n(k + 2)$ runs for $k$ factors; each factor is one group (all the weights form the
single factor `weights`). The confidence intervals are bootstrap percentile intervals
(`n_bootstrap=1000`, `confidence=0.95`)."""),
    ("code", """t = time.perf_counter()
sa = ci.sensitivity_analysis(fw, data, factors, n=1024, seed=1, **nominal)
print(f"{len(sa.y)} runs in {time.perf_counter() - t:.2f} s; converged: {sa.converged} {sa.convergence}")
sa.indices.round(3)"""),
    ("code", """sa.plot()"""),
    ("md", """A first-order estimate slightly below zero (here for `treatment`) is sampling noise around a true
value of about zero: its interval contains 0.

The lower panel matters: indices split the variance of the output, however small it is. When
the ranks barely move (a standard deviation below half a rank), large indices are not alarming,
and the chart says so in red.

The same for one province's rank:"""),
    ("code", """sa92 = ci.sensitivity_analysis(fw, data, factors, output="92", n=1024, seed=1, **nominal)
print(f"rank of Can Tho: mean {np.mean(sa92.y):.1f}, sd {np.std(sa92.y):.2f}")
sa92.indices.round(3)"""),
    ("md", """## 4. Choosing n and checking convergence

Quasi-random Sobol points converge faster than random ones, but how large must $n$ be? Run at
several $n$ and watch the indices settle. `sa.converged` checks this for you: the indices at $n$
and at $n/2$ (the first half of the same design) differ by less than `tolerance` (default 0.05)
and every bootstrap half-width is below it (`sa.convergence` gives both numbers). Powers of two
keep the Sobol sequence balanced."""),
    ("code", """rows = []
for n in (64, 128, 256, 512, 1024, 2048):
    t = time.perf_counter()
    s = ci.sensitivity_analysis(fw, data, factors, n=n, seed=1, **nominal)
    elapsed = time.perf_counter() - t
    for factor, r in s.indices.iterrows():
        rows.append({"n": n, "runs": len(s.y), "seconds": round(elapsed, 2), "factor": factor,
                     "S": r["first_order"], "ST": r["total_order"], "ST_halfwidth": (r["total_high"] - r["total_low"]) / 2,
                     "converged": s.converged})
conv = pd.DataFrame(rows)
conv.pivot(index="n", columns="factor", values="ST").round(3)"""),
    ("code", """conv.groupby("n")[["runs", "seconds", "ST_halfwidth", "converged"]].agg(
    {"runs": "first", "seconds": "first", "ST_halfwidth": "max", "converged": "first"}).round(3)"""),
    ("code", """import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(7, 3.5))
for factor, g in conv.groupby("factor"):
    ax.errorbar(g["n"], g["ST"], yerr=g["ST_halfwidth"], marker="o", capsize=3, label=factor)
ax.set_xscale("log", base=2)
ax.set_xlabel("n (base sample size)")
ax.set_ylabel("total-order index")
ax.set_title("Total-order indices settle as n grows (SIMULATED data)")
ax.legend(loc="center left", bbox_to_anchor=(1, 0.5))
fig.tight_layout()"""),
    ("md", """## 5. Seeds and threads

Replications run in C++ on all cores with the GIL released. The result depends on the seed and
nothing else: **not on the number of threads**, nor on how the replications are split over a
cluster. Another seed gives another (equally valid) sample, and intervals that agree up to
sampling error."""),
    ("code", """a = ci.uncertainty_analysis(fw, data, factors, n=500, seed=7, threads=1, **nominal)
b = ci.uncertainty_analysis(fw, data, factors, n=500, seed=7, threads=2, **nominal)
c = ci.uncertainty_analysis(fw, data, factors, n=500, seed=8, threads=2, **nominal)
print("1 thread == 2 threads, bit for bit:", a.ranks.equals(b.ranks) and a.summary.equals(b.summary))
print("seed 7 vs seed 8: largest difference of a 95th percentile rank:",
      (a.summary["p95_rank"] - c.summary["p95_rank"]).abs().max())"""),
    ("md", """`sampler="monte_carlo"` draws from a counter-based (Philox) generator keyed by the seed and the
replication number instead of the Sobol sequence: also reproducible whatever the thread count.

### On a Dask cluster

`client=` spreads the replications over a `dask.distributed` cluster in `chunks` pieces; the
result is identical to the local one for the same seed (not executed here):

```python
from dask.distributed import Client

client = Client("tcp://scheduler:8786")          # or Client() for a local cluster
ua = ci.uncertainty_analysis(fw, data, factors, n=100_000, seed=1, client=client, chunks=32, **nominal)
sa = ci.sensitivity_analysis(fw, data, factors, n=8192, seed=1, client=client, **nominal)
```"""),
    ("md", """## 6. Leaving one out

Which pillar carries the ranking? `leave_one_out` removes each node in turn (weight 0; its
siblings share its weight) and reports the rank changes; `Exclusion` makes the same a factor of
the uncertainty analysis."""),
    ("code", """from compindex import analysis as an

loo = ci.leave_one_out(fw, data, an.pillars(fw), **nominal)
out = loo.mean_abs_change.to_frame()
out.insert(0, "pillar", fw.names.reindex(out.index))
out.insert(2, "max_abs_change", loo.rank_change.abs().max(axis=1))
out.sort_values("mean_abs_rank_change", ascending=False)"""),
    ("code", """ua_x = ci.uncertainty_analysis(fw, data, [Weights(spread=0.25), Exclusion(an.pillars(fw))], n=1000, seed=1, **nominal)
ua_x.choices["exclusion"].value_counts(dropna=False)"""),
]

# ------------------------------------------------------------------------------------------------
# 04: the C++ library in a CMake project
# ------------------------------------------------------------------------------------------------
MAIN_CPP = r"""// Scores an index read from two CSV files and prints the score and rank of every unit at the
// index and its pillars.  Usage: my_index meta.csv data.csv
#include <compindex/compindex.hpp>

#include <cstdio>
#include <exception>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s meta.csv data.csv\n", argv[0]);
    return 2;
  }
  try {
    const compindex::framework fw = compindex::read_framework(compindex::read_csv_file(argv[1]));
    const compindex::dataset data = compindex::read_dataset(compindex::read_csv_file(argv[2]), fw);

    compindex::pipeline_spec spec;                             // the method
    spec.normalization = compindex::normalization::min_max{};  // onto...
    spec.output_range = {0.0, 100.0};                          // ...0-100
    spec.aggregation = compindex::aggregation::arithmetic_mean{};
    spec.treatment = compindex::treatment::gii{};               // JRC/GII outlier rule

    const compindex::result r = compindex::build(fw, data, spec);

    std::vector<std::size_t> nodes{fw.root()};                 // the index and its children
    for (std::size_t c : fw.children(fw.root())) nodes.push_back(c);
    std::printf("%-8s", "unit");
    for (std::size_t n : nodes) std::printf(" %14s", fw.at(n).code.c_str());
    std::printf("\n");
    for (std::size_t i = 0; i < data.units().size(); ++i) {
      const auto row = static_cast<compindex::index_t>(i);
      std::printf("%-8s", data.units()[i].c_str());
      for (std::size_t n : nodes) {
        const double score = r.node_scores(fw, n)[row];
        const compindex::rank_t rank = r.ranks(row, static_cast<compindex::index_t>(n));
        std::printf(" %8.2f (%3d)", score, static_cast<int>(rank));
      }
      std::printf("\n");
    }
    return 0;
  } catch (const std::exception& e) {  // spec_error, data_error, computation_error
    std::fprintf(stderr, "my_index: %s\n", e.what());
    return 1;
  }
}
"""

CPP_EMBEDDING: list[tuple[str, str]] = [
    ("md", """# Embedding the C++ library in a CMake project

compindex's core is a header-first C++17 library (Eigen). A C++ tool uses it through CMake:

```cmake
find_package(compindex 0.1 CONFIG REQUIRED)
target_link_libraries(my_tool PRIVATE compindex::compindex)   # the compiled library
# or compindex::headers                                       # header-only
```

- `compindex::compindex` links the prebuilt static library (it also holds the embedded PII data
  and, when COIN-OR CLP was found, Benefit of the Doubt): your files compile fast.
- `compindex::headers` is header-only (`COMPINDEX_HEADER_ONLY`): nothing to link but Eigen, at the
  price of compiling the library's code in your translation units (tens of seconds).
- `add_subdirectory(compindex)` gives the same two targets without installing.

This notebook writes a small project into a temporary directory, then, if CMake, a compiler and a
compindex CMake package are available, configures, builds and runs it. Otherwise it prints the
commands to run."""),
    ("code", """import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

import compindex as ci

work = Path(tempfile.mkdtemp(prefix="compindex_cpp_"))
project = work / "my_index"
project.mkdir()
print("project in", project)"""),
    ("md", """## 1. The project

`CMakeLists.txt`:"""),
    ("code", """cmakelists = '''cmake_minimum_required(VERSION 3.20)
project(my_index LANGUAGES CXX)

find_package(compindex 0.1 CONFIG REQUIRED)

add_executable(my_index main.cpp)
target_compile_features(my_index PRIVATE cxx_std_17)
target_link_libraries(my_index PRIVATE compindex::compindex)
'''
(project / "CMakeLists.txt").write_text(cmakelists)
print(cmakelists)"""),
    ("md", """`main.cpp` reads the framework and the data from CSV files (the same tables the Python package
and `compindex score` read), describes the method in a `pipeline_spec`, builds the index and
prints the score and rank of every unit at the index and its pillars. Errors are typed exceptions
(`compindex::spec_error`, `data_error`, `computation_error`, all `std::exception`s) whose
messages name the file, row, column, node or unit."""),
    ("code", "main_cpp = r'''" + MAIN_CPP + """'''
(project / "main.cpp").write_text(main_cpp)
print(main_cpp)"""),
    ("md", """The input files: a framework with two pillars of two indicators each (two of them inverse:
lower is better) and five cities. **The values are ILLUSTRATIVE.**"""),
    ("code", """meta = pd.DataFrame({
    "code": ["CITY", "ECON", "LIVE", "income", "jobs", "air", "green"],
    "parent": ["", "CITY", "CITY", "ECON", "ECON", "LIVE", "LIVE"],
    "weight": [1, 1, 1, 1, 1, 1, 1],
    "direction": [1, 1, 1, 1, -1, -1, 1],
    "name": ["City Index", "Economy", "Liveability", "Median income (k)", "Unemployment rate (%)",
             "PM2.5 (ug/m3)", "Green space per person (m2)"],
})
data = pd.DataFrame({"unit": ["AMB", "BRE", "COR", "DUN", "ELM"], "income": [31, 27, 35, 24, 29],
                     "jobs": [6.2, 4.1, 7.5, 3.9, 5.0], "air": [12, 9, 21, 8, 15], "green": [28, 35, 14, 41, 22]})
meta.to_csv(work / "meta.csv", index=False)
data.to_csv(work / "data.csv", index=False)
data"""),
    ("md", """## 2. Where is the compindex package?

`find_package` looks in `CMAKE_PREFIX_PATH`. This notebook uses, in order: an install prefix named
by the environment variable `COMPINDEX_PREFIX`; else the CMake build tree the imported Python
package comes from (a development build), installed into a temporary prefix with
`cmake --install`; else CMake's default search path (a system-wide install). (The build tree's
own `compindexConfig.cmake` is meant for projects that `add_subdirectory` compindex and export
their targets; a standalone project should use an installed copy.)"""),
    ("code", """def compindex_prefix() -> tuple[Path | None, str]:
    if os.environ.get("COMPINDEX_PREFIX"):
        return Path(os.environ["COMPINDEX_PREFIX"]), "COMPINDEX_PREFIX"
    build = Path(os.path.abspath(ci.__file__)).parents[2]   # <build>/python/compindex/__init__.py
    if (build / "CMakeCache.txt").is_file() and shutil.which("cmake"):
        prefix = work / "prefix"
        run = subprocess.run(["cmake", "--install", str(build), "--prefix", str(prefix)], capture_output=True, text=True)
        if run.returncode == 0:
            return prefix, "installed from the development build tree into a temporary prefix"
    return None, "CMake's default search path"


prefix, where = compindex_prefix()
print("compindex package:", where)
if prefix is not None:
    print(sorted(p.name for p in (prefix / "lib" / "cmake" / "compindex").glob("*.cmake")))"""),
    ("md", """## 3. Configure, build, run"""),
    ("code", """build_dir = project / "build"
configure = ["cmake", "-S", str(project), "-B", str(build_dir), "-DCMAKE_BUILD_TYPE=Release"]
if prefix is not None:
    configure.append(f"-DCMAKE_PREFIX_PATH={prefix}")
steps = [configure, ["cmake", "--build", str(build_dir)],
         [str(build_dir / "my_index"), str(work / "meta.csv"), str(work / "data.csv")]]

output = None
if shutil.which("cmake") is None:
    print("cmake is not installed; the commands are:")
else:
    for step in steps:
        run = subprocess.run(step, capture_output=True, text=True)
        if run.returncode != 0:
            print(f"step failed ({' '.join(step[:2])} ...): {(run.stderr or run.stdout).strip()[-800:]}")
            print("the commands to run by hand are:")
            break
        output = run.stdout
if output is None:
    for step in steps:
        print("  " + " ".join(step))
else:
    print("$ my_index meta.csv data.csv")
    print(output)"""),
    ("md", """## 4. The same scores from Python

The Python package runs the same C++ code: its scores on the same files agree with the C++
program's output (printed to two decimals)."""),
    ("code", """fw = ci.Framework.from_csv(work / "meta.csv")
res = ci.score(fw, pd.read_csv(work / "data.csv", index_col="unit"), normalization="min_max", range=(0, 100),
               aggregation="arithmetic_mean", treatment="gii")
nodes = [fw.root] + fw.children(fw.root)
print(pd.concat({c: res.scores[c].map("{:.2f}".format) + " (" + res.ranks[c].astype(str) + ")" for c in nodes}, axis=1).to_string())
if output is not None:
    rows = {line.split()[0]: [float(x) for x in re.findall(r"(-?[0-9.]+) \\(", line)] for line in output.strip().splitlines()[1:]}
    cpp = pd.DataFrame.from_dict(rows, orient="index", columns=nodes)
    assert (cpp - res.scores[nodes]).abs().max().max() < 0.005
    print("C++ and Python agree")
shutil.rmtree(work)   # tidy up the project, its build and the temporary prefix"""),
    ("md", """## Notes

- The header-only target needs no library at all: replace `compindex::compindex` with
  `compindex::headers` in `target_link_libraries`. Building `main.cpp` then compiles the library's
  implementation too (longer; use it when you cannot ship a static library).
- Without installing: put the compindex checkout next to your project and
  `add_subdirectory(compindex)`; the targets are the same.
- `examples/cpp/score_index.cpp` is a longer example (ranks within groups, what the outlier
  treatment did); the consumer projects in `tests/cmake/` are built and run by the test suite
  against an installed package and through `add_subdirectory`.
- The C++ API is documented in the headers (`include/compindex/*.hpp`, `///` comments);
  `compindex/compindex.hpp` includes everything."""),
]

# ------------------------------------------------------------------------------------------------
# 05: weighting and aggregation
# ------------------------------------------------------------------------------------------------
WEIGHTING_AND_AGGREGATION: list[tuple[str, str]] = [
    ("md", """# Weighting and aggregation

Two choices shape an index more than any other: **how much each component counts** (weights) and
**how components combine** (aggregation: can a strength compensate for a weakness?). This
tutorial derives weights from the data and from experts, stores them as named weight sets, scores
with them, and then compares aggregation methods beyond the weighted mean, always by what they do
to the ranks. The formulas are in the method reference ([weighting](../methods/weighting.md),
[aggregation](../methods/aggregation.md)) and in the full pages on [weights from
data](../weighting.md), [weights from experts](../expert_weights.md),
[aggregation](../aggregation.md), [Benefit of the Doubt](../benefit_of_doubt.md) and
[ratio nodes](../ratio.md).

The example is the PII framework (two sub-indices, seven pillars, 52 indicators).

> **The data used here are SIMULATED** (`compindex.datasets.load_pii_demo`): the ranks below say
> nothing about any real province."""),
    ("code", """import warnings

import numpy as np
import pandas as pd

import compindex as ci
from compindex import analysis as an
from compindex import datasets, weighting

fw = datasets.load_pii_framework()
names = datasets.load_pii_provinces()["name"].to_dict()
data = datasets.load_pii_demo(2024)          # SIMULATED
print(data.attrs["note"])
nominal = dict(treatment="gii", range=(1, 100))   # onto 1-100: every value positive (geometric means are then defined)
res = ci.score(fw, data, **nominal)
IN = fw.children("IN")                        # the five input pillars
print("IN:", dict(fw.names[IN]))"""),
    ("md", """## 1. Weights from the data

Every method weights the children of the chosen aggregates (`nodes=`, default every aggregate)
from a *scored* result: normalized indicators under the lowest aggregates, aggregate scores above.
It returns a `WeightResult` with `weights`, `diagnostics` (one row per weighted node, warnings
named) and method-specific `tables`. Here the five input pillars of the sub-index `IN`:

| method | weights |
|---|---|
| `equal` | $1/K$ |
| `pca` | first principal component's loadings of the children's correlation matrix, normalized to sum 1 |
| `factor_analysis` | OECD/JRC Handbook: components with eigenvalue > 1 (up to 60 % of variance), varimax, squared loadings |
| `entropy` | Shannon: children that differentiate units more weigh more |
| `critic` | Diakoulaki et al. 1995: contrast (sd) times conflict ($\\sum_k 1 - r_{jk}$) |
| `optimized` | COINr's "balance": each child's correlation with the node's score as equal as possible |"""),
    ("code", """derived = {
    "equal": weighting.equal(fw, nodes="IN"),
    "pca": weighting.pca(res, nodes="IN"),
    "factor_analysis": weighting.factor_analysis(res, nodes="IN"),
    "entropy": weighting.entropy(res, nodes="IN"),
    "critic": weighting.critic(res, nodes="IN"),
    "optimized": weighting.optimized(res, "IN"),
}
table = pd.DataFrame({m: w.weights.reindex(IN) for m, w in derived.items()})
table.insert(0, "pillar", fw.names[IN])
table.round(3)"""),
    ("code", """derived["pca"].diagnostics"""),
    ("code", """derived["pca"].tables["loadings"].round(3)"""),
    ("md", """Optimized weights can drive a child to (almost) zero: here pillar 5 correlates least with the
others, so the search removes it to balance the correlations. Read the diagnostics before using
such weights.

PCA refuses a **negative loading** (a negative weight) unless told how to treat it: on some
sub-pillars of these data, one indicator runs against the others."""),
    ("code", """try:
    weighting.pca(res)                        # every aggregate
except ci.DataError as e:
    print("DataError:", e)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    pca_all = weighting.pca(res, rule="absolute")   # or rule="squared"
print(f"rule='absolute': {len(pca_all.weights)} weights; {len(caught)} warnings, e.g.:")
print(" ", caught[0].message)"""),
    ("md", """## 2. Weights from experts

**AHP** (Saaty): each expert compares pairs of children on the 1-9 scale ("pillar 1 is 3 times as
important as pillar 2"); the weights are the principal eigenvector of the (combined) comparison
matrix, with Saaty's consistency ratio CR (above 0.1 warns, naming node and expert). Several
experts are combined by the geometric mean of their judgements. **Budget allocation**: each
expert shares points among the children; the weights are the mean (or median) shares."""),
    ("code", """pairs = [(a, b) for i, a in enumerate(IN) for b in IN[i + 1:]]
ann = [3, 2, 4, 5, 1, 2, 3, 2, 3, 1]     # ann: value = how much more important child_a is than child_b
bob = [2, 1, 3, 3, 1, 2, 2, 2, 2, 1]
judgements = pd.DataFrame([{"node": "IN", "child_a": a, "child_b": b, "value": v, "expert": e}
                           for e, values in (("ann", ann), ("bob", bob)) for (a, b), v in zip(pairs, values)])
ahp = weighting.ahp(fw, judgements)
print(ahp.weights.round(3).to_dict())
ahp.diagnostics[["expert", "lambda_max", "ci", "cr", "consistent"]].round(3)"""),
    ("code", """allocations = pd.DataFrame([{"node": "IN", "child": c, "points": p, "expert": e}
                            for e, points in (("ann", [30, 25, 20, 15, 10]), ("bob", [20, 20, 20, 20, 20]), ("chi", [40, 20, 20, 10, 10]))
                            for c, p in zip(IN, points)])
budget = weighting.budget(fw, allocations)
print(budget.weights.round(3).to_dict())
budget.tables["spread"].round(3)"""),
    ("md", """## 3. Named weight sets, and what they do to the ranks

`WeightResult.apply(fw, name=...)` returns a copy of the framework holding the weights as a
**named set** (the nominal weights stay); `score(..., weights=name)` scores with it. A metadata
table writes a set as a `weight_<NAME>` column, and `compindex score --weights NAME` uses it."""),
    ("code", """fw_sets = fw
for name, w in {**derived, "ahp": ahp, "budget": budget}.items():
    fw_sets = w.apply(fw_sets, name=name)
print(fw_sets.weight_sets)

ranks = pd.DataFrame({"nominal": res.ranks["PII"]})
for name in fw_sets.weight_sets:
    ranks[name] = ci.score(fw_sets, data, weights=name, **nominal).ranks["PII"]
ranks = ranks.astype(float)
shift = (ranks.sub(ranks["nominal"], axis=0)).abs()
pd.DataFrame({"mean |rank shift|": shift.mean(), "max |rank shift|": shift.max(),
              "Spearman with nominal": ranks.corr(method="spearman")["nominal"],
              "Can Tho (92)": ranks.loc["92"]}).round(2)"""),
    ("md", """In an uncertainty analysis, `WeightSets` picks one set per replication (and `Weights` then
perturbs the chosen set), so the question "which panel's weights?" gets a rank interval and a
Sobol index like any other choice:"""),
    ("code", """from compindex.uncertainty import WeightSets, Weights

ua = ci.uncertainty_analysis(fw_sets, data, [WeightSets(["nominal", "entropy", "ahp", "budget"]), Weights(spread=0.1)],
                             n=1000, seed=1, **nominal)
print(ua.choices["weight_sets"].value_counts().to_dict())
ua.summary.head(8)[["nominal_rank", "p05_rank", "median_rank", "p95_rank"]]"""),
    ("md", """## 4. Aggregation beyond weighted means

The weighted arithmetic mean is fully *compensatory*: a point lost on one child is made up by a
point gained on another. The alternatives limit that:

| method | idea |
|---|---|
| `geometric_mean`, `harmonic_mean`, `generalized_mean(p)` | power means, $p<1$ penalizes unbalanced profiles |
| `owa(orness=...)` | ordered weighted average: weights by position, not by child; orness 0 = min, 0.5 = mean, 1 = max |
| `mean_min(alpha, beta)` | mean minus a penalty pulling towards the minimum (Casadio Tarabusi and Guarini 2013) |
| `mpi`, `ampi` | Mazziotta-Pareto: mean of standardized children minus a penalty for their spread |
| `topsis` | closeness to the ideal unit and distance from the anti-ideal one |
| `wroclaw` | Hellwig: distance to an ideal unit, $1 - d/d_0$ |
| `benefit_of_doubt` | each unit with its most favourable weights (one linear programme per unit, COIN-OR CLP) |
| `copeland` | pairwise majority: wins minus losses over the children |

Here each replaces the arithmetic mean at the top of the tree (the two sub-indices and the
index), keeping arithmetic means below; `aggregation=` would change every aggregate."""),
    ("code", """def bod_available() -> bool:
    # Benefit of the Doubt needs COIN-OR CLP in the build; without it, it raises an error saying how to get it.
    try:
        ci.score(fw, data, aggregation_by_node={"IN": "benefit_of_doubt"}, **nominal)
        return True
    except ci.Error as e:
        print("Benefit of the Doubt is not available here:", e)
        return False


methods = ["arithmetic_mean", "geometric_mean", "harmonic_mean", "owa(orness=0.3)", "mean_min(alpha=0.5, beta=10)",
           "mpi", "ampi", "topsis", "wroclaw", "copeland"]
if bod_available():
    methods += ["benefit_of_doubt", "benefit_of_doubt(share_lower=0.05)"]
top = ["IN", "OUT", "PII"]
results = {m: ci.score(fw, data, aggregation_by_node={c: m for c in top}, **nominal) for m in methods}
agg_ranks = pd.DataFrame({m: r.ranks["PII"] for m, r in results.items()}).astype(float)
agg_shift = agg_ranks.sub(agg_ranks["arithmetic_mean"], axis=0).abs()
pd.DataFrame({"mean |rank shift|": agg_shift.mean(), "max |rank shift|": agg_shift.max(),
              "Spearman with arithmetic": agg_ranks.corr(method="spearman")["arithmetic_mean"],
              "Can Tho (92)": agg_ranks.loc["92"]}).round(2)"""),
    ("code", """top10 = agg_ranks.sort_values("arithmetic_mean").head(10).astype(int)
top10.insert(0, "province", top10.index.map(names))
top10   # SIMULATED data"""),
    ("md", """### What each method did: `Result.details(node)`

Methods with diagnostics report them per unit and per child. The Mazziotta-Pareto index: each
unit's mean $M$ of standardized children, their spread $S$, and the penalty $S \\cdot cv$:"""),
    ("code", """d = results["mpi"].details("PII")
d.per_unit.join(pd.Series(names, name="province")).sort_values("penalty", ascending=False).head(5).round(3)"""),
    ("md", """OWA weights positions, not children: with orness 0.3 and two children (IN and OUT), the
*better* of a unit's two sub-indices gets weight 0.3 and the worse 0.7."""),
    ("code", """d = results["owa(orness=0.3)"].details("PII")
{k: round(v, 3) for k, v in d.scalars.items()}"""),
    ("code", """d = results["topsis"].details("PII")
d.per_unit.head(5).round(3)"""),
    ("md", """Benefit of the Doubt reports each unit's own weights and its *peers* (the frontier units its
constraint binds with). Without restrictions many units reach the frontier (efficiency 1) by
putting all their weight on their best child; bounds on each child's share of the score
(`share_lower`, `share_upper`) or around the nominal weights (`nominal_spread`) restore
discrimination."""),
    ("code", """if "benefit_of_doubt" in results:
    for m in ("benefit_of_doubt", "benefit_of_doubt(share_lower=0.05)"):
        d = results[m].details("PII")
        print(f"{m}: {d.scalars.get('frontier_units')} units on the frontier")
    d = results["benefit_of_doubt(share_lower=0.05)"].details("PII")
    table = d.per_unit.join(d.unit_weights.add_prefix("weight_")).join(d.peers.rename("peers"))
    table.insert(0, "province", table.index.map(names))
    print(table.sort_values("efficiency", ascending=False).head(6).round(4).to_string())"""),
    ("md", """## 5. Ratio nodes: an efficiency ratio

The GII's (and PII's) *Innovation Efficiency Ratio* is the output sub-index over the input
sub-index. A node declared `ratio(numerator=OUT, denominator=IN)` in the metadata's `aggregation`
column scores OUT / IN per unit and is ranked like any node, but is left out of every aggregate:
adding it does not change the index."""),
    ("code", """meta = fw.meta.reset_index()
eff = pd.DataFrame([{"code": "EFF", "parent": "PII", "name": "Innovation efficiency ratio",
                     "aggregation": "ratio(numerator=OUT, denominator=IN)"}])
fw_eff = ci.Framework.from_frame(pd.concat([meta, eff], ignore_index=True))
res_eff = ci.score(fw_eff, data, **nominal)
assert res_eff.scores["PII"].equals(res.scores["PII"])      # the index is unchanged
ranking = res_eff.ranking()[["rank", "score", "IN", "OUT", "EFF"]]
ranking.insert(0, "province", ranking.index.map(names))
ranking.sort_values("EFF", ascending=False).head(8).round(3)   # SIMULATED data"""),
]

# ------------------------------------------------------------------------------------------------
# 06: missing data, imputation by model
# ------------------------------------------------------------------------------------------------
IMPUTATION: list[tuple[str, str]] = [
    ("md", """# Missing data: imputation by model

Real indicator tables have holes. compindex fills them after denomination and before outlier
treatment, with a method chosen for all indicators (`imputation=`) or per indicator
(`imputation_by_indicator=`). This tutorial compares five methods on the same holes:

| method | value given to a missing cell |
|---|---|
| `mean` | the indicator's mean |
| `group_mean(group=region)` | the mean over the units of the same region |
| `em` | the conditional mean under a multivariate normal model of the pillar's indicators, fitted by expectation-maximization |
| `knn(k=5)` | the mean of the 5 nearest units (distance over the pillar's other indicators) |
| `chained` | chained linear regressions of each indicator on the pillar's others |

and then treats the choice of method (and the randomness of a multiple imputation) as a source of
uncertainty in the ranks. The formulas, parameters and conventions are in the full page on
[imputation](../imputation.md).

> **The data used here are SIMULATED** (`compindex.datasets.load_pii_demo`): the values, errors
> and ranks below say nothing about any real province. Since we make the holes ourselves, the true
> values are known, which real data never allow."""),
    ("code", """%matplotlib inline
import time

import numpy as np
import pandas as pd

import compindex as ci
from compindex import datasets, imputation
from compindex.uncertainty import Imputation, Weights

t_start = time.perf_counter()
fw = datasets.load_pii_framework()
provinces = datasets.load_pii_provinces()
names = provinces["name"].to_dict()
groups = provinces[["region"]]                 # the regions, for group_mean and ranks within regions
data = datasets.load_pii_demo(2024)            # SIMULATED
print(data.attrs["note"])
print(fw)"""),
    ("md", """## 1. Knock out 5 % of the cells

The demonstration data already lack some values (their true values are unknown). We remove 5 %
of the **observed** cells at random, with a fixed numpy seed (2024) so that the notebook always
makes the same holes; the removed values are kept as the truth to measure each method against."""),
    ("code", """indicators = fw.indicators
truth = data[indicators].astype(float)
rng = np.random.default_rng(2024)               # fixed seed: the same holes every run
knocked = (rng.random(truth.shape) < 0.05) & truth.notna().to_numpy()
holed = data.copy()
holed[indicators] = truth.mask(knocked)
print(f"{truth.isna().to_numpy().sum()} cells missing in the demonstration data, "
      f"{knocked.sum()} more knocked out ({knocked.sum() / knocked.size:.1%} of {knocked.size}); "
      f"{holed[indicators].isna().to_numpy().sum()} to impute")"""),
    ("md", """## 2. One method: what was filled, and how the model fitted

`imputation="em"` models the indicators of each pillar together (the default `scope=pillar`).
`imputed_cells` lists every filled cell with its method, its block (the pillar whose indicators were
modelled together) and its value, in the units of the data:"""),
    ("code", """res_em = ci.score(fw, holed, imputation="em", groups=groups)
cells = imputation.imputed_cells(res_em)
print(len(cells), "cells imputed")
cells.head()"""),
    ("md", """`models` gives one row per block: the number of cells it imputed, the EM iterations, whether it
converged (no entry of the standardized mean or covariance changed by more than $10^{-8}$) and the
observed-data log-likelihood at the final estimates:"""),
    ("code", """imputation.models(res_em)[["block", "method", "cells", "iterations", "converged", "log_likelihood"]].round(2)"""),
    ("md", """## 3. Five methods side by side

`imputation.compare` scores the same data once per method (the other keywords are shared) and
returns the imputed values (cell x method), the ranks of the index (unit x method) and the models."""),
    ("code", """methods = ["mean", "group_mean(group=region)", "em", "knn(k=5)", "chained"]
cmp = imputation.compare(fw, holed, methods, groups=groups)
values = cmp["values"]
values.head(8).round(2)"""),
    ("code", """ranks = cmp["ranks"].astype(int)
ranks.insert(0, "province", ranks.index.map(names))
moved = ranks[methods].max(axis=1) - ranks[methods].min(axis=1)
ranks[moved > 0].head(10)   # provinces whose index rank depends on the method (SIMULATED data)"""),
    ("code", """cmp["models"].groupby("label")[["cells", "iterations"]].agg({"cells": "sum", "iterations": "max"})"""),
    ("md", """### Against the truth

For the knocked-out cells we know the true values. Indicators have different units, so each
error is divided by the indicator's standard deviation before the root-mean-square error (RMSE) is
taken; an RMSE of 1 is as far off as a typical unit is from the mean. The ranks are compared with
the ranks the same method gives on the data before the knock-out (where only the demonstration
data's own holes are imputed).

**This is one simulated example, not a general verdict**: which method does best depends on how
strongly the indicators of a pillar are correlated, on how the values came to be missing, and on
the number of units."""),
    ("code", """known = [(u, i) for u, i in values.index if knocked[truth.index.get_loc(u), indicators.index(i)]]
true_values = np.array([truth.at[u, i] for u, i in known])
sd = np.array([truth[i].std(ddof=0) for _, i in known])
z_error = values.loc[known].sub(true_values, axis=0).div(sd, axis=0)

before = {m: ci.score(fw, data, imputation=m, groups=groups).ranks[fw.root] for m in methods}
shift = pd.DataFrame({m: (cmp["ranks"][m] - before[m]).abs() for m in methods})
pd.DataFrame({
    "RMSE (sd units)": np.sqrt((z_error ** 2).mean()),
    "mean |error| (sd units)": z_error.abs().mean(),
    "mean |rank shift|": shift.mean(),
    "max |rank shift|": shift.max(),
}).round(3)"""),
    ("md", """In these simulated data the models do no better than the plain mean at the level of single
cells (a model can only help as far as the other indicators of the pillar predict the missing
one); the index ranks move by about one place on average whatever the method, but single
provinces move by up to ten places.

### Scope: a pillar or everything

`scope=all` models every indicator together. With 52 indicators and 63 provinces that is a lot of
parameters for few units: EM's covariance matrix is singular without a `ridge` (compindex stops
with an error naming the block and suggesting one) and a chained regression on 51 predictors
over-fits."""),
    ("code", """try:
    ci.score(fw, holed, imputation="em(scope=all)")
except ci.ComputationError as e:
    print("ComputationError:", e)"""),
    ("code", """scopes = ["em", "em(scope=all, ridge=0.1)", "knn(k=5)", "knn(k=5, scope=all)", "chained", "chained(scope=all)"]
by_scope = imputation.compare(fw, holed, scopes, groups=groups)
z = by_scope["values"].loc[known].sub(true_values, axis=0).div(sd, axis=0)
blocks = by_scope["models"].groupby("label").agg(blocks=("block", "size"), iterations=("iterations", "max"),
                                                 converged=("converged", "all"))
blocks.reindex(scopes).assign(**{"RMSE (sd units)": np.sqrt((z ** 2).mean())}).round(3)"""),
    ("md", """## 4. Imputation as a source of uncertainty

A single imputed value hides that it is a guess. In an uncertainty analysis,
`uncertainty.Imputation([...])` makes the method a factor: each replication picks one of the
alternatives. Here three analyses of 400 replications each, all with the nominal weights perturbed
by up to ±10 % (`Weights(spread=0.1)`) and the nominal run imputed by EM:

1. the weights only (the baseline);
2. the weights and the choice of method among `mean`, `em` and `knn`;
3. the weights and **multiple imputation** by `em_draw`: every replication draws the missing
   cells again from their conditional normal distribution under the fitted EM model, so the
   ranks carry the imputation noise. The draws depend only on the seed and the replication
   number, whatever the number of threads."""),
    ("code", """nominal = dict(imputation="em", groups=groups)
analyses = {
    "weights only": [Weights(spread=0.1)],
    "weights + method (mean, em, knn)": [Imputation(["mean", "em", "knn"]), Weights(spread=0.1)],
    "weights + em_draw": [Imputation(["em_draw"]), Weights(spread=0.1)],
}
t0 = time.perf_counter()
uas = {label: ci.uncertainty_analysis(fw, holed, factors, n=400, seed=1, **nominal) for label, factors in analyses.items()}
print(f"3 analyses x 400 replications in {time.perf_counter() - t0:.1f} s")
pd.DataFrame({label: ua.summary["interval_width"].describe()[["mean", "50%", "max"]] for label, ua in uas.items()}).T.round(2)"""),
    ("md", """The rank intervals (5th to 95th percentile, `interval_width` in the summary) widen as the
imputation's uncertainty is let in. The provinces most affected by multiple imputation:"""),
    ("code", """ua = uas["weights + em_draw"]
summary = ua.summary.copy()
summary.insert(0, "province", summary.index.map(names))
summary["width, weights only"] = uas["weights only"].summary["interval_width"]
summary["missing cells"] = holed[indicators].isna().sum(axis=1)
summary.sort_values("interval_width", ascending=False).head(8)[
    ["province", "nominal_rank", "p05_rank", "median_rank", "p95_rank", "interval_width", "width, weights only", "missing cells"]]"""),
    ("code", """ua.plot(names=names, labels="name", highlight="35")   # every province; Ha Nam (35) highlighted"""),
    ("md", """The `em_draw` draws fix the model's parameters at their maximum-likelihood estimates (an
"improper" multiple imputation), so they slightly understate the imputation noise for few units;
see [imputation](../imputation.md#em-draws-em_draw-multiple-imputation).

## Where next

- [How robust are my ranks](03_robust_ranks.ipynb): uncertainty and sensitivity analysis with
  every kind of factor, Sobol indices.
- [The province workflow](02_province_workflow.ipynb): profiles, gaps and what would lift a unit."""),
    ("code", """print(f"notebook run time: {time.perf_counter() - t_start:.1f} s")"""),
]


TUTORIALS: dict[str, list[tuple[str, str]]] = {
    "01_build_an_index": BUILD_AN_INDEX,
    "02_province_workflow": PROVINCE_WORKFLOW,
    "03_robust_ranks": ROBUST_RANKS,
    "04_cpp_embedding": CPP_EMBEDDING,
    "05_weighting_and_aggregation": WEIGHTING_AND_AGGREGATION,
    "06_imputation": IMPUTATION,
}


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """A notebook of the given (kind, source) cells, without outputs and with stable cell ids."""
    return notebook(cells)



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="write only the tutorials whose name starts with one of these")
    parser.add_argument("--out", default=str(OUT), help="directory to write into (default docs/tutorials)")
    a = parser.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, cells in TUTORIALS.items():
        if a.only and not any(name.startswith(o) for o in a.only):
            continue
        nb = build(cells)
        nbformat.validate(nb)
        path = out / f"{name}.ipynb"
        nbformat.write(nb, path)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
