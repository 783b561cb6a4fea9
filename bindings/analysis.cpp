// Analysis: coherence statistics (alpha, PCA, correlation matrices), re-scoring helpers (a dataset
// with other values, rows of a dataset or a result) and the embedded PII files.
#include "bindings.hpp"

#include <compindex/analysis.hpp>
#include <compindex/datasets.hpp>

namespace {

ci::analysis::correlation correlation_method(const std::string& m) {
  if (m == "pearson") return ci::analysis::correlation::pearson;
  if (m == "spearman") return ci::analysis::correlation::spearman;
  throw ci::spec_error("correlation method must be 'pearson' or 'spearman', got '" + m + "'");
}

}  // namespace

void bind_analysis(py::module_& m) {
  namespace an = ci::analysis;
  using rows_t = std::vector<ci::index_t>;

  m.def("complete_rows", [](const ci::matrix& x) { return an::complete_rows(x); }, py::arg("x"));
  m.def("cronbach_alpha",
        [](const ci::matrix& x) {
          auto r = an::cronbach_alpha(x);
          return py::make_tuple(r.alpha, r.n_complete);
        },
        py::arg("x"), "(alpha, complete rows used) of the columns of x");
  m.def("correlation_matrix",
        [](const ci::matrix& x, const std::string& method) {
          const auto how = correlation_method(method);
          py::gil_scoped_release release;
          return an::correlation_matrix(x, how);
        },
        py::arg("x"), py::arg("method") = "pearson");

  py::class_<an::pca_result>(m, "PCAResult")
      .def_readonly("eigenvalues", &an::pca_result::eigenvalues)
      .def_readonly("explained", &an::pca_result::explained)
      .def_readonly("loadings", &an::pca_result::loadings)
      .def_readonly("n_complete", &an::pca_result::n_complete);
  m.def("pca", [](const ci::matrix& x, const ci::codes& names) { return an::pca(x, names); }, py::arg("x"),
        py::arg("names") = ci::codes{}, py::call_guard<py::gil_scoped_release>());

  m.def("dataset_with_values", [](const ci::dataset& d, ci::matrix values) { return an::with_values(d, std::move(values)); },
        py::arg("dataset"), py::arg("values"), "a copy of the dataset (denominators, groups) with other indicator values");
  m.def("subset_dataset", [](const ci::dataset& d, const rows_t& rows, const ci::codes& units) { return an::subset(d, rows, units); },
        py::arg("dataset"), py::arg("rows"), py::arg("units") = ci::codes{});
  m.def("subset_result",
        [](const ci::result& r, const ci::framework& fw, const rows_t& rows, const ci::codes& units) {
          return an::subset(r, fw, rows, units);
        },
        py::arg("result"), py::arg("framework"), py::arg("rows"), py::arg("units") = ci::codes{},
        py::call_guard<py::gil_scoped_release>(), "the rows of a result, ranks recomputed among them");

  m.def("embedded_pii",
        [](const std::string& name) {
          std::string_view s;
          if (name == "framework") s = ci::datasets::pii_framework_csv();
          else if (name == "provinces") s = ci::datasets::pii_provinces_csv();
          else if (name == "demo") s = ci::datasets::pii_demo_csv();
          else if (name == "published") s = ci::datasets::pii_published_csv();
          else throw ci::spec_error("embedded_pii: unknown file '" + name + "' (framework, provinces, demo, published)");
          return py::bytes(s.data(), s.size());
        },
        py::arg("name"), "the bytes of an embedded data/pii file, as compiled into the library");
}
