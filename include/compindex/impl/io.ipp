#pragma once
// Out-of-line definitions of io.hpp.

#include "../io.hpp"
#include "../detail/format.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <istream>
#include <iterator>
#include <unordered_map>
#include <unordered_set>

namespace compindex {

COMPINDEX_INLINE std::ptrdiff_t table::column(const std::string& name) const {
  auto it = std::find(header.begin(), header.end(), name);
  return it == header.end() ? -1 : it - header.begin();
}

namespace detail {

inline std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

// The length of a no-break space (U+00A0, C2 A0; U+202F, E2 80 AF) at s[i], or 0.
inline std::size_t nbsp_at(const std::string& s, std::size_t i) {
  if (i + 1 < s.size() && s[i] == '\xC2' && s[i + 1] == '\xA0') return 2;
  if (i + 2 < s.size() && s[i] == '\xE2' && s[i + 1] == '\x80' && s[i + 2] == '\xAF') return 3;
  return 0;
}

// A header name without surrounding spaces, tabs and no-break spaces (as the Python reader strips).
inline std::string trim_name(const std::string& s) {
  std::size_t a = 0, b = s.size();
  for (;;) {
    if (a < b && std::isspace(static_cast<unsigned char>(s[a]))) {
      ++a;
    } else if (const std::size_t n = nbsp_at(s, a); n && a + n <= b) {
      a += n;
    } else {
      break;
    }
  }
  for (;;) {
    if (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) {
      --b;
    } else if (b >= a + 2 && nbsp_at(s, b - 2) == 2) {
      b -= 2;
    } else if (b >= a + 3 && nbsp_at(s, b - 3) == 3) {
      b -= 3;
    } else {
      break;
    }
  }
  return s.substr(a, b - a);
}

// The offset of the first byte of `s` that does not start a valid UTF-8 sequence (strict: no
// overlong forms, no surrogates, nothing above U+10FFFF), or npos.
inline std::size_t invalid_utf8(const std::string& s) {
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n) return i;
    const auto c1 = static_cast<unsigned char>(s[i + 1]);
    if (c1 < lo || c1 > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      const auto ck = static_cast<unsigned char>(s[i + k]);
      if (ck < 0x80 || ck > 0xBF) return i;
    }
    i += len;
  }
  return std::string::npos;
}

// The text of a CSV file without its UTF-8 byte-order mark; a data_error for UTF-16 (with or
// without its mark) or bytes that are not UTF-8, naming the byte, the line and what to do.
inline void check_encoding(std::string& text, const std::string& source) {
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  const std::string utf8 = "save it from Excel as 'CSV UTF-8', or convert it (e.g. iconv -f cp1258 -t utf-8)";
  if (text.size() >= 2 && (text.compare(0, 2, "\xFF\xFE") == 0 || text.compare(0, 2, "\xFE\xFF") == 0))
    throw_data(source + ": the file is UTF-16 (it starts with a UTF-16 byte-order mark); the C++ reader reads UTF-8: " +
               "save it from Excel as 'CSV UTF-8', or convert it (e.g. iconv -f utf-16 -t utf-8)");
  const auto nul = text.find('\0');
  if (nul != std::string::npos && nul < 4096)
    throw_data(source + ": byte " + std::to_string(nul) +
               " is a NUL byte: the file looks like UTF-16 without a byte-order mark; the C++ reader reads UTF-8: " +
               "convert it (e.g. iconv -f utf-16le -t utf-8)");
  const auto bad = invalid_utf8(text);
  if (bad != std::string::npos) {
    static const char* const hex = "0123456789ABCDEF";
    const auto b = static_cast<unsigned char>(text[bad]);
    std::size_t line = 1;  // line ends: LF, CRLF or a lone CR
    for (std::size_t i = 0; i < bad; ++i)
      if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) ++line;
    throw_data(source + ": byte " + std::to_string(bad) + " (line " + std::to_string(line) + ") is not UTF-8 (0x" +
               hex[b >> 4] + hex[b & 15] + "): the file was probably saved with a Windows code page (cp1258, cp1252); " + utf8);
  }
}

