"""compindex.plots: each chart returns a Figure with the expected number of bars or cells."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

import compindex as ci
from compindex import plots

from _pii_fixtures import pii_names, pii_result, small_result


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
