#!/usr/bin/env python3
"""Write data/pii/demo_data.csv: SIMULATED indicator values for the Vietnam PII framework.

Every value this script writes is invented. The file exists so that the PII framework in
data/pii/framework.csv can be run end to end (treatment, normalization, aggregation, ranking)
before real data are available. Do not cite or analyse it as PII data.

What it produces: one row per pre-2025 province (63, codes from data/pii/provinces.csv) and per
year (2023 and 2024), columns `unit,year,<indicator codes in framework.csv order>`. Missing values
are empty cells.

How the values are made:
  * A latent provincial "development" factor, loosely anchored on the published PII 2023 overall
    scores and ranks (results_published.csv) so that the big cities and industrial provinces come
    out on top; provinces without a published score get a regional level plus noise.
  * Each indicator = loading * factor + noise, mapped onto the indicator's unit (percentages in
    0-100, PCI sub-index scores in 0-10, per-capita counts log-normal and right-skewed, and so on).
    A few indicators load negatively (local spending / GRDP, microfinance / GRDP, poverty reduction).
  * 2024 = 2023 x (1 + small indicator-specific growth) + noise.
  * About 3% of cells are blanked at random, never a whole indicator-year or a whole row, and never
    the designed outliers.
  * Four indicators get designed extreme values so that |skew| > 2.25 and excess kurtosis > 3.5
    (Excel SKEW/KURT forms): 4.2.3 and 5.1.n5 are brought within the thresholds by winsorizing at
    most 5 points; 6.1.n1 and 6.2.n1 are not, so the GII rule falls back to a log transform.

Only numpy and the csv module are used. The random generator has a fixed seed and the output is
formatted with fixed decimals, so two runs give byte-identical files. After writing, the script
checks the outlier design with the same winsorization procedure as compindex's treatment (GII rule:
skew 2.25, kurtosis 3.5, at most 5 points, then log) and prints a short summary; it exits with
status 1 if a check fails.

Usage: python3 tools/make_pii_demo.py [--out PATH]
"""

import argparse
import csv
import os
import sys

import numpy as np

SEED = 20240312  # PII 2023 release date (12 March 2024)
YEARS = (2023, 2024)
MISSING_RATE = 0.03
SKEW_T, KURT_T, WINMAX = 2.25, 3.5, 5

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(ROOT, "data", "pii")

# --------------------------------------------------------------------------------------------
# Latent development factor
# --------------------------------------------------------------------------------------------

# Published PII 2023 overall scores (results_published.csv), used only as an anchor for realism.
ANCHOR_2023 = {
    "01": 62.86, "79": 55.85, "31": 52.32, "48": 50.70, "92": 49.66, "27": 49.20, "77": 49.18,
    "74": 48.64, "22": 48.03, "19": 47.75, "24": 46.51, "37": 43.39, "25": 41.29, "51": 37.80,
    "08": 33.74, "04": 22.18,
}
# Published 2023 ranks 54-62 without a score: give them pseudo-scores below rank 53.
BOTTOM_2023 = ["67", "45", "06", "14", "15", "11", "02", "64", "12"]  # ranks 54..62
REGION_LEVEL = {
    "Red River Delta": 41.0, "Southeast": 40.0, "North Central and Central Coast": 36.5,
    "Mekong Delta": 36.0, "Central Highlands": 32.5, "Northern Midlands and Mountains": 32.0,
}

# --------------------------------------------------------------------------------------------
# Indicator specifications
#   kind: "lognormal" (median, sigma), "pct" (logistic percentage: median %, slope),
#         "normal" (mean, sd, lo, hi), "count" (median, sigma), "placeholder" (0-100 score),
#         "share" (share of national GDP, sums to 100), "heavy" (log-normal bulk plus hubs)
#   load: loading on the development factor (negative: poorer provinces score higher)
#   growth: mean 2023 -> 2024 relative change; dec: decimals written
# --------------------------------------------------------------------------------------------

PH = dict(kind="placeholder", load=0.5, growth=0.01, dec=1)