inline std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// What to write instead of a number with commas: a decimal comma (1,5), commas between thousands
// (1,234.5 or 1,234,567), or dots between thousands with a decimal comma (1.234,5); "1,000" may be
// either. Empty if the text is not such a number.
inline std::string comma_advice(const std::string& s) {
  const std::size_t a = !s.empty() && (s[0] == '+' || s[0] == '-') ? 1 : 0;
  const std::string sign = s.substr(0, a);
  if (s.find(',') == std::string::npos) return {};
  std::vector<std::string> runs(1);  // digit runs, split at each ',' or '.'
  std::string seps;
  for (std::size_t i = a; i < s.size(); ++i) {
    const char c = s[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      runs.back() += c;
    } else if (c == ',' || c == '.') {
      seps += c;
      runs.emplace_back();
    } else {
      return {};
    }
  }
  const std::size_t n = seps.size();
  auto groups_of_3 = [&](std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to; ++k)
      if (runs[k].size() != 3) return false;
    return true;
  };
  auto join = [&](std::size_t to) {
    std::string out;
    for (std::size_t k = 0; k < to; ++k) out += runs[k];
    return out;
  };
  const bool lead = !runs[0].empty() && runs[0].size() <= 3;
  const std::string q = "'" + s + "'";
  // 1.234,5: dots between thousands, then a decimal comma.
  if (n >= 2 && seps.back() == ',' && seps.find_first_not_of('.') == n - 1 && lead && groups_of_3(1, n))
    return q + " uses a decimal comma and dots between thousands; write " + sign + join(n) + "." + runs[n];
  // 1,234 / 1,234,567 / 1,234.5: commas between thousands (then perhaps a decimal point).
  const std::size_t m = std::min(seps.find_first_not_of(','), n);
  if (m >= 1 && (m == n || (m == n - 1 && seps.back() == '.')) && lead && groups_of_3(1, m + 1)) {
    const std::string plain = sign + join(m + 1) + (m == n ? std::string() : "." + runs[n]);
    if (m < n || m > 1) return q + " uses commas between thousands; write " + plain;
    return q + " has a comma: write " + plain + " if it separates thousands, or " + sign + runs[0] + "." + runs[1] +
           " if it is a decimal comma";
  }
  if (n == 1 && !(runs[0].empty() && runs[1].empty()))
    return q + " uses a decimal comma; write numbers with a decimal point (e.g. " + sign + runs[0] + "." + runs[1] + ")";
  return {};
}

inline std::string cell_where(const table& t, std::size_t row, std::size_t col) {
  return t.source + ", row " + std::to_string(row + 2) + ", column '" + t.header[col] + "'";
}

}  // namespace detail

COMPINDEX_INLINE table read_csv(std::istream& in, const std::string& source, char delim) {
  table t;
  t.source = source;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  detail::check_encoding(text, source);
  std::vector<codes> records;
  codes rec;
  std::string field;
  bool quoted = false, field_started = false, was_quoted = false;
  std::size_t line = 1, quote_line = 0;
  auto end_field = [&] {
    rec.push_back(was_quoted ? field : detail::trim(field));
    field.clear();
    field_started = was_quoted = false;
  };
  auto end_record = [&] {
    end_field();
    const bool blank = rec.size() == 1 && rec[0].empty();
    if (!blank) records.push_back(std::move(rec));
    rec.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && !field_started && detail::trim(field).empty()) {
      quoted = was_quoted = field_started = true;
      field.clear();
      quote_line = line;
    } else if (c == delim) {
      end_field();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else if (c == '\n' || c == '\r') {
      end_record();
      ++line;
    } else {
      if (was_quoted && !std::isspace(static_cast<unsigned char>(c)))
        detail::throw_data(source + ", line " + std::to_string(line) + ": text after a closing quote");
      if (!was_quoted) field += c;
      field_started = field_started || !std::isspace(static_cast<unsigned char>(c));
    }
  }
  if (quoted) detail::throw_data(source + ", line " + std::to_string(quote_line) + ": a quoted field is never closed");
  if (!field.empty() || !rec.empty() || was_quoted) end_record();
  if (records.empty()) detail::throw_data(source + ": the file is empty (no header row)");
  t.header = std::move(records.front());
  for (auto& name : t.header) name = detail::trim_name(name);
  // Excel's leftovers: trailing rows with no value (",,,"), then trailing columns with no name
  // and no value (trailing separators).
  auto all_empty = [](const codes& row) {
    return std::all_of(row.begin(), row.end(), [](const std::string& c) { return c.empty(); });
  };
  while (records.size() > 1 && all_empty(records.back())) records.pop_back();
  while (!t.header.empty() && t.header.back().empty()) {
    const std::size_t j = t.header.size() - 1;
    bool values = false;
    for (std::size_t r = 1; r < records.size() && !values; ++r) values = j < records[r].size() && !records[r][j].empty();
    if (values) break;
    t.header.pop_back();
  }
  std::unordered_set<std::string> seen;
  for (std::size_t j = 0; j < t.header.size(); ++j) {
    if (t.header[j].empty()) detail::throw_data(source + ": header column " + std::to_string(j + 1) + " has no name");
    if (!seen.insert(t.header[j]).second) detail::throw_data(source + ": duplicate column '" + t.header[j] + "' in the header");
  }
  for (std::size_t r = 1; r < records.size(); ++r) {
    auto& row = records[r];
    // Trailing empty cells beyond the header (a common spreadsheet artefact) are dropped.
    while (row.size() > t.header.size() && row.back().empty()) row.pop_back();
    if (row.size() != t.header.size())
      detail::throw_data(source + ", row " + std::to_string(r + 1) + ": " + std::to_string(row.size()) + " cells, but the header has " +
                         std::to_string(t.header.size()) + " columns");
    t.rows.push_back(std::move(row));
  }
  return t;
}

