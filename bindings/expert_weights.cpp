// Weights from experts: AHP and budget allocation. The tidy tables arrive as columns (the Python
// package reads the DataFrame); results are plain structs.
#include "bindings.hpp"

#include <compindex/expert_weights.hpp>

namespace {

namespace wt = compindex::weighting;

wt::ahp_options ahp_opts(const std::string& method, const std::string& random_index, double tolerance, double cr_threshold) {
  wt::ahp_options o;
  if (method == "eigenvector") {
    o.method = wt::ahp_method::eigenvector;
  } else if (method == "geometric") {
    o.method = wt::ahp_method::geometric;
  } else {
    throw ci::spec_error("AHP: method must be 'eigenvector' or 'geometric', got '" + method + "'");
  }
  if (random_index == "saaty") {
    o.random_index = wt::ahp_random_index::saaty;
  } else if (random_index == "saaty2005") {
    o.random_index = wt::ahp_random_index::saaty2005;
  } else {
    throw ci::spec_error("AHP: random_index must be 'saaty' (Saaty 1980) or 'saaty2005' (Saaty 2005), got '" + random_index + "'");
  }
  o.tolerance = tolerance;
  o.cr_threshold = cr_threshold;
  return o;
}

void same_length(std::size_t n, std::initializer_list<std::size_t> others, const char* what) {
  for (auto m : others)
    if (m != n) throw ci::spec_error(std::string(what) + ": the columns have different lengths");
}

}  // namespace

void bind_expert_weights(py::module_& root) {
  auto m = root.def_submodule("expert", "Weights from experts: AHP and budget allocation");

  py::class_<wt::ahp_matrix_result>(m, "AhpMatrix")
      .def_readonly("node", &wt::ahp_matrix_result::node)
      .def_readonly("expert", &wt::ahp_matrix_result::expert)
      .def_readonly("combined", &wt::ahp_matrix_result::combined)
      .def_readonly("children", &wt::ahp_matrix_result::children)
      .def_readonly("comparisons", &wt::ahp_matrix_result::comparisons)
      .def_readonly("weights", &wt::ahp_matrix_result::weights)
      .def_readonly("lambda_max", &wt::ahp_matrix_result::lambda_max)
      .def_readonly("ci", &wt::ahp_matrix_result::ci)
      .def_readonly("ri", &wt::ahp_matrix_result::ri)
      .def_readonly("cr", &wt::ahp_matrix_result::cr)
      .def_readonly("gci", &wt::ahp_matrix_result::gci)
      .def_readonly("consistent", &wt::ahp_matrix_result::consistent);
  py::class_<wt::ahp_result>(m, "AhpResult")
      .def_readonly("weights", &wt::ahp_result::weights)
      .def_readonly("nodes", &wt::ahp_result::nodes)
      .def_readonly("matrices", &wt::ahp_result::matrices)
      .def_readonly("diagnostics", &wt::ahp_result::diagnostics);
  py::class_<wt::budget_node_result>(m, "BudgetNode")
      .def_readonly("node", &wt::budget_node_result::node)
      .def_readonly("children", &wt::budget_node_result::children)
      .def_readonly("experts", &wt::budget_node_result::experts)
      .def_readonly("shares", &wt::budget_node_result::shares)
      .def_readonly("weights", &wt::budget_node_result::weights)
      .def_readonly("sd", &wt::budget_node_result::sd)
      .def_readonly("min", &wt::budget_node_result::min)
      .def_readonly("max", &wt::budget_node_result::max);
  py::class_<wt::budget_result>(m, "BudgetResult")
      .def_readonly("weights", &wt::budget_result::weights)
      .def_readonly("nodes", &wt::budget_result::nodes)
      .def_readonly("details", &wt::budget_result::details);

  m.def(
      "ahp",
      [](const ci::framework& fw, const std::vector<std::string>& nodes, const std::vector<std::string>& child_a,
         const std::vector<std::string>& child_b, const std::vector<double>& values, const std::vector<std::string>& experts,
         const std::string& method, const std::string& random_index, double tolerance, double cr_threshold,
         std::map<std::string, double> expert_weights) {
        same_length(nodes.size(), {child_a.size(), child_b.size(), values.size(), experts.size()}, "AHP judgements");
        auto o = ahp_opts(method, random_index, tolerance, cr_threshold);
        o.expert_weights = std::move(expert_weights);
        std::vector<wt::ahp_judgement> j(nodes.size());
        for (std::size_t i = 0; i < nodes.size(); ++i) j[i] = {nodes[i], child_a[i], child_b[i], values[i], experts[i]};
        py::gil_scoped_release release;
        return wt::ahp_weights(fw, j, o);
      },
      py::arg("framework"), py::arg("nodes"), py::arg("child_a"), py::arg("child_b"), py::arg("values"), py::arg("experts"),
      py::arg("method") = "eigenvector", py::arg("random_index") = "saaty", py::arg("tolerance") = 0.05, py::arg("cr_threshold") = 0.1,
      py::arg("expert_weights") = std::map<std::string, double>{});
  m.def(
      "ahp_matrix",
      [](const ci::matrix& comparisons, const std::string& method, const std::string& random_index, double cr_threshold) {
        return wt::ahp_matrix(comparisons, ahp_opts(method, random_index, 0.05, cr_threshold));
      },
      py::arg("comparisons"), py::arg("method") = "eigenvector", py::arg("random_index") = "saaty", py::arg("cr_threshold") = 0.1);
  m.def(
      "random_index",
      [](std::size_t n, const std::string& table) { return wt::ahp_random_index_value(n, ahp_opts("eigenvector", table, 0.05, 0.1).random_index); },
      py::arg("n"), py::arg("table") = "saaty");
  m.def(
      "budget",
      [](const ci::framework& fw, const std::vector<std::string>& nodes, const std::vector<std::string>& children,
         const std::vector<double>& points, const std::vector<std::string>& experts, const std::string& statistic,
         const std::map<std::string, double>& expert_weights) {
        same_length(nodes.size(), {children.size(), points.size(), experts.size()}, "budget allocations");
        wt::budget_statistic s;
        if (statistic == "mean") {
          s = wt::budget_statistic::mean;
        } else if (statistic == "median") {
          s = wt::budget_statistic::median;
        } else {
          throw ci::spec_error("budget allocation: statistic must be 'mean' or 'median', got '" + statistic + "'");
        }
        std::vector<wt::budget_allocation> a(nodes.size());
        for (std::size_t i = 0; i < nodes.size(); ++i) a[i] = {nodes[i], children[i], points[i], experts[i]};
        py::gil_scoped_release release;
        return wt::budget_weights(fw, a, s, expert_weights);
      },
      py::arg("framework"), py::arg("nodes"), py::arg("children"), py::arg("points"), py::arg("experts"), py::arg("statistic") = "mean",
      py::arg("expert_weights") = std::map<std::string, double>{});
}