SPEC = {
    "1.1.1": dict(kind="count", median=12, sigma=0.45, load=0.6, growth=0.08, dec=0),
    "1.1.x1": PH,
    "1.2.1": dict(kind="normal", mean=6.8, sd=0.55, lo=0, hi=10, load=0.25, growth=0.01, dec=2),
    "1.2.n1": dict(kind="normal", mean=6.5, sd=0.5, lo=0, hi=10, load=0.45, growth=0.01, dec=2),
    "1.2.n2": dict(kind="normal", mean=6.6, sd=0.5, lo=0, hi=10, load=0.3, growth=0.0, dec=2),
    "1.2.n3": dict(kind="normal", mean=6.9, sd=0.45, lo=0, hi=10, load=0.3, growth=0.01, dec=2),
    "1.2.n4": dict(kind="normal", mean=5.9, sd=0.55, lo=0, hi=10, load=0.2, growth=0.0, dec=2),
    "2.1.x1": PH,
    "2.1.2": dict(kind="lognormal", median=1.2, sigma=0.38, load=0.4, growth=0.05, dec=3),
    "2.1.x2": PH,
    "2.1.4": dict(kind="lognormal", median=3.5, sigma=0.3, load=-0.6, growth=0.0, dec=3),
    "2.2.n1": dict(kind="lognormal", median=6.0, sigma=0.38, load=0.75, growth=0.03, dec=2),
    "2.2.2": dict(kind="lognormal", median=0.18, sigma=0.35, load=0.4, growth=0.02, dec=3),
    "2.2.4": dict(kind="lognormal", median=0.25, sigma=0.38, load=0.7, growth=0.02, dec=3),
    "3.1.n1": dict(kind="normal", mean=0.52, sd=0.09, lo=0, hi=1, load=0.7, growth=0.04, dec=3),
    "3.1.x1": PH,
    "3.1.x2": PH,
    "3.2.x1": PH,
    "3.2.2": dict(kind="pct", median=70, slope=0.8, load=0.4, growth=0.02, dec=1),
    "4.1.x1": PH,
    "4.1.2": dict(kind="lognormal", median=0.35, sigma=0.35, load=-0.65, growth=-0.02, dec=3),
    "4.1.3": dict(kind="lognormal", median=45, sigma=0.35, load=0.7, growth=0.04, dec=1),
    "4.1.4": dict(kind="lognormal", median=20, sigma=0.38, load=0.65, growth=0.04, dec=1),
    "4.2.x1": PH,
    "4.2.x2": PH,
    "4.2.3": dict(kind="share", load=0.9, growth=0.0, dec=3),
    "5.1.n1": dict(kind="pct", median=24, slope=0.35, load=0.75, growth=0.03, dec=1),
    "5.1.n2": dict(kind="lognormal", median=2.2, sigma=0.3, load=0.35, growth=0.01, dec=2),
    "5.1.n3": dict(kind="pct", median=6, slope=0.45, load=0.6, growth=0.03, dec=2),
    "5.1.n4": dict(kind="pct", median=28, slope=0.4, load=0.55, growth=0.03, dec=1),
    "5.1.n5": dict(kind="heavy", median=5.0, sigma=0.45, load=0.5, growth=0.02, dec=2,
                   hubs={"27": 52.0, "31": 39.0, "77": 31.0}),
    "5.2.1": dict(kind="pct", median=8, slope=0.45, load=0.5, growth=0.02, dec=2),
    "5.2.2": dict(kind="lognormal", median=3.0, sigma=0.38, load=0.6, growth=0.02, dec=2),
    "5.2.3": dict(kind="lognormal", median=12, sigma=0.38, load=0.2, growth=0.02, dec=2),
    "6.1.n1": dict(kind="heavy", median=0.04, sigma=0.8, load=0.75, growth=0.05, dec=4,
                   hubs={"01": 2.6, "79": 2.0, "48": 1.35, "46": 1.05, "19": 0.95, "27": 0.9, "92": 0.85}),
    "6.1.n2": dict(kind="lognormal", median=0.02, sigma=0.38, load=0.7, growth=0.03, dec=4),
    "6.2.n1": dict(kind="heavy", median=2.0, sigma=0.4, load=0.7, growth=0.04, dec=3,
                   hubs={"79": 46.0, "01": 39.0, "48": 27.0, "74": 22.0, "27": 19.0, "31": 17.5}),
    "6.2.n2": dict(kind="lognormal", median=0.15, sigma=0.38, load=0.65, growth=0.03, dec=3),
    "6.2.n3": dict(kind="lognormal", median=0.008, sigma=0.35, load=0.3, growth=0.0, dec=4),
    "6.2.4": dict(kind="lognormal", median=0.006, sigma=0.35, load=0.1, growth=0.05, dec=4),
    "6.3.n1": dict(kind="normal", mean=55, sd=14, lo=10, hi=150, load=0.7, growth=0.02, dec=1),
    "6.3.2": dict(kind="lognormal", median=0.6, sigma=0.35, load=0.6, growth=0.05, dec=3),
    "6.3.3": dict(kind="lognormal", median=0.9, sigma=0.3, load=0.5, growth=0.05, dec=3),
    "6.3.n2": dict(kind="lognormal", median=9, sigma=0.3, load=0.55, growth=0.03, dec=2),
    "7.1.1": dict(kind="normal", mean=108, sd=5, lo=85, hi=135, load=0.15, growth=0.0, dec=1),
    "7.1.2": dict(kind="lognormal", median=0.12, sigma=0.38, load=0.2, growth=0.08, dec=3),
    "7.1.3": dict(kind="lognormal", median=45, sigma=0.42, load=0.55, growth=0.03, dec=1),
    "7.1.4": dict(kind="normal", mean=5.5, sd=1.6, lo=-5, hi=20, load=0.1, growth=0.0, dec=2),
    "7.2.1": dict(kind="lognormal", median=1.1, sigma=0.35, load=-0.55, growth=-0.05, dec=2),
    "7.2.2": dict(kind="normal", mean=54, sd=3.5, lo=40, hi=70, load=0.2, growth=0.0, dec=1),
    "7.2.3": dict(kind="lognormal", median=4.6, sigma=0.22, load=0.85, growth=0.06, dec=2),
    "7.2.4": dict(kind="normal", mean=0.72, sd=0.035, lo=0, hi=1, load=0.85, growth=0.004, dec=3),
}
# National GDP shares of the two largest economies (simulated, roughly realistic).
SHARE_HUBS = {"79": 20.5, "01": 12.8}
WINSOR_OK = ("4.2.3", "5.1.n5")   # designed: fixed by winsorizing <= 5 points
NEEDS_LOG = ("6.1.n1", "6.2.n1")  # designed: winsorizing 5 points is not enough


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def excel_skew(x):
    x = x[~np.isnan(x)]
    n = x.size
    d = x - x.mean()
    s = np.sqrt((d ** 2).sum() / (n - 1))
    return n / ((n - 1) * (n - 2)) * ((d / s) ** 3).sum()


