// The pipeline: spec, dataset, result, and the functions that run it (GIL released).
#include "bindings.hpp"

namespace {

// A dataset over a numpy array's memory: no copy when the array is already column-major float64.
// The core holds the array (and `owner`) through a shared_ptr whose deleter takes the GIL, so the
// last holder may be released on any thread.
ci::dataset make_dataset(ci::codes units, const py::array_t<double, py::array::f_style | py::array::forcecast>& values,
                         const py::object& owner) {
  if (values.ndim() != 2)
    throw ci::spec_error("data: the values must be a 2-D array (units x indicators), got " + std::to_string(values.ndim()) +
                         " dimension(s)");
  auto* keep = new py::object(py::make_tuple(values, owner));
  std::shared_ptr<const void> holder(keep, [](py::object* o) {
    py::gil_scoped_acquire gil;
    delete o;
  });
  return ci::dataset(std::move(units), ci::shared_matrix::borrow(values.data(), values.shape(0), values.shape(1), std::move(holder)));
}

}  // namespace

void bind_pipeline(py::module_& m) {
  py::class_<ci::range>(m, "Range")
      .def(py::init([](double lo, double hi) { return ci::range{lo, hi}; }), py::arg("lower") = 0.0, py::arg("upper") = 100.0)
      .def_readwrite("lower", &ci::range::lower)
      .def_readwrite("upper", &ci::range::upper)
      .def("__repr__", [](const ci::range& r) { return "Range(" + std::to_string(r.lower) + ", " + std::to_string(r.upper) + ")"; })
      .def(py::pickle([](const ci::range& r) { return py::make_tuple(r.lower, r.upper); },
                      [](const py::tuple& t) { return ci::range{t[0].cast<double>(), t[1].cast<double>()}; }));

  py::class_<ci::denomination>(m, "Denomination")
      .def(py::init([](std::string d, double s) { return ci::denomination{std::move(d), s}; }), py::arg("denominator"), py::arg("scale") = 1.0)
      .def_readwrite("denominator", &ci::denomination::denominator)
      .def_readwrite("scale", &ci::denomination::scale);

  using spec = ci::pipeline_spec;
  py::class_<spec>(m, "PipelineSpec", "which method each stage uses (build it with compindex.score's keywords)")
      .def(py::init<>())
      .def_readwrite("denominators", &spec::denominators)
      .def_readwrite("imputation", &spec::imputation)
      .def_readwrite("imputation_by_indicator", &spec::imputation_by_indicator)
      .def_readwrite("treatment", &spec::treatment)
      .def_readwrite("treatment_by_indicator", &spec::treatment_by_indicator)
      .def_readwrite("transform", &spec::transform)
      .def_readwrite("transform_by_indicator", &spec::transform_by_indicator)
      .def_readwrite("normalization", &spec::normalization)
      .def_readwrite("normalization_by_indicator", &spec::normalization_by_indicator)
      .def_readwrite("output_range", &spec::output_range)
      .def_readwrite("range_by_indicator", &spec::range_by_indicator)
      .def_readwrite("aggregation", &spec::aggregation)
      .def_readwrite("aggregation_by_node", &spec::aggregation_by_node)
      .def_readwrite("coverage", &spec::coverage)
      .def_readwrite("coverage_by_node", &spec::coverage_by_node)
      .def_readwrite("weight_set", &spec::weight_set)
      .def_readwrite("weights", &spec::weights);

  py::class_<ci::dataset>(m, "Dataset", "units x indicators data (columns in the framework's indicator order)")
      .def(py::init([](ci::codes units, const py::array_t<double, py::array::f_style | py::array::forcecast>& values,
                       const py::object& owner) { return make_dataset(std::move(units), values, owner); }),
           py::arg("units"), py::arg("values"), py::arg("owner") = py::none(),
           "borrows `values` when it is a Fortran-ordered float64 array (else converts it once); `owner` is kept "
           "alive with it (e.g. the DataFrame the array views, so pandas' copy-on-write protects the values)")
      .def_property_readonly("units", &ci::dataset::units)
      .def_property_readonly("values", &ci::dataset::values, py::return_value_policy::reference_internal)
      .def("set_denominators", &ci::dataset::set_denominators, py::arg("codes"), py::arg("values"))
      .def("add_group", &ci::dataset::add_group, py::arg("name"), py::arg("labels"))
      .def_property_readonly("group_names", &ci::dataset::group_names)
      .def("group_ids", &ci::dataset::group_ids, py::arg("name"))
      .def("group_labels", &ci::dataset::group_labels, py::arg("name"));

  py::class_<ci::plan>(m, "Plan", "a spec resolved against a framework, ready to run many times")
      .def(py::init<ci::framework, const ci::pipeline_spec&>(), py::arg("framework"), py::arg("spec"))
      .def_property_readonly("weights", [](const ci::plan& p) { return p.weights; });

  py::class_<ci::treatment_report>(m, "TreatmentReport")
      .def_readonly("indicator", &ci::treatment_report::indicator)
      .def_readonly("skew_before", &ci::treatment_report::skew_before)
      .def_readonly("kurtosis_before", &ci::treatment_report::kurtosis_before)
      .def_readonly("skew_after", &ci::treatment_report::skew_after)
      .def_readonly("kurtosis_after", &ci::treatment_report::kurtosis_after)
      .def_property_readonly("action", [](const ci::treatment_report& r) { return ci::to_string(r.action); })
      .def_readonly("passes_after", &ci::treatment_report::passes_after)
      .def_readonly("winsorized", &ci::treatment_report::winsorized)
      .def_readonly("winsorized_high", &ci::treatment_report::winsorized_high)
      .def_readonly("winsorized_low", &ci::treatment_report::winsorized_low);

  py::class_<ci::diagnostic>(m, "Diagnostic")
      .def_readonly("kind", &ci::diagnostic::kind)
      .def_readonly("code", &ci::diagnostic::code)
      .def_readonly("message", &ci::diagnostic::message);

  py::class_<ci::aggregation_details>(m, "AggregationDetails",
                                      "what an aggregation method reported about one node (use Result.details)")
      .def_readonly("node", &ci::aggregation_details::node)
      .def_readonly("method", &ci::aggregation_details::method)
      .def_readonly("children", &ci::aggregation_details::children)
      .def_readonly("per_unit", &ci::aggregation_details::per_unit)
      .def_readonly("per_child", &ci::aggregation_details::per_child)
      .def_readonly("scalars", &ci::aggregation_details::scalars)
      .def_readonly("unit_weights", &ci::aggregation_details::unit_weights)
      .def_readonly("peers", &ci::aggregation_details::peers);

  py::class_<ci::imputation_block_report>(m, "ImputationBlock",
                                          "what a multivariate imputation did to one block of indicators (use Result.imputation_blocks)")
      .def_readonly("method", &ci::imputation_block_report::method)
      .def_readonly("block", &ci::imputation_block_report::block)
      .def_readonly("indicators", &ci::imputation_block_report::indicators)
      .def_readonly("cells", &ci::imputation_block_report::cells)
      .def_readonly("fallback_cells", &ci::imputation_block_report::fallback_cells)
      .def_readonly("group_fallback_cells", &ci::imputation_block_report::group_fallback_cells)
      .def_readonly("iterations", &ci::imputation_block_report::iterations)
      .def_readonly("converged", &ci::imputation_block_report::converged)
      .def_readonly("log_likelihood", &ci::imputation_block_report::log_likelihood)
      .def_readonly("mean", &ci::imputation_block_report::mean)
      .def_readonly("covariance", &ci::imputation_block_report::covariance);

  // Stage matrices are returned as read-only numpy views kept alive by the result.
  auto view = [](const ci::shared_matrix ci::result::*field) {
    return [field](const ci::result& r) { return *(r.*field); };
  };
  py::class_<ci::result>(m, "Result", "everything a run produced (use compindex.Result)")
      .def_property_readonly("raw", view(&ci::result::raw), py::return_value_policy::reference_internal)
      .def_property_readonly("denominated", view(&ci::result::denominated), py::return_value_policy::reference_internal)
      .def_property_readonly("imputed", view(&ci::result::imputed), py::return_value_policy::reference_internal)
      .def_property_readonly("treated", view(&ci::result::treated), py::return_value_policy::reference_internal)
      .def_property_readonly("normalized", view(&ci::result::normalized), py::return_value_policy::reference_internal)
      .def_readonly("aggregated", &ci::result::aggregated, py::return_value_policy::reference_internal)
      .def_readonly("ranks", &ci::result::ranks, py::return_value_policy::reference_internal)
      .def_readonly("weights", &ci::result::weights)
      .def_readonly("effective_weights", &ci::result::effective_weights)
      .def_readonly("treatment", &ci::result::treatment)
      .def_readonly("imputed_cells", &ci::result::imputed_cells)
      .def_readonly("imputation_blocks", &ci::result::imputation_blocks)
      .def_readonly("diagnostics", &ci::result::diagnostics)
      .def_readonly("node_details", &ci::result::node_details)
      .def_property_readonly("units", [](const ci::result& r) { return *r.units; })
      .def("scores", &ci::result::scores, py::arg("framework"))
      .def("stage_shared", [](const ci::result& r, const std::string& a, const std::string& b) {
        auto get = [&](const std::string& s) -> const double* {
          if (s == "raw") return r.raw.get();
          if (s == "denominated") return r.denominated.get();
          if (s == "imputed") return r.imputed.get();
          if (s == "treated") return r.treated.get();
          if (s == "normalized") return r.normalized.get();
          throw ci::spec_error("unknown stage '" + s + "'");
        };
        return get(a) == get(b);
      }, py::arg("a"), py::arg("b"), "whether two stages share one data set (the later stage changed nothing)");

  m.def("build", &ci::build, py::arg("framework"), py::arg("data"), py::arg("spec"), py::call_guard<py::gil_scoped_release>(),
        "score an index: (framework, data, spec) -> result");
  m.def("run", &ci::run, py::arg("plan"), py::arg("data"), py::call_guard<py::gil_scoped_release>(), "run a resolved plan");
  m.def("aggregate",
        [](const ci::framework& fw, const ci::matrix& normalized, const ci::vector& weights,
           const std::vector<ci::aggregation::method>& methods, const std::vector<double>& coverage, const ci::codes& units) {
          return ci::aggregate(fw, normalized, weights, methods, coverage, units);
        },
        py::arg("framework"), py::arg("normalized"), py::arg("weights"), py::arg("methods"), py::arg("coverage"), py::arg("units"),
        py::call_guard<py::gil_scoped_release>());
  m.def("rank_scores", [](const ci::vector& x) { return ci::rank_scores(x); }, py::arg("scores"));
  m.def("rank_columns", [](const ci::matrix& x) { return ci::rank_columns(x); }, py::arg("scores"));
  m.def("rank_within_groups", [](const ci::vector& x, const std::vector<int>& g) { return ci::rank_within_groups(x, g); },
        py::arg("scores"), py::arg("group_ids"));
  m.def("skewness", [](const ci::vector& x) { return ci::statistics::skewness(x); }, py::arg("x"));
  m.def("kurtosis", [](const ci::vector& x) { return ci::statistics::kurtosis(x); }, py::arg("x"));
}
