#pragma once
/// @file io.hpp
/// Reading CSV files for C++ users without pandas: a framework from a metadata table (one row per
/// node) and a dataset from a data table (one row per unit). Every error names the file, the row
/// and the column.

#include "config.hpp"
#include "error.hpp"
#include "framework.hpp"
#include "pipeline.hpp"
#include "types.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace compindex {

/// A parsed CSV table: a header and rows of cells (all rows as long as the header).
struct table {
  std::string source;  ///< file name or "<input>", for messages
  codes header;
  std::vector<codes> rows;

  /// Position of a column, or -1.
  std::ptrdiff_t column(const std::string& name) const;
};

/// Parses CSV text (RFC 4180: quoted fields, doubled quotes, CRLF, LF or a lone CR, a UTF-8
/// byte-order mark). The text must be UTF-8. Blank lines are skipped. Header names lose
/// surrounding spaces and no-break spaces (U+00A0, U+202F). Excel's leftovers are dropped: trailing
/// rows with no value, trailing columns with no name and no value, trailing empty cells beyond
/// the header. (Decimal commas are not read here: see parse_number; the Python reader reads them.)
/// @throws data_error on UTF-16 (with or without its byte-order mark) or bytes that are not UTF-8
///         (naming the byte offset and line, and what to do), an unterminated quote, a row longer
///         or shorter than the header, an empty or duplicate header name
table read_csv(std::istream& in, const std::string& source = "<input>", char delimiter = ',');
/// @throws data_error if the file cannot be opened, and as read_csv
table read_csv_file(const std::string& path, char delimiter = ',');

/// Parses one numeric cell. Empty, "NA", "NaN", "N/A", "n/a", "-", "..", "." mean missing (NaN).
/// @throws data_error naming `where` for text, a decimal comma, or an infinite value
double parse_number(const std::string& cell, const std::string& where);

/// A framework from a metadata table with columns `code` (required), `parent` (empty for the
/// root), `weight` (default 1), `direction` (1 or -1, default 1), `name`, and optional `kind`
/// (indicator/aggregate/ratio), `lower`, `upper`, `target`, and from `aggregation` only a ratio
/// node's declaration `ratio(numerator=OUT, denominator=IN)` (or `ratio(OUT, IN)`). Other columns
/// are ignored here.
framework read_framework(const table& meta);

/// Which columns of a data table are what.
struct data_columns {
  std::string unit = "unit";              ///< the unit-code column
  std::vector<std::string> groups;        ///< unit group columns (text)
  std::vector<std::string> denominators;  ///< denominator columns (numbers)
  std::vector<std::string> ignore;        ///< other columns to skip (names, notes)
};

/// A dataset from a data table: one row per unit, one column per indicator code of the framework.
/// @throws data_error naming the file, row and column for a missing indicator column, an unknown
///         extra column, a duplicate or empty unit code, or a cell that is not a number
dataset read_dataset(const table& data, const framework& fw, const data_columns& columns = {});

}  // namespace compindex

#ifdef COMPINDEX_HEADER_ONLY
#include "impl/io.ipp"
#endif
