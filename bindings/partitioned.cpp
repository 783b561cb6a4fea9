// Scoring partition by partition (compindex._dask_scoring): a partition's column normalized with
// the whole column's summary, by the core's own one-pass normalization, so that every value is
// the in-memory run's bit for bit.
#include "bindings.hpp"

void bind_partitioned(py::module_& m) {
  m.def(
      "normalize_with_summary",
      [](const ci::normalization::method& method, const ci::range& r, const Eigen::Ref<const ci::vector>& x, int direction,
         ci::index_t count, double min, double max, const std::string& indicator) {
        ci::statistics::summary sm;
        sm.count = count;
        sm.min = min;
        sm.max = max;
        ci::column_context ctx;
        ctx.indicator = &indicator;
        ctx.direction = direction;
        ci::vector out(x.size());
        if (!ci::normalize_column_into(method, r, x.data(), out.data(), x.size(), sm, ctx))
          throw ci::spec_error("normalize_with_summary: normalization '" + ci::normalization::name(method) +
                               "' of indicator '" + indicator + "' needs more than the column's count, minimum and maximum");
        return out;
      },
      py::arg("method"), py::arg("range"), py::arg("x"), py::arg("direction"), py::arg("count"), py::arg("min"),
      py::arg("max"), py::arg("indicator"), py::call_guard<py::gil_scoped_release>(),
      "normalizes one partition's column (min_max or distance_to_max) with the whole column's count, minimum and "
      "maximum (undirected values), as the core normalizes the whole column");
}
