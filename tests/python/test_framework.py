"""compindex.Framework: building from a table, a CSV file or node dicts, and every error path."""

from __future__ import annotations

import math
import pickle
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import pytest

import compindex as ci

# Effective weights of the conftest framework, by hand: each node's weight divided by the sum of
# its siblings' weights, multiplied down the path from the root.
#   P1, P2, P3:          1/3 each
#   S11 = 1/3 * 1/(1+2)  = 1/9      S12 = 1/3 * 2/(1+2) = 2/9
#   S21, S22, S31, S32:  1/3 * 1/2  = 1/6 each
#   i01, i02 = 1/9 * 1/2 = 1/18     i03 = 2/9 * 1/1.5 = 4/27     i04 = 2/9 * 0.5/1.5 = 2/27
#   i05 .. i12:          1/6 * 1/2  = 1/12 each
EFFECTIVE = {"Index": 1.0, "P1": 1 / 3, "P2": 1 / 3, "P3": 1 / 3, "S11": 1 / 9, "S12": 2 / 9, "S21": 1 / 6,
             "S22": 1 / 6, "S31": 1 / 6, "S32": 1 / 6, "i01": 1 / 18, "i02": 1 / 18, "i03": 4 / 27, "i04": 2 / 27,
             **{f"i{j:02d}": 1 / 12 for j in range(5, 13)}}
CODES = ["Index", "P1", "P2", "P3", "S11", "S12", "S21", "S22", "S31", "S32"] + [f"i{j:02d}" for j in range(1, 13)]


def small(**columns: list[Any]) -> pd.DataFrame:
    """Index -> P1 -> (a, b): four rows, with any column replaced or added."""
    base: dict[str, list[Any]] = {"code": ["Index", "P1", "a", "b"], "parent": ["", "Index", "P1", "P1"]}
    base.update(columns)
    return pd.DataFrame(base)


def check_error(exc: pytest.ExceptionInfo[ci.Error], kind: type[ci.Error]) -> None:
    """Every error is a compindex.Error of the given kind and a ValueError."""
    assert isinstance(exc.value, kind)
    assert isinstance(exc.value, ci.Error)
    assert isinstance(exc.value, ValueError)


# -- round trips ---------------------------------------------------------------------------------
def check_small_framework(fw: ci.Framework) -> None:
    assert fw.codes == CODES
    assert fw.indicators == [f"i{j:02d}" for j in range(1, 13)]
    assert fw.aggregates == CODES[:10]
    assert fw.root == "Index"
    assert len(fw) == 22
    assert fw.levels.to_dict() == {"Index": 4, "P1": 3, "P2": 3, "P3": 3, **{c: 2 for c in CODES[4:10]},
                                   **{c: 1 for c in CODES[10:]}}
    assert fw.parents["Index"] == ""
    assert fw.parents["P2"] == "Index"
    assert fw.parents["S12"] == "P1"
    assert fw.parents["i05"] == "S21"
    assert fw.names["P1"] == "Economy"
    assert fw.names["i12"] == "Indicator 12"
    assert fw.directions["i05"] == -1
    assert (fw.directions.drop("i05") == 1).all()
    assert fw.weights["S12"] == 2.0
    assert fw.weights["i04"] == 0.5
    assert fw.weights.drop(["S12", "i04"]).eq(1.0).all()
    eff = fw.effective_weights()
    assert list(eff.index) == CODES
    for code, w in EFFECTIVE.items():
        assert eff[code] == pytest.approx(w), code
    assert eff[fw.indicators].sum() == pytest.approx(1.0)
    assert fw.children("P1") == ["S11", "S12"]
    assert fw.ancestors("i05") == ["S21", "P2", "Index"]
    assert fw.descendant_indicators("P1") == ["i01", "i02", "i03", "i04"]
    assert fw.descendant_indicators("i07") == ["i07"]
    assert fw.is_indicator("i01") and not fw.is_indicator("S11")
    assert fw.level_of("S32") == 2
    # The extra column is kept as metadata.
    assert fw.column("source")["i01"] == "WB"
    assert fw.column("source")["i02"] == "UN"


def test_from_frame(framework: ci.Framework) -> None:
    check_small_framework(framework)
    assert repr(framework) == "Framework(root='Index', 12 indicators, 10 aggregates, 4 levels)"


