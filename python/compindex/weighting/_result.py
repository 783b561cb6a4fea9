"""The result every weighting method returns."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..framework import Framework

__all__ = ["WeightResult"]


@dataclass(frozen=True)
class WeightResult:
    """Weights derived for the children of some aggregates, with the method's diagnostics.

    ``weights`` maps each child code of a weighted aggregate to its weight; the weights of one
    aggregate's children sum to 1. Store them in a framework with :meth:`apply` (as the nominal
    weights, or as a named set to score with ``weights=NAME`` and to vary in uncertainty analysis).
    """

    method: str
    """The method's name, with its parameters (e.g. ``"pca"``, ``"ahp(method=eigenvector)"``)."""
    weights: pd.Series
    """Child code -> weight (index name ``code``), the children of each weighted aggregate."""
    diagnostics: pd.DataFrame
    """One row per weighted aggregate (per aggregate and expert for expert methods)."""
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    """Further tables of the method (loadings, correlations, judgement matrices, ...)."""

    def to_frame(self) -> pd.DataFrame:
        """A tidy table: code, weight."""
        return self.weights.rename("weight").rename_axis("code").reset_index()

    def apply(self, framework: Framework, name: str | None = None) -> Framework:
        """A copy of ``framework`` with these weights: as a named weight set ``name`` (scored with
        ``weights=name``), or, without a name, as the nominal weights. The framework's existing
        named sets are kept.

        Parameters
        ----------
        framework : Framework
            The framework the weights were derived for.
        name : str, optional
            The weight set's name (None: replace the nominal weights).

        Returns
        -------
        Framework
        """
        meta = framework.meta.reset_index()
        if name is None:
            meta["weight"] = [float(self.weights.get(c, w)) for c, w in zip(meta["code"], meta["weight"])]
        fw = Framework.from_frame(meta)
        for s in framework.weight_sets:
            fw.add_weight_set(s, framework.weight_set(s).to_dict())
        if name is not None:
            fw.add_weight_set(name, {str(k): float(v) for k, v in self.weights.items()})
        return fw