def excel_kurt(x):
    x = x[~np.isnan(x)]
    n = x.size
    d = x - x.mean()
    s = np.sqrt((d ** 2).sum() / (n - 1))
    return (n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * ((d / s) ** 4).sum()
            - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3)))


def flagged(x):
    return abs(excel_skew(x)) > SKEW_T and excel_kurt(x) > KURT_T


def gii_treat(x):
    """Mirror of compindex treat_column with the GII rule; returns (action, points, skew, kurt)."""
    x = x.copy()
    if not flagged(x):
        return "none", 0, excel_skew(x), excel_kurt(x)
    original = x.copy()
    high, low, count, fails = [], [], 0, True
    while fails and count < WINMAX:
        top = excel_skew(x) >= 0
        ok = ~np.isnan(x)
        ext = np.nanmax(x) if top else np.nanmin(x)
        extreme = np.where(ok & (x == ext))[0]
        rest = x[ok & (x != ext)]
        if rest.size == 0:
            break
        x[extreme] = rest.max() if top else rest.min()
        if top:
            high = list(extreme)
        else:
            low = list(extreme)
        count = len(high) + len(low)
        fails = flagged(x)
    if not fails:
        return "winsorized", count, excel_skew(x), excel_kurt(x)
    x = original
    mn, mx = np.nanmin(x), np.nanmax(x)
    a = 0.01 * (mx - mn)
    y = np.log(x - mn + a) if excel_skew(x) >= 0 else -np.log(mx + a - x)
    return "log", count, excel_skew(y), excel_kurt(y)


