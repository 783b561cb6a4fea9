// Spatial autocorrelation: Moran's I, Geary's C and local Moran on compressed-row weights. The
// weights arrive as arrays (offsets, neighbours, values) from compindex.analysis.SpatialWeights;
// results go back as dicts of floats and arrays. The permutation loops release the GIL.
#include "bindings.hpp"

#include <compindex/spatial.hpp>

namespace {

namespace sp = compindex::spatial;

sp::permutation_options options(ci::index_t permutations, std::uint64_t seed, unsigned threads) {
  sp::permutation_options o;
  o.permutations = permutations;
  o.seed = seed;
  o.threads = threads;
  return o;
}

py::dict global_dict(const sp::global_result& g) {
  py::dict d;
  d["statistic"] = g.statistic;
  d["expected"] = g.expected;
  d["var_norm"] = g.var_norm;
  d["var_rand"] = g.var_rand;
  d["z_norm"] = g.z_norm;
  d["z_rand"] = g.z_rand;
  d["p_norm"] = g.p_norm;
  d["p_rand"] = g.p_rand;
  d["permutations"] = g.permutations;
  d["p_sim"] = g.p_sim;
  d["mean_sim"] = g.mean_sim;
  d["sd_sim"] = g.sd_sim;
  d["sims"] = g.sims;
  return d;
}

}  // namespace

void bind_spatial(py::module_& m) {
  using idx = std::vector<ci::index_t>;
  m.def("spatial_weights_check",
        [](ci::index_t n, idx offsets, idx neighbours, std::vector<double> values, ci::codes units) {
          auto w = sp::make_weights(n, std::move(offsets), std::move(neighbours), std::move(values), std::move(units));
          auto s = sp::sums(w);
          return py::make_tuple(s.s0, s.s1, s.s2);
        },
        py::arg("n"), py::arg("offsets"), py::arg("neighbours"), py::arg("values"), py::arg("units") = ci::codes{},
        "checks compressed-row spatial weights; returns (S0, S1, S2)");
  m.def("spatial_global",
        [](const std::string& statistic, const ci::vector& y, ci::index_t n, idx offsets, idx neighbours,
           std::vector<double> values, ci::codes units, ci::index_t permutations, std::uint64_t seed, unsigned threads) {
          if (statistic != "moran" && statistic != "geary")
            throw ci::spec_error("spatial_global: statistic must be 'moran' or 'geary', got '" + statistic + "'");
          auto w = sp::make_weights(n, std::move(offsets), std::move(neighbours), std::move(values), std::move(units));
          sp::global_result g;
          {
            py::gil_scoped_release release;
            const auto o = options(permutations, seed, threads);
            g = statistic == "moran" ? sp::moran(y, w, o) : sp::geary(y, w, o);
          }
          return global_dict(g);
        },
        py::arg("statistic"), py::arg("y"), py::arg("n"), py::arg("offsets"), py::arg("neighbours"), py::arg("values"),
        py::arg("units") = ci::codes{}, py::arg("permutations") = 999, py::arg("seed") = 0, py::arg("threads") = 1,
        "global Moran's I or Geary's C with analytic and permutation inference");
  m.def("spatial_local_moran",
        [](const ci::vector& y, ci::index_t n, idx offsets, idx neighbours, std::vector<double> values, ci::codes units,
           ci::index_t permutations, std::uint64_t seed, unsigned threads) {
          auto w = sp::make_weights(n, std::move(offsets), std::move(neighbours), std::move(values), std::move(units));
          sp::local_result l;
          {
            py::gil_scoped_release release;
            l = sp::local_moran(y, w, options(permutations, seed, threads));
          }
          py::dict d;
          d["z"] = l.z;
          d["lag"] = l.lag;
          d["I"] = l.I;
          d["quadrant"] = l.quadrant;
          d["p_sim"] = l.p_sim;
          d["mean_sim"] = l.mean_sim;
          d["sd_sim"] = l.sd_sim;
          d["permutations"] = l.permutations;
          return d;
        },
        py::arg("y"), py::arg("n"), py::arg("offsets"), py::arg("neighbours"), py::arg("values"),
        py::arg("units") = ci::codes{}, py::arg("permutations") = 999, py::arg("seed") = 0, py::arg("threads") = 1,
        "local Moran's I_i with conditional permutation p-values and quadrants (1 HH, 2 LH, 3 LL, 4 HL, 0 island)");
}