def test_from_csv(write_csv: Callable[[str, Any], Path], meta: pd.DataFrame) -> None:
    fw = ci.Framework.from_csv(write_csv("meta.csv", meta))
    check_small_framework(fw)


def test_from_csv_accepts_a_path_string(write_csv: Callable[[str, Any], Path], meta: pd.DataFrame) -> None:
    fw = ci.Framework.from_csv(str(write_csv("meta.csv", meta)))
    assert fw.codes == CODES


def test_from_nodes(meta: pd.DataFrame) -> None:
    fw = ci.Framework.from_nodes(meta.to_dict("records"))
    check_small_framework(fw)


def test_from_nodes_with_defaults() -> None:
    # Only code and parent given: weight 1, direction 1, the name is the code.
    fw = ci.Framework.from_nodes([{"code": "Index"}, {"code": "x", "parent": "Index"}, {"code": "y", "parent": "Index"}])
    assert fw.codes == ["Index", "x", "y"]
    assert fw.weights.tolist() == [1.0, 1.0, 1.0]
    assert fw.directions.tolist() == [1, 1, 1]
    assert fw.names.tolist() == ["Index", "x", "y"]
    assert fw.effective_weights().tolist() == [1.0, 0.5, 0.5]


def test_indicator_order_follows_the_table() -> None:
    # Indicators listed before their parents and out of alphabetical order keep the table order.
    fw = ci.Framework.from_frame(pd.DataFrame({"code": ["z", "a", "m", "Index", "P"],
                                               "parent": ["P", "Index", "P", "", "Index"]}))
    assert fw.codes == ["z", "a", "m", "Index", "P"]
    assert fw.indicators == ["z", "a", "m"]
    assert fw.aggregates == ["Index", "P"]
    assert fw.levels.to_dict() == {"z": 1, "a": 1, "m": 1, "Index": 3, "P": 2}


def test_unbalanced_tree_levels() -> None:
    # A level counts from 1 at the indicators: one more than the highest child.
    fw = ci.Framework.from_frame(small(code=["Index", "P1", "a", "b"], parent=["", "Index", "P1", "Index"]))
    assert fw.levels.to_dict() == {"Index": 3, "P1": 2, "a": 1, "b": 1}


def test_extra_metadata_columns_are_kept(meta: pd.DataFrame) -> None:
    meta["agency"] = [f"agency {k}" for k in range(len(meta))]
    meta["year"] = 2024
    fw = ci.Framework.from_frame(meta)
    assert fw.meta.loc["i03", "agency"] == "agency 12"
    assert fw.meta.loc["i03", "year"] == 2024
    assert fw.column("agency").index.tolist() == CODES
    table = fw.to_frame()
    assert {"agency", "year", "source", "level", "effective_weight"} <= set(table.columns)
    assert table.loc["i04", "effective_weight"] == pytest.approx(2 / 27)
    assert table.loc["Index", "level"] == 4
    with pytest.raises(ci.SpecError, match="no column 'nope'") as info:
        fw.column("nope")
    check_error(info, ci.SpecError)


def test_column_names_are_stripped() -> None:
    fw = ci.Framework.from_frame(pd.DataFrame({" code ": ["Index", "a", "b"], "parent ": ["", "Index", "Index"]}))
    assert fw.codes == ["Index", "a", "b"]


def test_directions_and_weights_as_text(write_csv: Callable[[str, Any], Path]) -> None:
    path = write_csv("m.csv", "code,parent,weight,direction\nIndex,,,\na,Index,2.5,-1\nb,Index,,1\n")
    fw = ci.Framework.from_csv(path)
    assert fw.weights.tolist() == [1.0, 2.5, 1.0]  # empty cells: weight 1
    assert fw.directions.tolist() == [1, -1, 1]
    assert fw.effective_weights().tolist() == pytest.approx([1.0, 2.5 / 3.5, 1 / 3.5])