COMPINDEX_INLINE table read_csv_file(const std::string& path, char delim) {
  std::ifstream f(path, std::ios::binary);
  if (!f) detail::throw_data(path + ": cannot open the file");
  return read_csv(f, path, delim);
}

COMPINDEX_INLINE double parse_number(const std::string& raw, const std::string& where) {
  const std::string s = detail::trim(raw);
  static const char* const missing[] = {"", "na", "nan", "n/a", "-", "..", ".", "null", "none", "#n/a"};
  const std::string l = detail::lower(s);
  for (auto* m : missing)
    if (l == m) return nan;
  const char* b = s.c_str();
  char* e = nullptr;
  errno = 0;
  const double v = std::strtod(b, &e);
  // strtod also reads hexadecimal ("0x1p3"), which Python's float() and spreadsheets do not.
  if (e == b || *e != '\0' || s.find_first_of("xX") != std::string::npos) {
    const std::string advice = detail::comma_advice(s);
    detail::throw_data(where + ": " + (advice.empty() ? "'" + s + "' is not a number" : advice));
  }
  if (std::isinf(v)) detail::throw_data(where + ": '" + s + "' is infinite");
  if (std::isnan(v)) return nan;
  return v;
}

namespace detail {
// An `aggregation` cell "ratio(numerator=OUT, denominator=IN)" (or "ratio(OUT, IN)"): fills the
// node's operands and returns true; false for any other cell.
inline bool read_ratio_cell(const std::string& raw, node& nd, const std::string& where) {
  const std::string t = trim(raw);
  if (lower(t.substr(0, 5)) != "ratio") return false;
  std::size_t open = t.find_first_not_of(" \t", 5);
  if (open == std::string::npos || t[open] != '(' || t.back() != ')') return false;
  const std::string inner = t.substr(open + 1, t.size() - open - 2);
  std::vector<std::string> args;
  if (!trim(inner).empty()) {
    std::size_t start = 0;
    for (;;) {
      const auto comma = inner.find(',', start);
      args.push_back(trim(inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  const std::string who = where + ": ratio node '" + nd.code + "'";
  bool named = false;
  for (std::size_t k = 0; k < args.size(); ++k) {
    std::string key, value;
    const auto eq = args[k].find('=');
    if (eq != std::string::npos) {
      key = lower(trim(args[k].substr(0, eq)));
      value = args[k].substr(eq + 1);
      named = true;
      if (key != "numerator" && key != "denominator")
        throw_spec(who + ": unknown argument '" + key + "' (expected numerator and denominator)");
    } else if (k < 2 && !named) {
      key = k == 0 ? "numerator" : "denominator";
      value = args[k];
    } else {
      throw_spec(who + ": '" + args[k] + "' should be numerator=... or denominator=...");
    }
    value = trim(value);
    while (!value.empty() && (value.front() == '\'' || value.front() == '"')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\'' || value.back() == '"')) value.pop_back();
    value = trim(value);
    if (value.empty()) throw_spec(who + ": empty " + key);
    std::string& slot = key == "numerator" ? nd.numerator : nd.denominator;
    if (!slot.empty()) throw_spec(who + ": " + key + " given twice");
    slot = value;
  }
  if (nd.numerator.empty()) throw_spec(who + ": no numerator given (write ratio(numerator=..., denominator=...))");
  if (nd.denominator.empty()) throw_spec(who + ": no denominator given (write ratio(numerator=..., denominator=...))");
  return true;
}
}  // namespace detail

COMPINDEX_INLINE framework read_framework(const table& meta) {
  const auto c_code = meta.column("code");
  if (c_code < 0) detail::throw_data(meta.source + ": no 'code' column");
  const auto c_parent = meta.column("parent"), c_weight = meta.column("weight"), c_dir = meta.column("direction"),
             c_name = meta.column("name"), c_kind = meta.column("kind"), c_lower = meta.column("lower"),
             c_upper = meta.column("upper"), c_target = meta.column("target"), c_agg = meta.column("aggregation");
  std::vector<node> nodes;
  nodes.reserve(meta.rows.size());
  for (std::size_t r = 0; r < meta.rows.size(); ++r) {
    const auto& row = meta.rows[r];
    auto cell = [&](std::ptrdiff_t c) -> const std::string& { return row[static_cast<std::size_t>(c)]; };
    auto where = [&](std::ptrdiff_t c) { return detail::cell_where(meta, r, static_cast<std::size_t>(c)); };
    node nd;
    nd.code = cell(c_code);
    if (nd.code.empty()) detail::throw_data(where(c_code) + ": empty code");
    if (c_parent >= 0) nd.parent = cell(c_parent);
    if (c_name >= 0) nd.name = cell(c_name);
    // A ratio node: its operands in the aggregation cell (the framework checks the rest); its
    // weight cell is not read.
    const bool ratio_cell = c_agg >= 0 && detail::read_ratio_cell(cell(c_agg), nd, where(c_agg));
    // An empty weight or direction takes the default; a written missing marker (NA, NaN, ...) is
    // an error, as in the Python package, rather than a silent default.
    auto written_missing = [&](std::ptrdiff_t c) {
      detail::throw_data(where(c) + ": '" + detail::trim(cell(c)) + "' is not a number (leave the cell empty for the default)");
    };
    if (c_weight >= 0 && !ratio_cell && !detail::trim(cell(c_weight)).empty()) {
      nd.weight = parse_number(cell(c_weight), where(c_weight));
      if (std::isnan(nd.weight)) written_missing(c_weight);
    }
    if (c_dir >= 0 && !detail::trim(cell(c_dir)).empty()) {
      const double d = parse_number(cell(c_dir), where(c_dir));
      if (std::isnan(d)) written_missing(c_dir);
      if (!(d == 1.0 || d == -1.0))
        detail::throw_data(where(c_dir) + ": direction must be 1 or -1, got '" + cell(c_dir) + "'");
      nd.direction = static_cast<int>(d);
    }
    if (c_kind >= 0) {
      const std::string k = detail::lower(cell(c_kind));
      if (k == "indicator") nd.kind = node_kind::indicator;
      else if (k == "aggregate") nd.kind = node_kind::aggregate;
      else if (k == "ratio") nd.kind = node_kind::ratio;
      else if (!k.empty()) detail::throw_data(where(c_kind) + ": kind must be 'indicator' or 'aggregate', got '" + cell(c_kind) + "'");
    }
    if (c_lower >= 0) nd.lower = parse_number(cell(c_lower), where(c_lower));
    if (c_upper >= 0) nd.upper = parse_number(cell(c_upper), where(c_upper));
    if (c_target >= 0) nd.target = parse_number(cell(c_target), where(c_target));
    if (ratio_cell && nd.kind != node_kind::automatic && nd.kind != node_kind::ratio)
      detail::throw_spec(where(c_kind) + ": node '" + nd.code + "' is declared '" + detail::lower(cell(c_kind)) +
                         "' but its aggregation is '" + detail::trim(cell(c_agg)) + "'; a ratio node's kind is 'ratio' (or empty)");
    if (!ratio_cell && nd.kind == node_kind::ratio)
      detail::throw_spec(where(c_kind) + ": ratio node '" + nd.code +
                         "': give its operands in the aggregation column, as ratio(numerator=..., denominator=...)");
    if (ratio_cell) nd.weight = 0.0;  // in no aggregate, as in the Python package
    nodes.push_back(std::move(nd));
  }
  try {
    return framework(std::move(nodes));
  } catch (const spec_error& e) {
    detail::throw_spec(meta.source + ": " + e.what());
  }
}

COMPINDEX_INLINE dataset read_dataset(const table& t, const framework& fw, const data_columns& cols) {
  const auto c_unit = t.column(cols.unit);
  if (c_unit < 0) detail::throw_data(t.source + ": no '" + cols.unit + "' column (the unit codes)");
  const auto ind = fw.indicator_codes();
  std::vector<std::ptrdiff_t> ind_col(ind.size());
  std::vector<std::string> missing_cols;
  for (std::size_t j = 0; j < ind.size(); ++j) {
    ind_col[j] = t.column(ind[j]);
    if (ind_col[j] < 0) missing_cols.push_back(ind[j]);
  }
  if (!missing_cols.empty()) {
    std::string list;
    for (auto& m : missing_cols) list += (list.empty() ? "'" : ", '") + m + "'";
    detail::throw_data(t.source + ": no column for indicator(s) " + list);
  }
  std::unordered_set<std::string> known(ind.begin(), ind.end());
  known.insert(cols.unit);
  for (auto* v : {&cols.groups, &cols.denominators, &cols.ignore})
    for (auto& c : *v) {
      if (t.column(c) < 0) detail::throw_data(t.source + ": no column '" + c + "'");
      known.insert(c);
    }
  for (auto& h : t.header)
    if (!known.count(h))
      detail::throw_data(t.source + ": column '" + h + "' is not an indicator of the framework (declare it as a group, a denominator, or a column to ignore)");
  const std::size_t n = t.rows.size();
  if (n == 0) detail::throw_data(t.source + ": no data rows");
  codes units(n);
  std::unordered_map<std::string, std::size_t> seen;
  for (std::size_t r = 0; r < n; ++r) {
    units[r] = t.rows[r][static_cast<std::size_t>(c_unit)];
    if (units[r].empty()) detail::throw_data(detail::cell_where(t, r, static_cast<std::size_t>(c_unit)) + ": empty unit code");
    auto [it, fresh] = seen.emplace(units[r], r);
    if (!fresh)
      detail::throw_data(detail::cell_where(t, r, static_cast<std::size_t>(c_unit)) + ": unit '" + units[r] +
                         "' already appears in row " + std::to_string(it->second + 2));
  }
  matrix values(static_cast<index_t>(n), static_cast<index_t>(ind.size()));
  for (std::size_t j = 0; j < ind.size(); ++j)
    for (std::size_t r = 0; r < n; ++r)
      values(static_cast<index_t>(r), static_cast<index_t>(j)) =
          parse_number(t.rows[r][static_cast<std::size_t>(ind_col[j])], detail::cell_where(t, r, static_cast<std::size_t>(ind_col[j])));
  dataset d(std::move(units), std::move(values));
  if (!cols.denominators.empty()) {
    matrix den(static_cast<index_t>(n), static_cast<index_t>(cols.denominators.size()));
    for (std::size_t k = 0; k < cols.denominators.size(); ++k) {
      const auto c = static_cast<std::size_t>(t.column(cols.denominators[k]));
      for (std::size_t r = 0; r < n; ++r)
        den(static_cast<index_t>(r), static_cast<index_t>(k)) = parse_number(t.rows[r][c], detail::cell_where(t, r, c));
    }
    d.set_denominators(cols.denominators, std::move(den));
  }
  for (auto& g : cols.groups) {
    const auto c = static_cast<std::size_t>(t.column(g));
    codes labels(n);
    for (std::size_t r = 0; r < n; ++r) labels[r] = t.rows[r][c];
    d.add_group(g, labels);
  }
  return d;
}

}  // namespace compindex
