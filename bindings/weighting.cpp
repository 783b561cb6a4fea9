// Weights from data: derive_weights (equal, pca, factor_analysis, entropy, critic), varimax, and the
// objective of optimized weights (CorrelationObjective).
#include "bindings.hpp"

#include <compindex/weighting.hpp>

namespace {

namespace wt = ci::weighting;

wt::method make_method(const std::string& name, const std::string& rule, double min_eigenvalue, double min_cumulative) {
  if (name == wt::equal::name) return wt::equal{};
  if (name == wt::pca::name) return wt::pca{wt::pca_rule_from_name(rule)};
  if (name == wt::factor_analysis::name) return wt::factor_analysis{min_eigenvalue, min_cumulative};
  if (name == wt::entropy::name) return wt::entropy{};
  if (name == wt::critic::name) return wt::critic{};
  throw ci::spec_error("unknown weighting method '" + name + "' (equal, pca, factor_analysis, entropy, critic)");
}

}  // namespace

void bind_weighting(py::module_& m) {
  py::class_<wt::node_diagnostics>(m, "NodeWeightDiagnostics", "what a weighting method found at one node")
      .def_readonly("node", &wt::node_diagnostics::node)
      .def_readonly("method", &wt::node_diagnostics::method)
      .def_readonly("children", &wt::node_diagnostics::children)
      .def_readonly("weights", &wt::node_diagnostics::weights)
      .def_readonly("n_units", &wt::node_diagnostics::n_units)
      .def_readonly("n_dropped", &wt::node_diagnostics::n_dropped)
      .def_readonly("scalars", &wt::node_diagnostics::scalars)
      .def_readonly("per_child", &wt::node_diagnostics::per_child)
      .def_readonly("eigenvalues", &wt::node_diagnostics::eigenvalues)
      .def_readonly("loadings", &wt::node_diagnostics::loadings)
      .def_readonly("warnings", &wt::node_diagnostics::warnings);
  py::class_<wt::weighting_result>(m, "WeightingResult", "weights derived from data, with per-node diagnostics")
      .def_readonly("method", &wt::weighting_result::method)
      .def_readonly("weights", &wt::weighting_result::weights)
      .def_readonly("nodes", &wt::weighting_result::nodes)
      .def_readonly("diagnostics", &wt::weighting_result::diagnostics);
  m.def(
      "derive_weights",
      // A Fortran-ordered float64 array (what Result.scores gives) is read in place, not copied.
      [](const ci::framework& fw, const Eigen::Ref<const ci::matrix>& values, const std::string& method, const ci::codes& nodes,
         const ci::codes& units, const ci::vector& base, const std::string& rule, double min_eigenvalue,
         double min_cumulative) {
        const auto how = make_method(method, rule, min_eigenvalue, min_cumulative);
        py::gil_scoped_release release;
        return wt::derive_weights(fw, values, how, nodes, units, base);
      },
      py::arg("framework"), py::arg("values"), py::arg("method"), py::arg("nodes") = ci::codes{},
      py::arg("units") = ci::codes{}, py::arg("base") = ci::vector(), py::arg("rule") = "loadings",
      py::arg("min_eigenvalue") = 1.0, py::arg("min_cumulative") = 0.6,
      "weights of the children of `nodes` (empty: every aggregate) from units x nodes values (framework order)");
  m.def(
      "varimax",
      [](const ci::matrix& loadings, double tolerance, int max_iterations) {
        ci::matrix t;
        ci::matrix l = wt::varimax(loadings, tolerance, max_iterations, &t);
        return py::make_tuple(l, t);
      },
      py::arg("loadings"), py::arg("tolerance") = 1e-14, py::arg("max_iterations") = 10000,
      "(rotated loadings, rotation) of a Kaiser-normalized varimax rotation");
  py::class_<wt::correlation_objective>(m, "CorrelationObjective",
                                        "each child's correlation with a node's score re-aggregated under candidate weights")
      .def(py::init([](const std::string& node, const ci::codes& children, const ci::codes& units, ci::matrix values,
                       const ci::aggregation::method& method, double coverage) {
             return wt::correlation_objective(node, children, units, std::move(values), method, coverage);
           }),
           py::arg("node"), py::arg("children"), py::arg("units"), py::arg("values"), py::arg("method"),
           py::arg("coverage") = 0.0)
      .def("correlations", &wt::correlation_objective::correlations, py::arg("weights"))
      .def("scores", &wt::correlation_objective::scores, py::arg("weights"))
      .def_property_readonly("node", &wt::correlation_objective::node)
      .def_property_readonly("children", &wt::correlation_objective::children)
      .def_property_readonly("n_units", &wt::correlation_objective::n_units);
}