def test_goalposts_and_target_columns() -> None:
    fw = ci.Framework.from_frame(small(lower=[np.nan, np.nan, 0.0, 10.0], upper=[np.nan, np.nan, 100.0, 20.0],
                                       target=[np.nan, np.nan, 80.0, np.nan]))
    assert fw.column("lower")[["a", "b"]].tolist() == [0.0, 10.0]
    assert fw.column("upper")[["a", "b"]].tolist() == [100.0, 20.0]
    assert fw.column("target")["a"] == 80.0 and math.isnan(fw.column("target")["b"])
    # The goalposts reach the core: a = 50 scores (50 - 0)/(100 - 0) = 50; b = 15 scores 50 too.
    res = ci.score(fw, pd.DataFrame({"unit": ["u1", "u2"], "a": [50.0, 100.0], "b": [15.0, 20.0]}),
                   normalization="goalposts")
    assert res.scores.loc["u1", ["a", "b"]].tolist() == [50.0, 50.0]


# -- weight sets ---------------------------------------------------------------------------------
def test_weight_sets(framework: ci.Framework) -> None:
    assert framework.weight_sets == []
    framework.add_weight_set("economy", {"P1": 2.0, "i04": 1.0})
    framework.add_weight_set("flat", {"S12": 1.0})
    assert framework.weight_sets == ["economy", "flat"]
    w = framework.weight_set("economy")
    assert w["P1"] == 2.0 and w["i04"] == 1.0 and w["S12"] == 2.0 and w["P2"] == 1.0
    # Nominal weights are unchanged.
    assert framework.weights["P1"] == 1.0
    # By hand: P1 = 2/(2+1+1) = 1/2; S12 = 1/2 * 2/3 = 1/3; i03 = i04 = 1/3 * 1/2 = 1/6.
    eff = framework.effective_weights("economy")
    assert eff["P1"] == pytest.approx(0.5)
    assert eff["P2"] == pytest.approx(0.25)
    assert eff["i03"] == pytest.approx(1 / 6)
    assert eff["i04"] == pytest.approx(1 / 6)
    # "flat": S11 = S12 = 1/6, i03 = 1/6 * 1/1.5.
    assert framework.effective_weights("flat")["i03"] == pytest.approx(1 / 9)


def test_effective_weights_with_overrides(framework: ci.Framework) -> None:
    # A dict overrides single nominal weights: P3 = 0 leaves P1 and P2 with 1/2 each.
    eff = framework.effective_weights({"P3": 0.0})
    assert eff["P1"] == pytest.approx(0.5)
    assert eff["P3"] == 0.0
    assert eff["i12"] == 0.0
    assert eff["i05"] == pytest.approx(0.125)
    # A Series works too.
    series = framework.weights.copy()
    series["P3"] = 0.0
    assert framework.effective_weights(series).equals(eff)


def test_weight_set_errors(framework: ci.Framework) -> None:
    with pytest.raises(ci.SpecError, match="unknown weight set 'nope'") as info:
        framework.weight_set("nope")
    check_error(info, ci.SpecError)
    with pytest.raises(ci.SpecError, match="weight set 'bad': unknown node code 'zz'") as info:
        framework.add_weight_set("bad", {"zz": 1.0})
    check_error(info, ci.SpecError)
    with pytest.raises(ci.SpecError, match="node 'i01': weight must be a finite non-negative number, got -1"):
        framework.add_weight_set("neg", {"i01": -1.0})
    with pytest.raises(ci.SpecError, match="aggregate 'S11': the weights of its children sum to zero"):
        framework.add_weight_set("zero", {"i01": 0.0, "i02": 0.0})
    with pytest.raises(ci.SpecError, match="weights: unknown node 'zz'"):
        framework.effective_weights({"zz": 1.0})
    assert framework.weight_sets == []


# -- per-node method columns -----------------------------------------------------------------------
def test_method_columns_are_validated_and_kept() -> None:
    fw = ci.Framework.from_frame(small(aggregation=["generalized_mean(p=0.5)", "geometric_mean", "", ""],
                                       normalization=["", "", "z_score(mean=100, sd=10)", "rank"],
                                       transform=["", "", "log", ""]))
    assert fw.method_cells("aggregation") == {"Index": "generalized_mean(p=0.5)", "P1": "geometric_mean"}
    assert fw.method_cells("normalization") == {"a": "z_score(mean=100, sd=10)", "b": "rank"}
    assert fw.method_cells("transform") == {"a": "log"}
    assert fw.method_cells("denominator") == {}