def development_factor(provinces, rng):
    score = np.empty(len(provinces))
    bottom = {c: 29.5 - 0.6 * i for i, c in enumerate(BOTTOM_2023)}
    noise = rng.normal(0.0, 2.2, len(provinces))
    for i, p in enumerate(provinces):
        c = p["code"]
        if c in ANCHOR_2023:
            score[i] = ANCHOR_2023[c]
        elif c in bottom:
            score[i] = bottom[c]
        else:
            score[i] = np.clip(REGION_LEVEL[p["region"]] + noise[i], 30.5, 46.0)
    d = (score - score.mean()) / score.std()
    # Soften the top end (Ha Noi sits about 3.4 sd above the mean): above 1 sd the factor grows
    # like 1 + log(d), which keeps the order but stops one city from dominating every indicator.
    d = np.where(d > 1, 1 + np.log(np.maximum(d, 1)), d)
    return (d - d.mean()) / d.std()


def simulate_2023(spec, z, codes, rng):
    kind = spec["kind"]
    if kind == "placeholder":
        return np.clip(50 + 15 * z, 0, 100)
    if kind == "normal":
        return np.clip(spec["mean"] + spec["sd"] * z, spec["lo"], spec["hi"])
    if kind == "pct":
        m = spec["median"] / 100
        return 100 / (1 + np.exp(-(np.log(m / (1 - m)) + spec["slope"] * z)))
    if kind == "lognormal":
        return spec["median"] * np.exp(spec["sigma"] * z)
    if kind == "count":
        return rng.poisson(spec["median"] * np.exp(spec["sigma"] * z)).astype(float)
    if kind == "share":
        w = np.exp(0.7 * z)
        hub = np.array([c in SHARE_HUBS for c in codes])
        v = np.empty_like(w)
        total_hubs = 0.0
        for i, c in enumerate(codes):
            if hub[i]:
                v[i] = SHARE_HUBS[c] * np.exp(rng.normal(0, 0.03))
                total_hubs += v[i]
        v[~hub] = w[~hub] / w[~hub].sum() * (100 - total_hubs)
        return v
    if kind == "heavy":
        v = spec["median"] * np.exp(spec["sigma"] * z)
        for i, c in enumerate(codes):
            if c in spec["hubs"]:
                v[i] = spec["hubs"][c] * np.exp(rng.normal(0, 0.05))
        return v
    raise ValueError(kind)


