// The method types of every stage, one submodule per stage (_core.normalization.MinMax, ...).
// Each is a small value type: keyword constructor, fields, repr, equality, pickling.
#include "bindings.hpp"

#include <sstream>

namespace {

std::string fmt(double x) {
  std::ostringstream s;
  s << x;
  return s.str();
}
std::string fmt(bool b) { return b ? "True" : "False"; }
std::string fmt(int i) { return std::to_string(i); }
std::string fmt(const std::string& s) { return "'" + s + "'"; }

// Binds an empty method type.
template <class T>
void bind_plain(py::module_& m, const char* py_name, const char* method_name, const char* doc) {
  py::class_<T>(m, py_name, doc)
      .def(py::init<>())
      .def_property_readonly("name", [method_name](const T&) { return std::string(method_name); })
      .def("__repr__", [py_name](const T&) { return std::string(py_name) + "()"; })
      .def("__eq__", [](const T&, const T&) { return true; })
      .def("__hash__", [method_name](const T&) { return py::hash(py::str(method_name)); })
      .def(py::pickle([](const T&) { return py::tuple(); }, [](const py::tuple&) { return T{}; }));
}

// Aggregation beyond weighted means (issue #12): penalty and sd conventions as words or numbers.
int penalty_of(const py::object& p, const char* method) {
  if (py::isinstance<py::str>(p)) {
    const auto s = p.cast<std::string>();
    if (s == "negative" || s == "minus" || s == "-1") return -1;
    if (s == "positive" || s == "plus" || s == "+1" || s == "1") return 1;
    throw ci::spec_error(std::string(method) + ": penalty must be 'negative' (M - S cv, the default) or 'positive' (M + S cv), got '" + s + "'");
  }
  if (py::isinstance<py::bool_>(p) || !(py::isinstance<py::int_>(p) || py::isinstance<py::float_>(p)))
    throw ci::spec_error(std::string(method) + ": penalty must be 'negative', 'positive', -1 or +1, got " + py::repr(p).cast<std::string>());
  const double v = p.cast<double>();
  if (v != -1.0 && v != 1.0) throw ci::spec_error(std::string(method) + ": penalty must be -1 or +1, got " + fmt(v));
  return static_cast<int>(v);
}
ci::aggregation::sd_kind sd_of(const std::string& s, const char* method) {
  if (s == "population") return ci::aggregation::sd_kind::population;
  if (s == "sample") return ci::aggregation::sd_kind::sample;
  throw ci::spec_error(std::string(method) + ": sd must be 'population' or 'sample', got '" + s + "'");
}
std::string sd_name(ci::aggregation::sd_kind k) { return k == ci::aggregation::sd_kind::sample ? "sample" : "population"; }
std::string penalty_name(int p) { return p < 0 ? "negative" : "positive"; }
bool same(double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); }
std::string fmt(const std::vector<double>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + fmt(v[i]);
  return s + "]";
}

}  // namespace