@pytest.mark.parametrize(("column", "cells", "message"), [
    ("aggregation", ["", "foo", "", ""], r"metadata, row 2, column 'aggregation': unknown method 'foo'"),
    ("aggregation", ["", "", "geometric_mean", ""],
     r"metadata, row 3, column 'aggregation': aggregation 'geometric_mean' is given for 'a', which is not an aggregate"),
    ("aggregation", ["", "generalized_mean(q=2)", "", ""], r"row 2, column 'aggregation': bad parameters for 'generalized_mean'"),
    ("aggregation", ["", "geometric_mean(", "", ""], r"row 2, column 'aggregation': cannot read the method"),
    ("normalization", ["", "", "", "zz"], r"metadata, row 4, column 'normalization': unknown method 'zz'"),
    ("normalization", ["", "z_score", "", ""],
     r"metadata, row 2, column 'normalization': normalization 'z_score' is given for 'P1', which is not an indicator"),
    ("transform", ["", "", "bogus", ""], r"metadata, row 3, column 'transform': unknown method 'bogus'"),
    ("denominator", ["", "pop", "", ""], r"metadata, row 2, column 'denominator': 'P1' is not an indicator"),
])
def test_method_column_errors(column: str, cells: list[str], message: str) -> None:
    with pytest.raises(ci.SpecError, match=message) as info:
        ci.Framework.from_frame(small(**{column: cells}))
    check_error(info, ci.SpecError)


def test_method_column_errors_in_csv_count_the_header(write_csv: Callable[[str, Any], Path]) -> None:
    path = write_csv("m.csv", "code,parent,aggregation\nIndex,,\nP1,Index,foo\na,P1,\nb,P1,\n")
    with pytest.raises(ci.SpecError, match=r"m\.csv, row 3, column 'aggregation': unknown method 'foo'"):
        ci.Framework.from_csv(path)


def test_coverage_column_must_be_numbers() -> None:
    with pytest.raises(ci.DataError, match=r"row 2, column 'coverage': 'most' is not a number") as info:
        ci.Framework.from_frame(small(coverage=["", "most", "", ""]))
    check_error(info, ci.DataError)


# -- pickling ------------------------------------------------------------------------------------
def test_pickle_round_trip(framework: ci.Framework, data: pd.DataFrame) -> None:
    framework.add_weight_set("economy", {"P1": 2.0})
    copy = pickle.loads(pickle.dumps(framework))
    assert isinstance(copy, ci.Framework)
    assert copy.codes == framework.codes
    assert copy.indicators == framework.indicators
    assert copy.levels.equals(framework.levels)
    assert copy.parents.equals(framework.parents)
    assert copy.names.equals(framework.names)
    assert copy.directions.equals(framework.directions)
    assert copy.weights.equals(framework.weights)
    assert copy.weight_sets == ["economy"]
    assert copy.effective_weights("economy").equals(framework.effective_weights("economy"))
    assert copy.meta.equals(framework.meta)
    a = ci.score(framework, data, weights="economy")
    b = ci.score(copy, data, weights="economy")
    pd.testing.assert_frame_equal(a.scores, b.scores)


def test_pickle_keeps_goalposts() -> None:
    fw = ci.Framework.from_frame(small(lower=[np.nan, np.nan, 0.0, 1.0], upper=[np.nan, np.nan, 10.0, 2.0]))
    copy = pickle.loads(pickle.dumps(fw))
    data = pd.DataFrame({"unit": ["u1", "u2"], "a": [5.0, 10.0], "b": [1.5, 2.0]})
    # a = 5 on 0..10 and b = 1.5 on 1..2 both score 50.
    assert ci.score(copy, data, normalization="goalposts").scores.loc["u1", ["a", "b"]].tolist() == [50.0, 50.0]


# -- error paths -------------------------------------------------------------------------------------
def test_duplicate_codes() -> None:
    with pytest.raises(ci.SpecError, match=r"duplicate code 'a' \(rows 3 and 4\)") as info:
        ci.Framework.from_frame(small(code=["Index", "P1", "a", "a"]))
    check_error(info, ci.SpecError)


def test_duplicate_codes_in_csv_name_the_csv_rows(write_csv: Callable[[str, Any], Path]) -> None:
    path = write_csv("m.csv", "code,parent\nIndex,\nP1,Index\na,P1\na,P1\n")
    with pytest.raises(ci.SpecError, match=r"duplicate code 'a' \(rows 4 and 5\)"):
        ci.Framework.from_csv(path)


