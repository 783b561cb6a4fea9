#pragma once
/// @file datasets.hpp
/// The embedded default data: Vietnam's Provincial Innovation Index (PII).
///
/// The files of `data/pii/` (the one source of truth, also shipped with the Python package) are
/// compiled into the library as text, so a C++ program needs no data files at run time.
///
/// **Only in the compiled library**: link `compindex::compindex`. The header-only target
/// `compindex::headers` declares these functions but does not define them (the data are
/// generated into a source file of the library at configure time), so using them with it fails
/// at link time.
///
/// **`pii_demo_csv()` and `pii_demo()` are SIMULATED**: every value was invented by
/// `tools/make_pii_demo.py`. They are not PII data and must never be presented as such.

#include "framework.hpp"
#include "pipeline.hpp"

#include <string_view>

namespace compindex::datasets {

/// `data/pii/framework.csv`: one row per node (77 nodes: the index PII, sub-indices IN and OUT,
/// 7 pillars, 15 sub-pillars, 52 indicators), with the columns read_framework() reads and the
/// metadata columns level_name, name_vi, unit, lead_agency, documented, source.
std::string_view pii_framework_csv();

/// `data/pii/provinces.csv`: the 63 provinces of 2023-2024 (code, name, name_vi, region,
/// region_vi, unit_2025, unit_2025_name). Read codes as text: the leading zero matters.
std::string_view pii_provinces_csv();

/// `data/pii/demo_data.csv`, **SIMULATED** indicator values: columns unit, year, then the 52
/// indicator codes; 63 provinces x the years 2023 and 2024.
std::string_view pii_demo_csv();

/// `data/pii/results_published.csv`: published PII scores and ranks (tidy: year, unit,
/// unit_code, component, score, rank, source).
std::string_view pii_published_csv();

/// The PII framework, parsed from pii_framework_csv() with read_framework().
framework pii_framework();

/// One year (2023 or 2024) of the **SIMULATED** demonstration data as a dataset on
/// pii_framework() (63 units, codes as in pii_provinces_csv()).
/// @throws data_error for a year the demonstration data do not have
dataset pii_demo(int year);

}  // namespace compindex::datasets
