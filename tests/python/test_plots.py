"""compindex.plots: each chart returns a Figure with the expected number of bars or cells; legends
outside the data, the data's note on every chart, names instead of codes, uncertainty titles that
count replications and failures, and the Sobol chart's statement of the output's spread."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import compindex as ci
from compindex import plots
from compindex.uncertainty import Aggregation, Normalization, Weights

from _pii_fixtures import pii_names, pii_result, small_data, small_framework, small_result


@pytest.fixture(scope="module")
def res() -> ci.Result:
    return small_result()


def test_ranking_chart_one_bar_per_unit(res: ci.Result) -> None:
    fig = plots.ranking_chart(res, group="region", highlight="B")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.patches) == 4
    # Best first (the y axis is inverted, so the first bar is D's 75).
    assert [p.get_width() for p in ax.patches] == [75.0, 50.0, 43.75, 25.0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["D", "A", "C", "B"]
    assert ax.patches[3].get_linewidth() == 2.0  # B highlighted
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"X", "Y"}
    # Two region colours.
    assert len({p.get_facecolor() for p in ax.patches}) == 2
    assert len(plots.ranking_chart(res, top=2).axes[0].patches) == 2
    assert [t.get_text() for t in plots.ranking_chart(res, note="SIMULATED data").texts] == ["SIMULATED data"]
    assert plots.ranking_chart(res).texts == []


def test_profile_chart_three_bars_per_pillar(res: ci.Result) -> None:
    fig = plots.profile_chart(res, "B", group="region")
    ax = fig.axes[0]
    assert len(ax.patches) == 3 * 2  # unit, group mean, group leader for P1 and P2
    # B: P1 37.5, P2 12.5; mean of X: (50+37.5)/2, (50+12.5)/2; leader A: 50, 50.
    heights = [p.get_height() for p in ax.patches]
    assert heights == [37.5, 12.5, 43.75, 31.25, 50.0, 50.0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[2] == "A, leader of X"
    # A leads X: compared with the national leader D instead.
    fig = plots.profile_chart(res, "A", group="region")
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()][2] == "D, leader of all units"
    # D leads everyone: compared with the runner-up A.
    fig = plots.profile_chart(res, "D")
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()][2] == "A, runner-up"


def test_rank_heatmap_cells(res: ci.Result) -> None:
    fig = plots.rank_heatmap(res)
    img = fig.axes[0].images[0]
    arr = img.get_array()
    assert arr.shape == (4, 4)  # units x indicators
    assert arr[0].tolist() == [1, 3, 1, 2]  # D (ranked first): a 1, b 3, c 1, d 2
    fig = plots.rank_heatmap(res, units=["B", "A"], indicators=["a", "d"])
    assert fig.axes[0].images[0].get_array().shape == (2, 2)


def test_correlation_heatmap_cells(res: ci.Result) -> None:
    fig = plots.correlation_heatmap(res)
    c = fig.axes[0].images[0].get_array()
    assert c.shape == (4, 4)
    assert np.allclose(np.diag(c), 1.0)
    assert c[0, 1] == pytest.approx(-5.0 / 7.0)  # corr(a, b), as in test_analysis
    assert plots.correlation_heatmap(res, nodes="Index").axes[0].images[0].get_array().shape == (2, 2)


def test_pii_charts_render_to_png() -> None:
    res = pii_result(2024)
    fig = plots.ranking_chart(res, group="region", highlight="92", names=pii_names())
    assert len(fig.axes[0].patches) == 63
    png = plots.figure_png(plots.profile_chart(res, "92", group="region", names=pii_names()), dpi=40)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(plots.profile_chart(res, "92").axes[0].patches) == 3 * 7
    assert plots.rank_heatmap(res).axes[0].images[0].get_array().shape == (63, 52)


def test_chart_errors(res: ci.Result) -> None:
    with pytest.raises(ci.SpecError, match="unknown node 'Q'"):
        plots.ranking_chart(res, node="Q")
    with pytest.raises(ci.SpecError, match="'Z' is not among"):
        plots.profile_chart(res, "Z")
    with pytest.raises(ci.SpecError, match="pearson' or 'spearman"):
        plots.correlation_heatmap(res, method="kendall")


# -- layout, notes, names and titles ------------------------------------------------------------------
NOTE = "SIMULATED DATA: invented for this test, not to be cited."
UNIT_NAMES = {"A": "Alpha", "B": "Beta", "C": "Gamma", "D": "Delta"}


def _named_data() -> pd.DataFrame:
    df = small_data()
    df.insert(1, "name", [UNIT_NAMES[u] for u in df.index])
    df.attrs["note"] = NOTE
    return df


@pytest.fixture(scope="module")
def named() -> ci.Result:
    # The small index scored on data that carry unit names and a SIMULATED note in attrs.
    return ci.score(small_framework(), _named_data())


@pytest.fixture(scope="module")
def ua() -> object:
    # Weights ±25 % and arithmetic or geometric means: min-max onto 0-100 puts a 0 in every
    # indicator, which the geometric mean refuses, so every geometric replication fails.
    with pytest.warns(ci.CompindexWarning, match="replications failed"):
        return ci.uncertainty_analysis(small_framework(), _named_data(),
                                       [Weights(spread=0.25), Aggregation(["arithmetic_mean", "geometric_mean"])],
                                       n=64, seed=3)


@pytest.fixture(scope="module")
def sa() -> object:
    return ci.sensitivity_analysis(small_framework(), _named_data(),
                                   [Weights(spread=0.5), Normalization(["min_max", "percentile_rank"])],
                                   n=64, seed=1, n_bootstrap=50)


def _check_layout(fig: Figure, path: Path) -> None:
    # Every legend lies outside its axes' data area and inside the figure; the note (if any) does
    # not touch any axes, tick labels or titles included; the figure saves to PNG.
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    fb = fig.bbox
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is None:
            continue
        lb = leg.get_window_extent(r)
        assert not lb.overlaps(ax.bbox), f"legend {lb} over the data area {ax.bbox}"
        assert fb.x0 - 0.5 <= lb.x0 and lb.x1 <= fb.x1 + 0.5 and fb.y0 - 0.5 <= lb.y0 and lb.y1 <= fb.y1 + 0.5
    for t in fig.texts:
        tb = t.get_window_extent(r)
        assert fb.x0 <= tb.x0 and tb.x1 <= fb.x1 + 0.5 and fb.y0 <= tb.y0
        for ax in fig.axes:
            assert not tb.overlaps(ax.get_tightbbox(r)), "the note overlaps an axes"
    assert legends or not any(ax.get_legend_handles_labels()[0] for ax in fig.axes)
    fig.savefig(path, dpi=80)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _flat(text: str) -> str:
    # A title as one line: titles are wrapped, and "25 %" is written with a no-break space.
    return text.replace("\n", " ").replace("\u00a0", " ")


def _note_of(fig: Figure) -> list[str]:
    # The note is wrapped at spaces: undo the wrapping to compare.
    return [t.get_text().replace("\n", " ") for t in fig.texts]


def test_every_chart_lays_out_outside_the_data(named: ci.Result, ua: object, sa: object, tmp_path: Path) -> None:
    figs = {
        "ranking": plots.ranking_chart(named, group="region", highlight="B", labels="name"),
        "profile": plots.profile_chart(named, "B", group="region", labels="name"),
        "rank_heatmap": plots.rank_heatmap(named, labels="name"),
        "correlation": plots.correlation_heatmap(named, labels="name"),
        "rank_intervals": plots.rank_interval_chart(ua, highlight="C", names=UNIT_NAMES, labels="name"),
        "sensitivity": plots.sensitivity_chart(sa),
    }
    for name, fig in figs.items():
        assert fig.axes[0].get_legend() is not None or name in ("rank_heatmap", "correlation"), name
        _check_layout(fig, tmp_path / f"{name}.png")
    # The PII charts: 63 long province names, 7 regions in the legend.
    res = pii_result(2024)
    _check_layout(plots.ranking_chart(res, group="region", highlight="92", names=pii_names()), tmp_path / "pii_rank.png")
    _check_layout(plots.profile_chart(res, "92", group="region", names=pii_names()), tmp_path / "pii_profile.png")


def test_the_data_note_is_on_every_chart_by_default(named: ci.Result, ua: object, sa: object) -> None:
    assert named.attrs["note"] == NOTE and ua.attrs["note"] == NOTE and sa.attrs["note"] == NOTE
    figs = [plots.ranking_chart(named), plots.profile_chart(named, "A"), plots.rank_heatmap(named),
            plots.correlation_heatmap(named), plots.rank_interval_chart(ua), plots.sensitivity_chart(sa),
            ua.plot(), sa.plot()]
    for fig in figs:
        assert _note_of(fig) == [NOTE]
    # An explicit note wins; "" draws none.
    assert _note_of(plots.rank_interval_chart(ua, note="other")) == ["other"]
    assert plots.sensitivity_chart(sa, note="").texts == []
    assert plots.correlation_heatmap(named, note="").texts == []
    # The PII demonstration data carry the package's SIMULATED label, and so do their charts.
    from compindex.datasets import SIMULATED_NOTE

    res = pii_result(2024)
    assert _note_of(plots.rank_heatmap(res, units=["92", "01"], indicators=["1.1.1"])) == [SIMULATED_NOTE]


def test_names_instead_of_codes(named: ci.Result, ua: object) -> None:
    # Units from the data's `name` column, nodes from the framework's `name` column.
    ax = plots.ranking_chart(named, labels="name").axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Delta", "Alpha", "Gamma", "Beta"]
    ax = plots.rank_heatmap(named, labels="name").axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Delta", "Alpha", "Gamma", "Beta"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Indicator a", "Indicator b", "Indicator c", "Indicator d"]
    ax = plots.correlation_heatmap(named, nodes="Index", labels="name").axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Pillar one", "Pillar two"]
    fig = plots.profile_chart(named, "B", group="region", labels="name")
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["Pillar one", "Pillar two"]
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["Beta", "mean of X", "Alpha, leader of X"]
    # Codes stay the default; a mapping is used as given (codes it lacks stay codes).
    assert [t.get_text() for t in plots.ranking_chart(named).axes[0].get_yticklabels()] == ["D", "A", "C", "B"]
    ax = plots.ranking_chart(named, labels={"D": "dee"}).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["dee", "A", "C", "B"]
    # The uncertainty chart, by nominal rank (D, A, C, B as above).
    ax = plots.rank_interval_chart(ua, names=UNIT_NAMES, labels="name").axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Delta", "Alpha", "Gamma", "Beta"]
    ax = plots.rank_interval_chart(ua, units=["B", "A"]).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]
    with pytest.raises(ci.SpecError, match="labels='name' needs unit names"):
        plots.ranking_chart(small_result(), labels="name")
    # Without names=, the analysed data's `name` column.
    ax = plots.rank_interval_chart(ua, labels="name").axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Delta", "Alpha", "Gamma", "Beta"]
    unnamed = ci.uncertainty_analysis(small_framework(), small_data(), [Weights(spread=0.1)], n=8)
    with pytest.raises(ci.SpecError, match="labels='name' needs unit names"):
        plots.rank_interval_chart(unnamed, labels="name")
    with pytest.raises(ci.SpecError, match="labels must be 'code', 'name' or a mapping"):
        plots.rank_heatmap(named, labels="names")
    with pytest.raises(ci.SpecError, match="unit 'Z' is not among"):
        plots.rank_interval_chart(ua, units=["Z"])


def test_rank_interval_title_says_what_varied(ua: object) -> None:
    # Every replication that chose the geometric mean fails (a 0 in every indicator), so the
    # failures are the geometric-mean replications, counted from the recorded choices.
    n_geo = int((ua.choices["aggregation"] == "geometric_mean").sum())
    assert 0 < n_geo < 64
    title = _flat(plots.rank_interval_chart(ua).axes[0].get_title())
    assert "over 64 replications" in title
    assert f"({n_geo} failed)" in title
    assert "weights ±25 %" in title and "aggregation: arithmetic_mean / geometric_mean" in title
    # The bars span the 5th to 95th percentile rank of the successful replications.
    ax = plots.rank_interval_chart(ua).axes[0]
    seg = ax.collections[0].get_segments()
    ranks = ua.ranks.dropna()
    assert len(ranks) == 64 - n_geo
    assert seg[0][0][0] == pytest.approx(ranks["D"].quantile(0.05)) and seg[0][1][0] == pytest.approx(ranks["D"].quantile(0.95))
    # Nothing failed: the title says 0.
    ok = ci.uncertainty_analysis(small_framework(), small_data(), [Weights(spread=0.1)], n=32)
    title = _flat(ok.plot().axes[0].get_title())
    assert "over 32 replications (0 failed)" in title and "weights ±10 %" in title
    # Drawn into a given axes: the same title, no resizing.
    fig = Figure(figsize=(5, 4))
    ax = fig.add_subplot()
    assert ok.plot(ax=ax) is fig and "(0 failed)" in _flat(ax.get_title())
    assert tuple(fig.get_size_inches()) == (5.0, 4.0)


def test_sensitivity_chart_shows_how_much_the_output_varies(sa: object) -> None:
    y = np.asarray(sa.y, dtype=float)
    assert len(y) == 64 * (2 + 2)
    sd, mean = float(np.std(y, ddof=1)), float(np.mean(y))  # the output's spread, from the runs
    fig = plots.sensitivity_chart(sa)
    ax, ax2 = fig.axes
    title = _flat(ax.get_title())
    assert "mean absolute rank shift" in title and "n = 64 base samples, 256 runs (0 failed)" in title
    assert "weights ±50 %" in title and "normalization: min_max / percentile_rank" in title
    stmt = _flat(ax2.get_title(loc="left"))
    assert f"mean {mean:.2f}, sd {sd:.2f} ranks" in stmt
    # The second panel is the output's histogram: one count per run.
    assert sum(p.get_height() for p in ax2.patches) == len(y)
    assert len(ax.patches) == 2 * 2
    # Below the threshold the chart says that the output barely moves; above it, it does not.
    assert ("barely" in stmt) == (sd < plots.BARELY_MOVES_SD)
    assert "barely" in plots.sensitivity_chart(sa, threshold=sd + 1).axes[1].get_title(loc="left")
    assert "barely" not in plots.sensitivity_chart(sa, threshold=sd / 2).axes[1].get_title(loc="left")
    # Into a given axes: the statement joins the title.
    f = Figure()
    a = f.add_subplot()
    sa.plot(ax=a)
    assert f"sd {sd:.2f} ranks" in _flat(a.get_title()) and len(f.axes) == 1


def test_a_unit_rank_that_barely_moves_is_said_to() -> None:
    # Weights ±1 %: D's rank (1) never changes, so the output has sd 0 and the indices split nothing.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # indices of a zero variance may warn
        sa = ci.sensitivity_analysis(small_framework(), _named_data(), [Weights(spread=0.01)], output="D", n=16,
                                     n_bootstrap=20)
    y = np.asarray(sa.y, dtype=float)
    assert np.std(y) == 0.0 and set(y) == {1.0}
    fig = plots.sensitivity_chart(sa)  # D named from the data's `name` column
    assert "rank of Delta (D)" in _flat(fig.axes[0].get_title())
    assert "rank of Dee (D)" in _flat(plots.sensitivity_chart(sa, names={"D": "Dee"}).axes[0].get_title())
    stmt = _flat(fig.axes[1].get_title(loc="left"))
    assert "ranks barely move: sd 0.00" in stmt