def test_empty_code_names_its_row() -> None:
    with pytest.raises(ci.SpecError, match=r"metadata, row 3, column 'code': empty code") as info:
        ci.Framework.from_frame(small(code=["Index", "P1", "", "b"]))
    check_error(info, ci.SpecError)


def test_empty_code_in_csv_names_the_file_row(write_csv: Callable[[str, Any], Path]) -> None:
    path = write_csv("m.csv", "code,parent\nIndex,\nP1,Index\n,P1\nb,P1\n")
    with pytest.raises(ci.SpecError, match=r"m\.csv, row 4, column 'code': empty code"):
        ci.Framework.from_csv(path)


def test_unknown_parent() -> None:
    with pytest.raises(ci.SpecError, match=r"node 'a': unknown parent 'P9'") as info:
        ci.Framework.from_frame(small(parent=["", "Index", "P9", "P1"]))
    check_error(info, ci.SpecError)


def test_cycle() -> None:
    nodes = small(code=["Index", "P1", "a", "x", "y"], parent=["", "Index", "P1", "y", "x"])
    with pytest.raises(ci.SpecError, match=r"cycle through node 'x'") as info:
        ci.Framework.from_frame(nodes)
    check_error(info, ci.SpecError)


def test_own_parent() -> None:
    with pytest.raises(ci.SpecError, match=r"node 'a' is its own parent") as info:
        ci.Framework.from_frame(small(parent=["", "Index", "a", "P1"]))
    check_error(info, ci.SpecError)


def test_two_roots() -> None:
    with pytest.raises(ci.SpecError, match=r"more than one root \('Index', 'P1'\)") as info:
        ci.Framework.from_frame(small(parent=["", "", "P1", "P1"]))
    check_error(info, ci.SpecError)


def test_no_root() -> None:
    with pytest.raises(ci.SpecError, match=r"cycle through node") as info:
        ci.Framework.from_frame(pd.DataFrame({"code": ["a", "b"], "parent": ["b", "a"]}))
    check_error(info, ci.SpecError)


def test_aggregate_without_children() -> None:
    with pytest.raises(ci.SpecError, match=r"aggregate 'b' has no children") as info:
        ci.Framework.from_frame(small(kind=["", "aggregate", "", "aggregate"]))
    check_error(info, ci.SpecError)


def test_indicator_with_children() -> None:
    with pytest.raises(ci.SpecError, match=r"indicator 'P1' has children \('a', ...\)") as info:
        ci.Framework.from_frame(small(kind=["", "indicator", "", ""]))
    check_error(info, ci.SpecError)


def test_bad_kind() -> None:
    with pytest.raises(ci.SpecError, match=r"row 2, column 'kind': kind must be 'indicator' or 'aggregate', got 'leaf'") as info:
        ci.Framework.from_frame(small(kind=["", "leaf", "", ""]))
    check_error(info, ci.SpecError)


def test_negative_weight() -> None:
    with pytest.raises(ci.SpecError, match=r"node 'a': weight must be a finite non-negative number, got -1") as info:
        ci.Framework.from_frame(small(weight=[1, 1, -1, 1]))
    check_error(info, ci.SpecError)


def test_negative_weight_names_row_and_column() -> None:
    with pytest.raises(ci.Error, match=r"metadata, row 3, column 'weight'"):
        ci.Framework.from_frame(small(weight=[1, 1, -1, 1]))


def test_text_weight_names_row_and_column() -> None:
    with pytest.raises(ci.DataError, match=r"metadata, row 3, column 'weight': 'heavy' is not a number") as info:
        ci.Framework.from_frame(small(weight=[1, 1, "heavy", 1]))
    check_error(info, ci.DataError)


def test_decimal_comma_weight() -> None:
    with pytest.raises(ci.DataError, match=r"row 3, column 'weight': '0,5' uses a decimal comma; write 0.5") as info:
        ci.Framework.from_frame(small(weight=["1", "1", "0,5", "1"]))
    check_error(info, ci.DataError)


