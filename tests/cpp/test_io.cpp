// CSV reading for C++ users: the parser, numbers, a framework and a dataset from tables.
#include <boost/test/unit_test.hpp>

#include <compindex/io.hpp>

#include <algorithm>
#include <cmath>
#include <vector>
#include <sstream>
#include <string>

namespace ci = compindex;

namespace {

ci::table parse(const std::string& text) {
  std::istringstream in(text);
  return ci::read_csv(in, "test.csv");
}

bool data_error_with(const std::function<void()>& f, const std::string& needle) {
  try {
    f();
  } catch (const ci::data_error& e) {
    const bool ok = std::string(e.what()).find(needle) != std::string::npos;
    if (!ok) BOOST_TEST_MESSAGE("message was: " << e.what());
    return ok;
  } catch (const ci::spec_error& e) {
    const bool ok = std::string(e.what()).find(needle) != std::string::npos;
    if (!ok) BOOST_TEST_MESSAGE("message was: " << e.what());
    return ok;
  }
  return false;
}

const char* meta_csv =
    "code,parent,weight,direction,name,agency\n"
    "PII,,,,Index,\n"
    "P1,PII,1,,Pillar one,\n"
    "P2,PII,2,,Pillar two,\n"
    "a,P1,1,1,A,DOST\n"
    "b,P1,0.5,-1,\"B, inverse\",DOF\n"
    "c,P2,,,C,\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(io)

BOOST_AUTO_TEST_CASE(csv_parsing) {
  auto t = parse("\xEF\xBB\xBF" "a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n\r\n 2 , ,3\n");
  BOOST_TEST((t.header == ci::codes{"a", "b", "c"}));
  BOOST_TEST(t.rows.size() == 2u);
  BOOST_TEST(t.rows[0][1] == "x, y");
  BOOST_TEST(t.rows[0][2] == "say \"hi\"");
  BOOST_TEST(t.rows[1][0] == "2");  // unquoted cells are trimmed
  BOOST_TEST(t.rows[1][1] == "");
  BOOST_TEST(t.column("c") == 2);
  BOOST_TEST(t.column("z") == -1);
  // A quoted field may span lines; trailing empty cells beyond the header are dropped.
  auto t2 = parse("a,b\n\"line1\nline2\",2,,\n");
  BOOST_TEST(t2.rows[0][0] == "line1\nline2");
  BOOST_TEST(t2.rows[0].size() == 2u);
}

BOOST_AUTO_TEST_CASE(csv_errors) {
  BOOST_TEST(data_error_with([] { parse(""); }, "test.csv: the file is empty"));
  BOOST_TEST(data_error_with([] { parse("a,b\n1,2,3\n"); }, "test.csv, row 2: 3 cells, but the header has 2 columns"));
  BOOST_TEST(data_error_with([] { parse("a,a\n1,2\n"); }, "duplicate column 'a'"));
  BOOST_TEST(data_error_with([] { parse("a,,b\n1,2,3\n"); }, "header column 2 has no name"));
  BOOST_TEST(data_error_with([] { parse("a,b\n\"1,2\n"); }, "line 2: a quoted field is never closed"));
  BOOST_TEST(data_error_with([] { parse("a\n\"1\"x\n"); }, "text after a closing quote"));
  BOOST_TEST(data_error_with([] { ci::read_csv_file("/nonexistent/file.csv"); }, "cannot open"));
}

BOOST_AUTO_TEST_CASE(files_as_people_make_them) {
  // The same table as Excel and editors write it: BOM + CRLF, lone CR, spaces and no-break spaces
  // around header names, trailing separators and trailing empty rows.
  const ci::codes header{"unit", "Đắk Lắk", "i2"};
  const std::vector<ci::codes> rows{{"Thành phố Hồ Chí Minh", "1.5", "10"}, {"Bà Rịa – Vũng Tàu", "2", "20"}};
  const std::string plain = "unit,Đắk Lắk,i2\nThành phố Hồ Chí Minh,1.5,10\nBà Rịa – Vũng Tàu,2,20\n";
  auto crlf = plain, cr = plain;
  for (std::size_t p = 0; (p = crlf.find('\n', p)) != std::string::npos; p += 2) crlf.replace(p, 1, "\r\n");
  std::replace(cr.begin(), cr.end(), '\n', '\r');
  const std::string variants[] = {
      plain,
      "\xEF\xBB\xBF" + crlf,
      cr,
      " unit ,\xC2\xA0Đắk Lắk\xE2\x80\xAF, i2\t\nThành phố Hồ Chí Minh,1.5,10\nBà Rịa – Vũng Tàu,2,20\n",
      "unit,Đắk Lắk,i2,,\r\nThành phố Hồ Chí Minh,1.5,10,,\r\nBà Rịa – Vũng Tàu,2,20,,\r\n,,,,\r\n,,,,\r\n\r\n",
  };
  for (const auto& text : variants) {
    const auto t = parse(text);
    BOOST_TEST(t.header == header);
    BOOST_TEST(t.rows == rows);
  }
  // A trailing column with no name but a value is an error, as before.
  BOOST_TEST(data_error_with([] { parse("a,b,\n1,2,3\n"); }, "header column 3 has no name"));
  BOOST_TEST(data_error_with([] { parse("a, b ,\xC2\xA0" "b\n1,2,3\n"); }, "test.csv: duplicate column 'b' in the header"));
}

BOOST_AUTO_TEST_CASE(encodings) {
  // cp1258 "Hồ" is 'H', 0xF4 ('ô'), 0xCC (combining grave): byte 9 (line 2) is not UTF-8.
  BOOST_TEST(data_error_with([] { parse("unit,i1\nH\xF4\xCC,1\n"); },
                             "test.csv: byte 9 (line 2) is not UTF-8 (0xF4): the file was probably saved with a Windows "
                             "code page (cp1258, cp1252); save it from Excel as 'CSV UTF-8'"));
  // Lines end at LF, CRLF or a lone CR, as the parser counts them.
  BOOST_TEST(data_error_with([] { parse("unit\ri1\r\n\nH\xF4\xCC,1\n"); }, "test.csv: byte 11 (line 4) is not UTF-8 (0xF4)"));
  BOOST_TEST(data_error_with([] { parse(std::string("\xFF\xFEu\0n\0", 6)); }, "test.csv: the file is UTF-16"));
  BOOST_TEST(data_error_with([] { parse(std::string("\xFE\xFF\0u\0n", 6)); }, "test.csv: the file is UTF-16"));
  BOOST_TEST(data_error_with([] { parse(std::string("u\0n\0i\0", 6)); },
                             "test.csv: byte 1 is a NUL byte: the file looks like UTF-16 without a byte-order mark"));
  // Strict UTF-8: overlong forms, surrogates, code points above U+10FFFF and cut sequences are refused.
  for (const char* bad : {"a\xC0\xAF", "a\xE0\x80\xAF", "a\xED\xA0\x80", "a\xF4\x90\x80\x80", "a\xE2\x82"})
    BOOST_TEST(data_error_with([bad] { parse(std::string(bad) + "\n"); }, "byte 1 (line 1) is not UTF-8"));
  // Four-byte characters (an emoji) are UTF-8.
  BOOST_TEST(parse("a\xF0\x9F\x98\x80\n1\n").header[0] == "a\xF0\x9F\x98\x80");
}

BOOST_AUTO_TEST_CASE(numbers) {
  BOOST_TEST(ci::parse_number(" 1.5e3 ", "w") == 1500.0);
  BOOST_TEST(ci::parse_number("-2", "w") == -2.0);
  for (const char* m : {"", "NA", "nan", "N/A", "-", "..", "NULL"}) BOOST_TEST(std::isnan(ci::parse_number(m, "w")), m);
  BOOST_TEST(data_error_with([] { ci::parse_number("1,5", "file.csv, row 3, column 'x'"); },
                             "file.csv, row 3, column 'x': '1,5' uses a decimal comma; write numbers with a decimal point (e.g. 1.5)"));
  BOOST_TEST(data_error_with([] { ci::parse_number("abc", "here"); }, "here: 'abc' is not a number"));
  BOOST_TEST(data_error_with([] { ci::parse_number("12%", "here"); }, "'12%' is not a number"));
  BOOST_TEST(data_error_with([] { ci::parse_number("inf", "here"); }, "'inf' is infinite"));
}

BOOST_AUTO_TEST_CASE(framework_from_a_table) {
  auto fw = ci::read_framework(parse(meta_csv));
  BOOST_TEST(fw.size() == 6u);
  const auto& b = fw.at(fw.index_of("b"));
  BOOST_TEST(b.weight == 0.5);
  BOOST_TEST(b.direction == -1);
  BOOST_TEST(b.name == "B, inverse");
  BOOST_TEST(fw.at(fw.index_of("c")).weight == 1.0);  // empty weight: 1
  BOOST_TEST(data_error_with([] { ci::read_framework(parse("parent\nx\n")); }, "no 'code' column"));
  BOOST_TEST(data_error_with([] { ci::read_framework(parse("code,parent,direction\nI,,\na,I,2\n")); },
                             "row 3, column 'direction': direction must be 1 or -1, got '2'"));
  BOOST_TEST(data_error_with([] { ci::read_framework(parse("code,parent,weight\nI,,\na,I,heavy\n")); },
                             "row 3, column 'weight': 'heavy' is not a number"));
  BOOST_TEST(data_error_with([] { ci::read_framework(parse("code,parent\nI,\na,J\n")); }, "test.csv: node 'a': unknown parent 'J'"));
}

BOOST_AUTO_TEST_CASE(dataset_from_a_table) {
  auto fw = ci::read_framework(parse(meta_csv));
  ci::data_columns cols;
  cols.groups = {"region"};
  cols.denominators = {"pop"};
  auto d = ci::read_dataset(parse("unit,region,pop,a,b,c\nX,north,10,1,2,3\nY,south,20,NA,5,6\n"), fw, cols);
  BOOST_TEST((d.units() == ci::codes{"X", "Y"}));
  BOOST_TEST(d.values()(0, 2) == 3.0);
  BOOST_TEST(std::isnan(d.values()(1, 0)));
  BOOST_TEST(d.denominators()(1, 0) == 20.0);
  BOOST_TEST(d.group_ids("region")[1] == 1);
  BOOST_TEST(data_error_with([&] { ci::read_dataset(parse("unit,a,b\nX,1,2\n"), fw); }, "no column for indicator(s) 'c'"));
  BOOST_TEST(data_error_with([&] { ci::read_dataset(parse("unit,a,b,c,d\nX,1,2,3,4\n"), fw); }, "column 'd' is not an indicator"));
  BOOST_TEST(data_error_with([&] { ci::read_dataset(parse("unit,a,b,c\nX,1,2,3\nX,4,5,6\n"), fw); },
                             "row 3, column 'unit': unit 'X' already appears in row 2"));
  BOOST_TEST(data_error_with([&] { ci::read_dataset(parse("unit,a,b,c\nX,1,two,3\n"), fw); },
                             "test.csv, row 2, column 'b': 'two' is not a number"));
  BOOST_TEST(data_error_with([&] { ci::read_dataset(parse("id,a,b,c\nX,1,2,3\n"), fw); }, "no 'unit' column"));
  BOOST_TEST(data_error_with([&] { ci::read_dataset(parse("unit,a,b,c\n"), fw); }, "no data rows"));
}

// Bad inputs the robustness work found (docs/robustness.md): advice that fits the number written,
// no hexadecimal, and no silent default for a written missing marker in a weight or direction.
BOOST_AUTO_TEST_CASE(numbers_with_commas_hex_and_written_markers) {
  BOOST_TEST(data_error_with([] { ci::parse_number("-12,5", "w"); }, "'-12,5' uses a decimal comma; write numbers with a decimal point (e.g. -12.5)"));
  BOOST_TEST(data_error_with([] { ci::parse_number("1,234.5", "w"); }, "w: '1,234.5' uses commas between thousands; write 1234.5"));
  BOOST_TEST(data_error_with([] { ci::parse_number("1,234,567", "w"); }, "'1,234,567' uses commas between thousands; write 1234567"));
  BOOST_TEST(data_error_with([] { ci::parse_number("1.234,5", "w"); },
                             "'1.234,5' uses a decimal comma and dots between thousands; write 1234.5"));
  BOOST_TEST(data_error_with([] { ci::parse_number("1,000", "w"); },
                             "'1,000' has a comma: write 1000 if it separates thousands, or 1.000 if it is a decimal comma"));
  BOOST_TEST(data_error_with([] { ci::parse_number("1,,2", "w"); }, "'1,,2' is not a number"));
  BOOST_TEST(data_error_with([] { ci::parse_number("0x1p3", "w"); }, "'0x1p3' is not a number"));
  BOOST_TEST(data_error_with([] { ci::parse_number("0X10", "w"); }, "'0X10' is not a number"));
  BOOST_TEST(data_error_with([] { ci::read_framework(parse("code,parent,weight\nI,,\na,I,NaN\nb,I,1\n")); },
                             "test.csv, row 3, column 'weight': 'NaN' is not a number (leave the cell empty for the default)"));
  BOOST_TEST(data_error_with([] { ci::read_framework(parse("code,parent,direction\nI,,\na,I,NA\nb,I,1\n")); },
                             "test.csv, row 3, column 'direction': 'NA' is not a number (leave the cell empty for the default)"));
  auto fw = ci::read_framework(parse("code,parent,weight,direction\nI,,,\na,I, ,\nb,I,2,-1\n"));
  BOOST_TEST(fw.at(fw.index_of("a")).weight == 1.0);  // an empty (or blank) cell is the default
  BOOST_TEST(fw.at(fw.index_of("b")).direction == -1);
}

BOOST_AUTO_TEST_SUITE_END()
