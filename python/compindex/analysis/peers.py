"""Peer groups: clusters of units on their pillar profiles (Ward's hierarchical clustering or
k-means), and the units most similar to one unit, for benchmarking against comparable units.
Formulas and sources: ``docs/regional.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from ..errors import DataError, SpecError
from ..pipeline import Result
from ._common import _check_node, _check_unit, pillars

METHODS = ("ward", "kmeans")


def _profile_nodes(result: Result, node: str | None, nodes: Sequence[str] | None) -> tuple[str, list[str]]:
    fw = result.framework
    if nodes is not None:
        codes = [_check_node(fw, c) for c in nodes]
        if not codes:
            raise SpecError("nodes= is empty")
        return _check_node(fw, node), codes
    if node is None:
        return fw.root, pillars(fw)
    node = _check_node(fw, node)
    kids = fw.children(node)
    if not kids:
        raise SpecError(f"node {node!r} is an indicator: it has no children to make a profile of")
    return node, kids


def _profiles(result: Result, codes: list[str], where: str) -> pd.DataFrame:
    prof = result.scores[codes].astype(float)
    miss = prof.isna().any(axis=1)
    if miss.any():
        u = prof.index[miss.to_numpy()][0]
        c = [k for k in codes if pd.isna(prof.at[u, k])][0]
        raise DataError(f"{where}: unit {u!r} has no {c!r} score; a profile needs every score "
                        f"({int(miss.sum())} unit(s) incomplete)")
    return prof


def _standardized(prof: pd.DataFrame, standardize: bool) -> np.ndarray:
    m = prof.to_numpy(dtype=float)
    if not standardize:
        return m
    sd = m.std(axis=0, ddof=0)
    sd[sd == 0] = 1.0  # a constant column stays 0 after centring
    return (m - m.mean(axis=0)) / sd


@dataclass(frozen=True)
class PeerGroups:
    """Clusters of units on their profiles (from :func:`peer_groups`).

    Attributes
    ----------
    clusters
        One row per unit: ``cluster`` (1 = the cluster with the highest mean score at ``node``),
        ``score`` and ``rank`` at ``node``, then the profile scores.
    profiles
        Clusters x profile nodes: the mean scores of the cluster's units (on the original
        scale), with ``size`` and ``mean_score`` (at ``node``) first.
    sizes
        Units per cluster.
    method, k, node, nodes, standardized
        How the clusters were made: ``ward`` or ``kmeans``, the number of clusters, the node
        whose children form the profile, the profile nodes, whether they were standardized.
    linkage
        Ward: the scipy linkage matrix (for :func:`compindex.plots.dendrogram_chart`); k-means: None.
    inertia
        The within-cluster sum of squares on the (standardized) profiles.
    """

    clusters: pd.DataFrame
    profiles: pd.DataFrame
    sizes: pd.Series
    method: str
    k: int
    node: str
    nodes: list[str]
    standardized: bool
    linkage: np.ndarray | None
    inertia: float

    def members(self, cluster: int) -> list[str]:
        """The units of one cluster.

        Parameters
        ----------
        cluster
            A cluster number (1..k).

        Returns
        -------
        list of str
        """
        if int(cluster) not in self.sizes.index:
            raise SpecError(f"no cluster {cluster!r} (clusters 1..{self.k})")
        return list(self.clusters.index[self.clusters["cluster"] == int(cluster)])


def peer_groups(result: Result, k: int = 4, *, method: str = "ward", node: str | None = None,
                nodes: Sequence[str] | None = None, standardize: bool = False, seed: int = 0,
                n_init: int = 10) -> PeerGroups:
    """Clusters of units with similar profiles (the scores of the children of ``node``, default
    the pillars), for choosing comparable peers.

    ``method="ward"``: agglomerative clustering with Ward's (1963) minimum-variance linkage on
    Euclidean distances (``scipy.cluster.hierarchy.linkage``), cut into ``k`` clusters
    (``fcluster(..., criterion="maxclust")``). ``method="kmeans"``: Lloyd's algorithm (k-means,
    MacQueen 1967) with k-means++ starts, ``n_init`` runs from ``seed`` keeping the best
    (scikit-learn's ``KMeans``; needs scikit-learn). Clusters are numbered by their mean score at
    ``node``, 1 the highest.

    Parameters
    ----------
    result
        A scored :class:`compindex.Result`.
    k
        The number of clusters (2 .. number of units - 1).
    method
        ``"ward"`` (default) or ``"kmeans"``.
    node
        The node whose children make the profile; default: the root, with the pillars as profile.
    nodes
        The profile nodes explicitly (overrides the children of ``node``).
    standardize
        Standardize each profile column (mean 0, population standard deviation 1) before
        clustering; default False (scores already share one scale, e.g. 0-100).
    seed
        The random seed of k-means.
    n_init
        The number of k-means runs.

    Returns
    -------
    PeerGroups

    Raises
    ------
    DataError
        A unit without a score on a profile node, fewer than 3 units.
    SpecError
        An unknown method or node, ``k`` out of range.
    """
    where = "peer_groups"
    if method not in METHODS:
        from .._methods import did_you_mean

        raise SpecError(f"{where}: method must be one of {', '.join(METHODS)}, got {method!r}{did_you_mean(str(method), METHODS)}")
    node, codes = _profile_nodes(result, node, nodes)
    prof = _profiles(result, codes, where)
    n = len(prof)
    if n < 3:
        raise DataError(f"{where}: {n} unit(s); clustering needs at least 3")
    k = int(k)
    if not 2 <= k < n:
        raise SpecError(f"{where}: k must be between 2 and the number of units minus 1 ({n - 1}), got {k}")
    Z = _standardized(prof, standardize)
    link = None
    if method == "ward":
        from scipy.cluster.hierarchy import fcluster, linkage

        link = linkage(Z, method="ward", metric="euclidean")
        raw = fcluster(link, t=k, criterion="maxclust")
    else:
        try:
            from sklearn.cluster import KMeans
        except ImportError:  # pragma: no cover - depends on the environment
            raise SpecError(f"{where}: method='kmeans' needs scikit-learn (pip install scikit-learn)") from None
        km = KMeans(n_clusters=k, n_init=int(n_init), random_state=int(seed)).fit(Z)
        raw = km.labels_
    score = result.scores[node].reindex(prof.index)
    means = score.groupby(raw).mean().sort_values(ascending=False, kind="stable")
    renumber = {old: i + 1 for i, old in enumerate(means.index)}
    labels = pd.Series([renumber[r] for r in raw], index=prof.index, name="cluster")
    inertia = 0.0
    for c in set(labels):
        pts = Z[(labels == c).to_numpy()]
        inertia += float(((pts - pts.mean(axis=0)) ** 2).sum())
    clusters = pd.DataFrame({"cluster": labels, "score": score,
                             "rank": result.ranks[node].reindex(prof.index)}).join(prof)
    clusters.attrs = dict(result.attrs)
    sizes = labels.value_counts().sort_index()
    sizes.index.name, sizes.name = "cluster", "size"
    profiles = prof.groupby(labels).mean()
    profiles.insert(0, "mean_score", score.groupby(labels).mean())
    profiles.insert(0, "size", sizes)
    return PeerGroups(clusters=clusters, profiles=profiles, sizes=sizes, method=method, k=k, node=node, nodes=codes,
                      standardized=bool(standardize), linkage=link, inertia=inertia)


def most_similar(result: Result, unit: str, n: int = 5, *, node: str | None = None, nodes: Sequence[str] | None = None,
                 metric: str = "euclidean", standardize: bool = False) -> pd.DataFrame:
    """The units whose profiles are closest to one unit's, for benchmarking against comparable
    units (e.g. provinces with a similar pillar profile).

    Parameters
    ----------
    result
        A scored :class:`compindex.Result`.
    unit
        The unit code.
    n
        How many peers (default 5).
    node
        The node whose children make the profile (default the root, with the pillars); the
        peers' ``score`` and ``rank`` are at this node.
    nodes
        The profile nodes explicitly.
    metric
        A distance of ``scipy.spatial.distance.cdist``: ``"euclidean"`` (default),
        ``"cityblock"``, ``"cosine"``, ``"correlation"``, ``"chebyshev"``, ...
    standardize
        Standardize each profile column over all units first (default False).

    Returns
    -------
    DataFrame
        The ``n`` nearest units, nearest first (ties by unit order): ``distance``, ``score``,
        ``rank``, ``score_gap`` (the peer's score minus the unit's at ``node``), then one
        ``gap <node>`` column per profile node (peer minus unit: positive where the peer is
        ahead). ``attrs["unit"]`` is the unit, ``attrs["profile"]`` its profile.

    Raises
    ------
    DataError
        A unit without a score on a profile node.
    SpecError
        An unknown unit, node or metric; ``n`` < 1.
    """
    from scipy.spatial.distance import cdist

    where = "most_similar"
    unit = _check_unit(result, unit)
    node, codes = _profile_nodes(result, node, nodes)
    prof = _profiles(result, codes, where)
    if int(n) < 1:
        raise SpecError(f"{where}: n must be at least 1, got {n!r}")
    Z = _standardized(prof, standardize)
    i = prof.index.get_loc(unit)
    try:
        d = cdist(Z[[i]], Z, metric=metric)[0]
    except ValueError as exc:
        raise SpecError(f"{where}: unknown metric {metric!r} ({exc})") from None
    order = [j for j in np.argsort(d, kind="stable") if j != i][: int(n)]
    peers = prof.index[order]
    score = result.scores[node]
    out = pd.DataFrame({"distance": d[order], "score": score.reindex(peers).to_numpy(),
                        "rank": result.ranks[node].reindex(peers).to_numpy()}, index=pd.Index(peers, name="unit"))
    out["score_gap"] = out["score"] - float(score[unit])
    for c in codes:
        out[f"gap {c}"] = prof.loc[peers, c].to_numpy() - float(prof.at[unit, c])
    out.attrs = dict(result.attrs)
    out.attrs["unit"] = unit
    out.attrs["profile"] = prof.loc[unit]
    out.attrs["node"] = node
    return out