void bind_methods(py::module_& m) {
  // --- normalization -------------------------------------------------------------------------
  auto n = m.def_submodule("normalization", "Normalization methods");
  using namespace ci::normalization;
  bind_plain<min_max>(n, "MinMax", "min_max", "(x - min)/(max - min), mapped onto the range");
  bind_plain<distance_to_max>(n, "DistanceToMax", "distance_to_max", "1 - (max - x)/(max - min), mapped onto the range");
  bind_plain<fraction_of_max>(n, "FractionOfMax", "fraction_of_max", "x / max (min / x for direction -1), mapped onto the range");
  bind_plain<rank>(n, "Rank", "rank", "rank from the worst (1) to the best (n)");
  bind_plain<percentile_rank>(n, "PercentileRank", "percentile_rank", "(rank - 1)/(n - 1), mapped onto the range");
  bind_plain<borda>(n, "Borda", "borda", "rank - 1");
  bind_plain<none>(n, "NoNormalization", "none", "values as they are (direction applied)");
  py::class_<z_score>(n, "ZScore", "mean + sd (x - mean(x))/sd(x)")
      .def(py::init([](double mean, double sd) { return z_score{mean, sd}; }), py::kw_only(), py::arg("mean") = 0.0, py::arg("sd") = 1.0)
      .def_readwrite("mean", &z_score::mean)
      .def_readwrite("sd", &z_score::sd)
      .def_property_readonly("name", [](const z_score&) { return "z_score"; })
      .def("__repr__", [](const z_score& z) { return "ZScore(mean=" + fmt(z.mean) + ", sd=" + fmt(z.sd) + ")"; })
      .def("__eq__", [](const z_score& a, const z_score& b) { return a.mean == b.mean && a.sd == b.sd; })
      .def(py::pickle([](const z_score& z) { return py::make_tuple(z.mean, z.sd); },
                      [](const py::tuple& t) { return z_score{t[0].cast<double>(), t[1].cast<double>()}; }));
  py::class_<goalposts>(n, "Goalposts", "(x - lower)/(upper - lower), clamped; goalposts in raw units (NaN: the indicator's own)")
      .def(py::init([](double lower, double upper, bool clamp) { return goalposts{lower, upper, clamp}; }), py::kw_only(),
           py::arg("lower") = ci::nan, py::arg("upper") = ci::nan, py::arg("clamp") = true)
      .def_readwrite("lower", &goalposts::lower)
      .def_readwrite("upper", &goalposts::upper)
      .def_readwrite("clamp", &goalposts::clamp)
      .def_property_readonly("name", [](const goalposts&) { return "goalposts"; })
      .def("__repr__", [](const goalposts& g) {
        return "Goalposts(lower=" + fmt(g.lower) + ", upper=" + fmt(g.upper) + ", clamp=" + fmt(g.clamp) + ")";
      })
      .def("__eq__", [](const goalposts& a, const goalposts& b) {
        auto same = [](double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); };
        return same(a.lower, b.lower) && same(a.upper, b.upper) && a.clamp == b.clamp;
      })
      .def(py::pickle([](const goalposts& g) { return py::make_tuple(g.lower, g.upper, g.clamp); },
                      [](const py::tuple& t) { return goalposts{t[0].cast<double>(), t[1].cast<double>(), t[2].cast<bool>()}; }));
  py::class_<distance_to_reference>(n, "DistanceToReference", "(x - min)/(x_ref - min), the distance to a reference unit")
      .def(py::init([](std::string unit, bool cap) { return distance_to_reference{std::move(unit), cap}; }), py::kw_only(),
           py::arg("unit"), py::arg("cap") = false)
      .def_readwrite("unit", &distance_to_reference::unit)
      .def_readwrite("cap", &distance_to_reference::cap)
      .def_property_readonly("name", [](const distance_to_reference&) { return "distance_to_reference"; })
      .def("__repr__", [](const distance_to_reference& d) { return "DistanceToReference(unit=" + fmt(d.unit) + ", cap=" + fmt(d.cap) + ")"; })
      .def("__eq__", [](const distance_to_reference& a, const distance_to_reference& b) { return a.unit == b.unit && a.cap == b.cap; })
      .def(py::pickle([](const distance_to_reference& d) { return py::make_tuple(d.unit, d.cap); },
                      [](const py::tuple& t) { return distance_to_reference{t[0].cast<std::string>(), t[1].cast<bool>()}; }));
  py::class_<distance_to_target>(n, "DistanceToTarget", "(x - min)/(target - min), capped; target in raw units (NaN: the indicator's own)")
      .def(py::init([](double target, bool cap) { return distance_to_target{target, cap}; }), py::kw_only(),
           py::arg("target") = ci::nan, py::arg("cap") = true)
      .def_readwrite("target", &distance_to_target::target)
      .def_readwrite("cap", &distance_to_target::cap)
      .def_property_readonly("name", [](const distance_to_target&) { return "distance_to_target"; })
      .def("__repr__", [](const distance_to_target& d) { return "DistanceToTarget(target=" + fmt(d.target) + ", cap=" + fmt(d.cap) + ")"; })
      .def("__eq__", [](const distance_to_target& a, const distance_to_target& b) {
        return (a.target == b.target || (std::isnan(a.target) && std::isnan(b.target))) && a.cap == b.cap;
      })
      .def(py::pickle([](const distance_to_target& d) { return py::make_tuple(d.target, d.cap); },
                      [](const py::tuple& t) { return distance_to_target{t[0].cast<double>(), t[1].cast<bool>()}; }));
  n.def("from_name", &ci::normalization::from_name, py::arg("name"));

  // --- aggregation ---------------------------------------------------------------------------
  auto a = m.def_submodule("aggregation", "Aggregation methods");
  using namespace ci::aggregation;
  bind_plain<arithmetic_mean>(a, "ArithmeticMean", "arithmetic_mean", "weighted arithmetic mean");
  bind_plain<geometric_mean>(a, "GeometricMean", "geometric_mean", "weighted geometric mean (values > 0)");
  bind_plain<harmonic_mean>(a, "HarmonicMean", "harmonic_mean", "weighted harmonic mean (values > 0)");
  bind_plain<copeland>(a, "Copeland", "copeland", "Copeland's rule: pairwise wins minus losses");
  py::class_<generalized_mean>(a, "GeneralizedMean", "(sum w x^p / sum w)^(1/p)")
      .def(py::init([](double p) { return generalized_mean{p}; }), py::kw_only(), py::arg("p") = 1.0)
      .def_readwrite("p", &generalized_mean::p)
      .def_property_readonly("name", [](const generalized_mean&) { return "generalized_mean"; })
      .def("__repr__", [](const generalized_mean& g) { return "GeneralizedMean(p=" + fmt(g.p) + ")"; })
      .def("__eq__", [](const generalized_mean& x, const generalized_mean& y) { return x.p == y.p; })
      .def(py::pickle([](const generalized_mean& g) { return py::make_tuple(g.p); },
                      [](const py::tuple& t) { return generalized_mean{t[0].cast<double>()}; }));
  // Beyond weighted means (issue #12): OWA, mean-min, MPI, AMPI, TOPSIS, Wroclaw.
  py::class_<owa>(a, "Owa", "ordered weighted average: values sorted best first, weighted by position (orness or explicit weights)")
      .def(py::init([](double orness, std::vector<double> weights) { return owa{orness, std::move(weights)}; }), py::kw_only(),
           py::arg("orness") = 0.5, py::arg("weights") = std::vector<double>{})
      .def_readwrite("orness", &owa::orness)
      .def_readwrite("weights", &owa::weights)
      .def_property_readonly("name", [](const owa&) { return "owa"; })
      .def("__repr__", [](const owa& o) {
        return o.weights.empty() ? "Owa(orness=" + fmt(o.orness) + ")" : "Owa(weights=" + fmt(o.weights) + ")";
      })
      .def("__eq__", [](const owa& x, const owa& y) { return x.orness == y.orness && x.weights == y.weights; })
      .def(py::pickle([](const owa& o) { return py::make_tuple(o.orness, o.weights); },
                      [](const py::tuple& t) { return owa{t[0].cast<double>(), t[1].cast<std::vector<double>>()}; }));
  py::class_<mean_min>(a, "MeanMin", "mean-min function: M - alpha (sqrt((M - min)^2 + beta^2) - beta)")
      .def(py::init([](double alpha, double beta) { return mean_min{alpha, beta}; }), py::kw_only(), py::arg("alpha") = 0.5,
           py::arg("beta") = 10.0)
      .def_readwrite("alpha", &mean_min::alpha)
      .def_readwrite("beta", &mean_min::beta)
      .def_property_readonly("name", [](const mean_min&) { return "mean_min"; })
      .def("__repr__", [](const mean_min& x) { return "MeanMin(alpha=" + fmt(x.alpha) + ", beta=" + fmt(x.beta) + ")"; })
      .def("__eq__", [](const mean_min& x, const mean_min& y) { return x.alpha == y.alpha && x.beta == y.beta; })
      .def(py::pickle([](const mean_min& x) { return py::make_tuple(x.alpha, x.beta); },
                      [](const py::tuple& t) { return mean_min{t[0].cast<double>(), t[1].cast<double>()}; }));
  py::class_<mpi>(a, "Mpi", "Mazziotta-Pareto Index: z = 100 + 10 z-score per child, then M -/+ S cv per unit")
      .def(py::init([](const py::object& penalty, const std::string& sd) { return mpi{penalty_of(penalty, "mpi"), sd_of(sd, "mpi")}; }),
           py::kw_only(), py::arg("penalty") = "negative", py::arg("sd") = "population")
      .def_property_readonly("penalty", [](const mpi& x) { return penalty_name(x.penalty); })
      .def_property_readonly("sd", [](const mpi& x) { return sd_name(x.sd); })
      .def_property_readonly("name", [](const mpi&) { return "mpi"; })
      .def("__repr__", [](const mpi& x) { return "Mpi(penalty='" + penalty_name(x.penalty) + "', sd='" + sd_name(x.sd) + "')"; })
      .def("__eq__", [](const mpi& x, const mpi& y) { return x.penalty == y.penalty && x.sd == y.sd; })
      .def(py::pickle([](const mpi& x) { return py::make_tuple(x.penalty, static_cast<int>(x.sd)); },
                      [](const py::tuple& t) { return mpi{t[0].cast<int>(), static_cast<ci::aggregation::sd_kind>(t[1].cast<int>())}; }));
  py::class_<ampi>(a, "Ampi", "adjusted MPI: children rescaled onto 70..130 between goalposts reference -/+ range, then M -/+ S cv")
      .def(py::init([](const py::object& penalty, double reference, double range, const std::string& sd) {
             return ampi{penalty_of(penalty, "ampi"), reference, range, sd_of(sd, "ampi")};
           }),
           py::kw_only(), py::arg("penalty") = "negative", py::arg("reference") = ci::nan, py::arg("range") = ci::nan,
           py::arg("sd") = "population")
      .def_property_readonly("penalty", [](const ampi& x) { return penalty_name(x.penalty); })
      .def_readwrite("reference", &ampi::reference)
      .def_readwrite("range", &ampi::range)
      .def_property_readonly("sd", [](const ampi& x) { return sd_name(x.sd); })
      .def_property_readonly("name", [](const ampi&) { return "ampi"; })
      .def("__repr__", [](const ampi& x) {
        return "Ampi(penalty='" + penalty_name(x.penalty) + "', reference=" + fmt(x.reference) + ", range=" + fmt(x.range) +
               ", sd='" + sd_name(x.sd) + "')";
      })
      .def("__eq__", [](const ampi& x, const ampi& y) {
        return x.penalty == y.penalty && same(x.reference, y.reference) && same(x.range, y.range) && x.sd == y.sd;
      })
      .def(py::pickle([](const ampi& x) { return py::make_tuple(x.penalty, x.reference, x.range, static_cast<int>(x.sd)); },
                      [](const py::tuple& t) {
                        return ampi{t[0].cast<int>(), t[1].cast<double>(), t[2].cast<double>(),
                                    static_cast<ci::aggregation::sd_kind>(t[3].cast<int>())};
                      }));
  py::class_<topsis>(a, "Topsis", "TOPSIS: closeness d-/(d+ + d-) to the ideal and anti-ideal units, mapped onto lower..upper")
      .def(py::init([](const std::string& normalize, double lower, double upper) {
             if (normalize != "none" && normalize != "vector")
               throw ci::spec_error("topsis: normalize must be 'none' or 'vector', got '" + normalize + "'");
             return topsis{normalize == "vector", lower, upper};
           }),
           py::kw_only(), py::arg("normalize") = "none", py::arg("lower") = 0.0, py::arg("upper") = 100.0)
      .def_property_readonly("normalize", [](const topsis& x) { return x.vector_normalize ? "vector" : "none"; })
      .def_readwrite("lower", &topsis::lower)
      .def_readwrite("upper", &topsis::upper)
      .def_property_readonly("name", [](const topsis&) { return "topsis"; })
      .def("__repr__", [](const topsis& x) {
        return std::string("Topsis(normalize='") + (x.vector_normalize ? "vector" : "none") + "', lower=" + fmt(x.lower) +
               ", upper=" + fmt(x.upper) + ")";
      })
      .def("__eq__", [](const topsis& x, const topsis& y) {
        return x.vector_normalize == y.vector_normalize && x.lower == y.lower && x.upper == y.upper;
      })
      .def(py::pickle([](const topsis& x) { return py::make_tuple(x.vector_normalize, x.lower, x.upper); },
                      [](const py::tuple& t) { return topsis{t[0].cast<bool>(), t[1].cast<double>(), t[2].cast<double>()}; }));
  py::class_<wroclaw>(a, "Wroclaw", "Wroclaw taxonomy: 1 - d/d0, d the distance to the ideal unit, d0 = mean(d) + 2 sd(d)")
      .def(py::init([](const std::string& sd, double lower, double upper) { return wroclaw{sd_of(sd, "wroclaw"), lower, upper}; }),
           py::kw_only(), py::arg("sd") = "population", py::arg("lower") = 0.0, py::arg("upper") = 100.0)
      .def_property_readonly("sd", [](const wroclaw& x) { return sd_name(x.sd); })
      .def_readwrite("lower", &wroclaw::lower)
      .def_readwrite("upper", &wroclaw::upper)
      .def_property_readonly("name", [](const wroclaw&) { return "wroclaw"; })
      .def("__repr__", [](const wroclaw& x) {
        return "Wroclaw(sd='" + sd_name(x.sd) + "', lower=" + fmt(x.lower) + ", upper=" + fmt(x.upper) + ")";
      })
      .def("__eq__", [](const wroclaw& x, const wroclaw& y) { return x.sd == y.sd && x.lower == y.lower && x.upper == y.upper; })
      .def(py::pickle([](const wroclaw& x) { return py::make_tuple(static_cast<int>(x.sd), x.lower, x.upper); },
                      [](const py::tuple& t) {
                        return wroclaw{static_cast<ci::aggregation::sd_kind>(t[0].cast<int>()), t[1].cast<double>(), t[2].cast<double>()};
                      }));
  a.def("owa_weights", &ci::aggregation::owa_weights, py::arg("orness"), py::arg("k"),
        "OWA ordered weights of the given orness for k values (RIM quantifier Q(r) = r^a)");
  a.def("owa_orness", &ci::aggregation::owa_orness, py::arg("weights"), "the orness of ordered weights (best value first)");
  a.def("from_name", &ci::aggregation::from_name, py::arg("name"), py::arg("p") = 1.0);
  // Benefit of the Doubt: share bounds are None, one number (every child) or one per child.
  {
    auto shares = [](const py::object& o, const char* what) {
      if (o.is_none()) return std::vector<double>{};
      if (py::isinstance<py::float_>(o) || py::isinstance<py::int_>(o)) return std::vector<double>{o.cast<double>()};
      try {
        return o.cast<std::vector<double>>();
      } catch (const py::cast_error&) {
        throw ci::spec_error(std::string("benefit_of_doubt: ") + what + " must be None, a number or a list of numbers");
      }
    };
    auto list_repr = [](const std::vector<double>& v) {
      if (v.empty()) return std::string("None");
      if (v.size() == 1) return fmt(v[0]);
      std::string s = "[";
      for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + fmt(v[i]);
      return s + "]";
    };
    using bod = benefit_of_doubt;
    py::class_<bod>(a, "BenefitOfDoubt",
                    "Benefit of the Doubt: each unit's score with its own most favourable weights (one LP per unit, "
                    "COIN-OR CLP), in [0, 1] mapped onto [lo, hi]; optional bounds on each child's share of the score")
        .def(py::init([shares](const py::object& lower, const py::object& upper, const py::object& spread, double lo, double hi) {
               bod b;
               b.share_lower = shares(lower, "share_lower");
               b.share_upper = shares(upper, "share_upper");
               if (!spread.is_none()) b.nominal_spread = spread.cast<double>();
               b.lo = lo;
               b.hi = hi;
               return b;
             }),
             py::kw_only(), py::arg("share_lower") = py::none(), py::arg("share_upper") = py::none(),
             py::arg("nominal_spread") = py::none(), py::arg("lo") = 0.0, py::arg("hi") = 100.0)
        .def_readonly("share_lower", &bod::share_lower)
        .def_readonly("share_upper", &bod::share_upper)
        .def_property_readonly("nominal_spread", [](const bod& b) -> py::object {
          return std::isnan(b.nominal_spread) ? py::object(py::none()) : py::object(py::float_(b.nominal_spread));
        })
        .def_readonly("lo", &bod::lo)
        .def_readonly("hi", &bod::hi)
        .def_property_readonly("name", [](const bod&) { return "benefit_of_doubt"; })
        .def("__repr__", [list_repr](const bod& b) {
          std::string s = "BenefitOfDoubt(";
          if (!b.share_lower.empty()) s += "share_lower=" + list_repr(b.share_lower) + ", ";
          if (!b.share_upper.empty()) s += "share_upper=" + list_repr(b.share_upper) + ", ";
          if (!std::isnan(b.nominal_spread)) s += "nominal_spread=" + fmt(b.nominal_spread) + ", ";
          return s + "lo=" + fmt(b.lo) + ", hi=" + fmt(b.hi) + ")";
        })
        .def("__eq__", [](const bod& x, const bod& y) {
          auto same = [](double u, double v) { return u == v || (std::isnan(u) && std::isnan(v)); };
          return x.share_lower == y.share_lower && x.share_upper == y.share_upper &&
                 same(x.nominal_spread, y.nominal_spread) && x.lo == y.lo && x.hi == y.hi;
        })
        .def(py::pickle([](const bod& b) { return py::make_tuple(b.share_lower, b.share_upper, b.nominal_spread, b.lo, b.hi); },
                        [](const py::tuple& t) {
                          bod b;
                          b.share_lower = t[0].cast<std::vector<double>>();
                          b.share_upper = t[1].cast<std::vector<double>>();
                          b.nominal_spread = t[2].cast<double>();
                          b.lo = t[3].cast<double>();
                          b.hi = t[4].cast<double>();
                          return b;
                        }));
    a.def("has_lp_solver", &ci::has_lp_solver, "whether this build has COIN-OR CLP (Benefit of the Doubt works)");
    a.def(
        "solve_benefit_of_doubt",
        [shares](const ci::matrix& y, const py::object& lower, const py::object& upper, bool warm_start) {
          const auto lo = shares(lower, "share_lower"), up = shares(upper, "share_upper");
          ci::benefit_of_doubt_solution s;
          {
            py::gil_scoped_release release;
            s = ci::solve_benefit_of_doubt(y, lo, up, {}, warm_start);
          }
          return py::make_tuple(s.efficiency, s.weights, s.peers);
        },
        py::arg("y"), py::kw_only(), py::arg("share_lower") = py::none(), py::arg("share_upper") = py::none(),
        py::arg("warm_start") = false,
        "Benefit of the Doubt of the rows of y (units x children, >= 0, NaN counts as 0): (efficiency, weights, peers)");
  }

  // --- imputation ----------------------------------------------------------------------------
  auto im = m.def_submodule("imputation", "Imputation methods");
  using namespace ci::imputation;
  bind_plain<ci::imputation::none>(im, "NoImputation", "none", "no imputation");
  bind_plain<mean>(im, "Mean", "mean", "the indicator's mean");
  bind_plain<median>(im, "Median", "median", "the indicator's median");
  py::class_<group_mean>(im, "GroupMean", "the mean within the unit's group")
      .def(py::init([](std::string g) { return group_mean{std::move(g)}; }), py::kw_only(), py::arg("group"))
      .def_readwrite("group", &group_mean::group)
      .def_property_readonly("name", [](const group_mean&) { return "group_mean"; })
      .def("__repr__", [](const group_mean& g) { return "GroupMean(group=" + fmt(g.group) + ")"; })
      .def("__eq__", [](const group_mean& x, const group_mean& y) { return x.group == y.group; })
      .def(py::pickle([](const group_mean& g) { return py::make_tuple(g.group); },
                      [](const py::tuple& t) { return group_mean{t[0].cast<std::string>()}; }));
  py::class_<group_median>(im, "GroupMedian", "the median within the unit's group")
      .def(py::init([](std::string g) { return group_median{std::move(g)}; }), py::kw_only(), py::arg("group"))
      .def_readwrite("group", &group_median::group)
      .def_property_readonly("name", [](const group_median&) { return "group_median"; })
      .def("__repr__", [](const group_median& g) { return "GroupMedian(group=" + fmt(g.group) + ")"; })
      .def("__eq__", [](const group_median& x, const group_median& y) { return x.group == y.group; })
      .def(py::pickle([](const group_median& g) { return py::make_tuple(g.group); },
                      [](const py::tuple& t) { return group_median{t[0].cast<std::string>()}; }));

  // Multivariate imputation (issue #13): EM, EM draws, k nearest neighbours, chained regressions.
  py::class_<em>(im, "Em", "expectation-maximization under a multivariate normal model: conditional means")
      .def(py::init([](std::string scope, double tolerance, int max_iterations, bool clamp, double ridge) {
             return em{std::move(scope), tolerance, max_iterations, clamp, ridge};
           }),
           py::kw_only(), py::arg("scope") = "pillar", py::arg("tolerance") = 1e-8, py::arg("max_iterations") = 1000,
           py::arg("clamp") = false, py::arg("ridge") = 0.0)
      .def_readwrite("scope", &em::scope)
      .def_readwrite("tolerance", &em::tolerance)
      .def_readwrite("max_iterations", &em::max_iterations)
      .def_readwrite("clamp", &em::clamp)
      .def_readwrite("ridge", &em::ridge)
      .def_property_readonly("name", [](const em&) { return "em"; })
      .def("__repr__", [](const em& e) {
        return "Em(scope=" + fmt(e.scope) + ", tolerance=" + fmt(e.tolerance) + ", max_iterations=" + fmt(e.max_iterations) +
               ", clamp=" + fmt(e.clamp) + ", ridge=" + fmt(e.ridge) + ")";
      })
      .def("__eq__", [](const em& x, const em& y) { return describe(x) == describe(y); })
      .def(py::pickle([](const em& e) { return py::make_tuple(e.scope, e.tolerance, e.max_iterations, e.clamp, e.ridge); },
                      [](const py::tuple& t) {
                        return em{t[0].cast<std::string>(), t[1].cast<double>(), t[2].cast<int>(), t[3].cast<bool>(), t[4].cast<double>()};
                      }));
  py::class_<em_draw>(im, "EmDraw", "EM, then a draw from the conditional normal distribution (multiple imputation)")
      .def(py::init([](std::string scope, double tolerance, int max_iterations, bool clamp, double ridge, std::uint64_t seed) {
             return em_draw{std::move(scope), tolerance, max_iterations, clamp, ridge, seed, 0};
           }),
           py::kw_only(), py::arg("scope") = "pillar", py::arg("tolerance") = 1e-8, py::arg("max_iterations") = 1000,
           py::arg("clamp") = false, py::arg("ridge") = 0.0, py::arg("seed") = 0)
      .def_readwrite("scope", &em_draw::scope)
      .def_readwrite("tolerance", &em_draw::tolerance)
      .def_readwrite("max_iterations", &em_draw::max_iterations)
      .def_readwrite("clamp", &em_draw::clamp)
      .def_readwrite("ridge", &em_draw::ridge)
      .def_readwrite("seed", &em_draw::seed)
      .def_readwrite("stream", &em_draw::stream)
      .def_property_readonly("name", [](const em_draw&) { return "em_draw"; })
      .def("__repr__", [](const em_draw& e) {
        return "EmDraw(scope=" + fmt(e.scope) + ", tolerance=" + fmt(e.tolerance) + ", max_iterations=" + fmt(e.max_iterations) +
               ", clamp=" + fmt(e.clamp) + ", ridge=" + fmt(e.ridge) + ", seed=" + std::to_string(e.seed) + ")";
      })
      .def("__eq__", [](const em_draw& x, const em_draw& y) { return describe(x) == describe(y) && x.stream == y.stream; })
      .def(py::pickle([](const em_draw& e) { return py::make_tuple(e.scope, e.tolerance, e.max_iterations, e.clamp, e.ridge, e.seed, e.stream); },
                      [](const py::tuple& t) {
                        return em_draw{t[0].cast<std::string>(), t[1].cast<double>(), t[2].cast<int>(), t[3].cast<bool>(),
                                       t[4].cast<double>(), t[5].cast<std::uint64_t>(), t[6].cast<std::uint64_t>()};
                      }));
  py::class_<knn>(im, "Knn", "k nearest neighbours on the standardized indicators of the scope (nan-Euclidean distance)")
      .def(py::init([](std::string scope, int k, std::string weights, std::string group) {
             return knn{std::move(scope), k, std::move(weights), std::move(group)};
           }),
           py::kw_only(), py::arg("scope") = "pillar", py::arg("k") = 5, py::arg("weights") = "uniform", py::arg("group") = "")
      .def_readwrite("scope", &knn::scope)
      .def_readwrite("k", &knn::k)
      .def_readwrite("weights", &knn::weights)
      .def_readwrite("group", &knn::group)
      .def_property_readonly("name", [](const knn&) { return "knn"; })
      .def("__repr__", [](const knn& k) {
        return "Knn(scope=" + fmt(k.scope) + ", k=" + fmt(k.k) + ", weights=" + fmt(k.weights) + ", group=" + fmt(k.group) + ")";
      })
      .def("__eq__", [](const knn& x, const knn& y) { return describe(x) == describe(y); })
      .def(py::pickle([](const knn& k) { return py::make_tuple(k.scope, k.k, k.weights, k.group); },
                      [](const py::tuple& t) {
                        return knn{t[0].cast<std::string>(), t[1].cast<int>(), t[2].cast<std::string>(), t[3].cast<std::string>()};
                      }));
  py::class_<chained>(im, "Chained", "chained regressions (iterative imputation with a linear model)")
      .def(py::init([](std::string scope, double tolerance, int max_iterations, double ridge, bool clamp) {
             return chained{std::move(scope), tolerance, max_iterations, ridge, clamp};
           }),
           py::kw_only(), py::arg("scope") = "pillar", py::arg("tolerance") = 1e-3, py::arg("max_iterations") = 10,
           py::arg("ridge") = 0.0, py::arg("clamp") = false)
      .def_readwrite("scope", &chained::scope)
      .def_readwrite("tolerance", &chained::tolerance)
      .def_readwrite("max_iterations", &chained::max_iterations)
      .def_readwrite("ridge", &chained::ridge)
      .def_readwrite("clamp", &chained::clamp)
      .def_property_readonly("name", [](const chained&) { return "chained"; })
      .def("__repr__", [](const chained& c) {
        return "Chained(scope=" + fmt(c.scope) + ", tolerance=" + fmt(c.tolerance) + ", max_iterations=" + fmt(c.max_iterations) +
               ", ridge=" + fmt(c.ridge) + ", clamp=" + fmt(c.clamp) + ")";
      })
      .def("__eq__", [](const chained& x, const chained& y) { return describe(x) == describe(y); })
      .def(py::pickle([](const chained& c) { return py::make_tuple(c.scope, c.tolerance, c.max_iterations, c.ridge, c.clamp); },
                      [](const py::tuple& t) {
                        return chained{t[0].cast<std::string>(), t[1].cast<double>(), t[2].cast<int>(), t[3].cast<double>(), t[4].cast<bool>()};
                      }));
  im.def(
      "impute_block",
      [](const ci::imputation::method& meth, ci::matrix x, std::vector<std::string> names, std::string block, std::vector<int> groups) {
        ci::imputation_block_report r;
        {
          py::gil_scoped_release release;
          r = ci::impute_block(meth, x, names, block, groups);
        }
        return py::make_tuple(x, r);
      },
      py::arg("method"), py::arg("x"), py::arg("names"), py::arg("block") = "block", py::arg("groups") = std::vector<int>{},
      "impute a units x indicators block (NaN missing) with a multivariate method: (imputed values, ImputationBlock)");

  // --- treatment -----------------------------------------------------------------------------
  auto tr = m.def_submodule("treatment", "Outlier treatment");
  py::enum_<ci::treatment::log_kind>(tr, "LogKind")
      .value("coin_tool", ci::treatment::log_kind::coin_tool)
      .value("gii", ci::treatment::log_kind::gii);
  bind_plain<ci::treatment::none>(tr, "NoTreatment", "none", "no outlier treatment");
  using ci::treatment::gii;
  py::class_<gii>(tr, "Gii", "the JRC/GII rule: winsorize up to max_winsorized points, else log")
      .def(py::init([](double s, double k, int w, ci::treatment::log_kind f) { return gii{s, k, w, f}; }), py::kw_only(),
           py::arg("skew_threshold") = 2.25, py::arg("kurtosis_threshold") = 3.5, py::arg("max_winsorized") = 5,
           py::arg("fallback") = ci::treatment::log_kind::coin_tool)
      .def_readwrite("skew_threshold", &gii::skew_threshold)
      .def_readwrite("kurtosis_threshold", &gii::kurtosis_threshold)
      .def_readwrite("max_winsorized", &gii::max_winsorized)
      .def_readwrite("fallback", &gii::fallback)
      .def_property_readonly("name", [](const gii&) { return "gii"; })
      .def("__repr__", [](const gii& g) {
        return "Gii(skew_threshold=" + fmt(g.skew_threshold) + ", kurtosis_threshold=" + fmt(g.kurtosis_threshold) +
               ", max_winsorized=" + fmt(g.max_winsorized) + ", fallback='" +
               (g.fallback == ci::treatment::log_kind::gii ? "gii" : "coin_tool") + "')";
      })
      .def("__eq__", [](const gii& x, const gii& y) {
        return x.skew_threshold == y.skew_threshold && x.kurtosis_threshold == y.kurtosis_threshold &&
               x.max_winsorized == y.max_winsorized && x.fallback == y.fallback;
      })
      .def(py::pickle([](const gii& g) { return py::make_tuple(g.skew_threshold, g.kurtosis_threshold, g.max_winsorized, static_cast<int>(g.fallback)); },
                      [](const py::tuple& t) {
                        return gii{t[0].cast<double>(), t[1].cast<double>(), t[2].cast<int>(),
                                   static_cast<ci::treatment::log_kind>(t[3].cast<int>())};
                      }));

  // --- transform -----------------------------------------------------------------------------
  auto tf = m.def_submodule("transform", "Transforms applied before normalization");
  bind_plain<ci::transform::none>(tf, "NoTransform", "none", "no transform");
  bind_plain<ci::transform::log>(tf, "Log", "log", "natural logarithm");
  bind_plain<ci::transform::log10>(tf, "Log10", "log10", "base-10 logarithm");
  bind_plain<ci::transform::log1p>(tf, "Log1p", "log1p", "log(1 + x)");
  bind_plain<ci::transform::sqrt>(tf, "Sqrt", "sqrt", "square root");
  py::class_<ci::transform::box_cox>(tf, "BoxCox", "(x^lambda - 1)/lambda, log x at 0")
      .def(py::init([](double l) { return ci::transform::box_cox{l}; }), py::kw_only(), py::arg("lmbda") = 0.0)
      .def_readwrite("lmbda", &ci::transform::box_cox::lambda)
      .def_property_readonly("name", [](const ci::transform::box_cox&) { return "box_cox"; })
      .def("__repr__", [](const ci::transform::box_cox& b) { return "BoxCox(lmbda=" + fmt(b.lambda) + ")"; })
      .def("__eq__", [](const ci::transform::box_cox& x, const ci::transform::box_cox& y) { return x.lambda == y.lambda; })
      .def(py::pickle([](const ci::transform::box_cox& b) { return py::make_tuple(b.lambda); },
                      [](const py::tuple& t) { return ci::transform::box_cox{t[0].cast<double>()}; }));
}
