"""Exchange formats: Excel workbooks and COINr's iMeta/iData tables.

>>> from compindex import exchange
>>> fw, data = exchange.read_workbook("index.xlsx")             # sheets "meta" and "data"
>>> res = compindex.score(fw, data)
>>> exchange.write_results(res, "results.xlsx", unit="U07")     # scores, ranks, the unit's profile
>>> asem = exchange.read_coinr("iMeta.csv", "iData.csv")        # COINr's tables
>>> asem.score(treatment="gii")                                 # or compindex.score(asem.framework, asem.data, groups=asem.groups)

openpyxl is needed for the workbooks only (``pip install compindex[excel]``).
"""

from __future__ import annotations

from ._coinr import CoinrIndex, read_coinr, write_coinr
from ._excel import (FORMULA_PREFIXES, MissingDependency, is_workbook, read_data_sheet, read_meta_sheet, read_workbook,
                     split_sheet, write_results, write_table, write_workbook)

__all__ = ["FORMULA_PREFIXES", "CoinrIndex", "MissingDependency", "is_workbook", "read_coinr", "read_data_sheet",
           "read_meta_sheet", "read_workbook", "split_sheet", "write_coinr", "write_results", "write_table",
           "write_workbook"]