def grow(spec, v, rng):
    g = 1 + spec["growth"] + rng.normal(0, 0.04, v.size)
    out = v * g
    kind = spec["kind"]
    if kind == "count":
        out = np.maximum(0, np.rint(out + rng.normal(0, 1.0, v.size)))
    elif kind == "placeholder":
        out = np.clip(out, 0, 100)
    elif kind == "normal":
        out = np.clip(out, spec["lo"], spec["hi"])
    elif kind == "pct":
        out = np.clip(out, 0, 100)
    elif kind == "share":
        out = out / out.sum() * 100
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(DATA, "demo_data.csv"))
    args = ap.parse_args()

    framework = read_csv(os.path.join(DATA, "framework.csv"))
    provinces = read_csv(os.path.join(DATA, "provinces.csv"))
    indicators = [r["code"] for r in framework if r["level_name"] == "indicator"]
    missing_spec = set(indicators) ^ set(SPEC)
    if missing_spec:
        sys.exit(f"framework.csv and SPEC disagree on: {sorted(missing_spec)}")
    codes = [p["code"] for p in provinces]
    n, k = len(codes), len(indicators)

    rng = np.random.default_rng(SEED)
    dev = development_factor(provinces, rng)

    values = {y: np.empty((n, k)) for y in YEARS}
    protected = np.zeros((n, k), dtype=bool)
    for j, code in enumerate(indicators):
        spec = SPEC[code]
        load = spec["load"]
        # idiosyncratic noise, truncated at +-2.4 sd so that only the designed outliers are extreme
        e = np.clip(rng.normal(0, 1, n), -2.4, 2.4)
        z = load * dev + np.sqrt(1 - load ** 2) * e
        v23 = simulate_2023(spec, z, codes, rng)
        v24 = grow(spec, v23, rng)
        dec = spec["dec"]
        values[2023][:, j] = np.round(v23, dec)
        values[2024][:, j] = np.round(v24, dec)
        hubs = set(spec.get("hubs", {})) | (set(SHARE_HUBS) if spec["kind"] == "share" else set())
        for i, c in enumerate(codes):
            protected[i, j] = c in hubs

    # ~3% missing: never a protected cell, at most 5 per row, at least 55 values per indicator-year.
    for y in YEARS:
        mask = (rng.random((n, k)) < MISSING_RATE) & ~protected
        for i in range(n):
            idx = np.where(mask[i])[0]
            if idx.size > 5:
                mask[i, idx[5:]] = False
        for j in range(k):
            idx = np.where(mask[:, j])[0]
            if idx.size > n - 55:
                mask[idx[n - 55:], j] = False
        values[y][mask] = np.nan

    decs = [SPEC[c]["dec"] for c in indicators]
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["unit", "year"] + indicators)
        for y in YEARS:
            for i, c in enumerate(codes):
                row = [c, str(y)]
                for j in range(k):
                    v = values[y][i, j]
                    row.append("" if np.isnan(v) else f"{v:.{decs[j]}f}")
                w.writerow(row)

    # ---------------------------------------------------------------- checks and summary
    failures = []
    cells = sum(values[y].size for y in YEARS)
    nmiss = sum(int(np.isnan(values[y]).sum()) for y in YEARS)
    print(f"wrote {args.out}: SIMULATED data, {n} units x {len(YEARS)} years x {k} indicators")
    print(f"missing cells: {nmiss} of {cells} ({100 * nmiss / cells:.2f}%)")
    for y in YEARS:
        if np.isnan(values[y]).all(axis=0).any():
            failures.append(f"{y}: an indicator is entirely missing")
        if np.isnan(values[y]).all(axis=1).any():
            failures.append(f"{y}: a province is entirely missing")
    print("outlier check (Excel SKEW/KURT; GII rule |skew| > 2.25 and kurtosis > 3.5, winsorize <= 5, else log):")
    print(f"  {'indicator':<8} {'year':>4} {'n':>3} {'skew':>7} {'kurt':>7}  treatment -> skew, kurt after")
    for j, code in enumerate(indicators):
        for y in YEARS:
            x = values[y][:, j]
            isflag = flagged(x)
            designed = code in WINSOR_OK or code in NEEDS_LOG
            if isflag != designed:
                failures.append(f"{code} {y}: flagged={isflag}, designed={designed}")
            if not designed and not isflag:
                continue
            action, pts, sk2, ku2 = gii_treat(x)
            if code in WINSOR_OK and action != "winsorized":
                failures.append(f"{code} {y}: expected winsorization to suffice, got {action}")
            if code in NEEDS_LOG and action != "log":
                failures.append(f"{code} {y}: expected the log fallback, got {action}")
            what = f"winsorized {pts} point(s)" if action == "winsorized" else (
                f"log (still failing after {pts} winsorized)" if action == "log" else action)
            print(f"  {code:<8} {y:>4} {int((~np.isnan(x)).sum()):>3} {excel_skew(x):7.2f} {excel_kurt(x):7.2f}"
                  f"  {what} -> {sk2:.2f}, {ku2:.2f}")
    others = [c for c in indicators if c not in WINSOR_OK + NEEDS_LOG]
    worst_s = max((abs(excel_skew(values[y][:, j])), c, y) for y in YEARS for j, c in enumerate(indicators)
                  if c in others)
    worst_k = max((excel_kurt(values[y][:, j]), c, y) for y in YEARS for j, c in enumerate(indicators)
                  if c in others)
    n_ok = sum(not flagged(values[y][:, j]) for y in YEARS for j, c in enumerate(indicators) if c in others)
    print(f"other {len(others)} indicators: {n_ok} of {2 * len(others)} indicator-years within the thresholds "
          f"(largest |skew| {worst_s[0]:.2f} {worst_s[1]} {worst_s[2]}; largest kurtosis {worst_k[0]:.2f} "
          f"{worst_k[1]} {worst_k[2]})")
    # the latent factor should put the big cities on top
    direction = {r["code"]: int(r["direction"]) for r in framework}
    pii_like = np.nanmean([(values[2023][:, j] - np.nanmean(values[2023][:, j])) / np.nanstd(values[2023][:, j])
                           * direction[c] for j, c in enumerate(indicators)], axis=0)
    top = [provinces[i]["name"] for i in np.argsort(-pii_like)[:8]]
    print("highest simple mean of standardized 2023 values:", ", ".join(top))
    if failures:
        print("CHECK FAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