def test_infinite_weight() -> None:
    with pytest.raises(ci.DataError, match=r"row 3, column 'weight': .*is infinite") as info:
        ci.Framework.from_frame(small(weight=[1, 1, np.inf, 1]))
    check_error(info, ci.DataError)


def test_text_weight_in_csv_names_file_row_and_column(write_csv: Callable[[str, Any], Path]) -> None:
    path = write_csv("m.csv", "code,parent,weight\nIndex,,\nP1,Index,\na,P1,heavy\nb,P1,1\n")
    with pytest.raises(ci.DataError, match=r"m\.csv, row 4, column 'weight': 'heavy' is not a number"):
        ci.Framework.from_csv(path)


def test_missing_weight_cell_is_one() -> None:
    # An empty cell (NaN in a DataFrame) means the default weight 1.
    fw = ci.Framework.from_frame(small(weight=[1, 1, np.nan, 3]))
    assert fw.weights.tolist() == [1.0, 1.0, 1.0, 3.0]


def test_nan_weight_in_csv_is_an_error(write_csv: Callable[[str, Any], Path]) -> None:
    path = write_csv("m.csv", "code,parent,weight\nIndex,,\nP1,Index,\na,P1,NaN\nb,P1,3\n")
    with pytest.raises(ci.Error, match=r"m\.csv, row 4, column 'weight'"):
        ci.Framework.from_csv(path)


def test_all_zero_sibling_weights() -> None:
    with pytest.raises(ci.SpecError, match=r"aggregate 'P1': the weights of its children sum to zero") as info:
        ci.Framework.from_frame(small(weight=[1, 1, 0, 0]))
    check_error(info, ci.SpecError)


@pytest.mark.parametrize("direction", [2, 0, "up"])
def test_bad_direction(direction: Any) -> None:
    with pytest.raises(ci.Error, match=r"metadata, row 3, column 'direction'") as info:
        ci.Framework.from_frame(small(direction=[1, 1, direction, 1]))
    assert isinstance(info.value, ValueError)


def test_direction_two_message() -> None:
    with pytest.raises(ci.SpecError, match=r"row 3, column 'direction': direction must be 1 or -1, got 2") as info:
        ci.Framework.from_frame(small(direction=[1, 1, 2, 1]))
    check_error(info, ci.SpecError)


@pytest.mark.parametrize(("lower", "upper"), [(5.0, 5.0), (10.0, 2.0)])
def test_lower_not_below_upper(lower: float, upper: float) -> None:
    with pytest.raises(ci.SpecError, match=rf"node 'a': goalposts need lower < upper, got lower {lower:g} and upper {upper:g}") as info:
        ci.Framework.from_frame(small(lower=[np.nan, np.nan, lower, np.nan], upper=[np.nan, np.nan, upper, np.nan]))
    check_error(info, ci.SpecError)


def test_text_goalpost() -> None:
    with pytest.raises(ci.DataError, match=r"row 4, column 'upper': 'ten' is not a number") as info:
        ci.Framework.from_frame(small(upper=["", "", "", "ten"]))
    check_error(info, ci.DataError)


def test_no_code_column() -> None:
    with pytest.raises(ci.SpecError, match=r"metadata: no 'code' column \(columns are id, parent\)") as info:
        ci.Framework.from_frame(pd.DataFrame({"id": ["a"], "parent": [""]}))
    check_error(info, ci.SpecError)


def test_not_a_data_frame() -> None:
    with pytest.raises(ci.SpecError, match=r"metadata: expected a DataFrame, got list") as info:
        ci.Framework.from_frame([{"code": "Index"}])  # type: ignore[arg-type]
    check_error(info, ci.SpecError)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.csv"
    with pytest.raises(ci.DataError, match=r"absent\.csv: no such file") as info:
        ci.Framework.from_csv(path)
    check_error(info, ci.DataError)


def test_empty_file(write_csv: Callable[[str, Any], Path]) -> None:
    with pytest.raises(ci.DataError, match=r"empty\.csv: cannot read it as CSV") as info:
        ci.Framework.from_csv(write_csv("empty.csv", ""))
    check_error(info, ci.DataError)


def test_unknown_code_lookups(framework: ci.Framework) -> None:
    with pytest.raises(ci.SpecError, match=r"unknown node code 'zz'") as info:
        framework.children("zz")
    check_error(info, ci.SpecError)
