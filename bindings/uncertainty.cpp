// Uncertainty and sensitivity analysis: factors, the replication engine (for chunked and
// distributed runs), and the one-call analyses. Long calls release the GIL.
#include "bindings.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace ua = compindex::uncertainty;

namespace {

ua::options make_options(std::size_t n, std::uint64_t seed, unsigned threads, const std::string& sampler) {
  ua::options o;
  o.n = n;
  o.seed = seed;
  o.threads = threads;
  if (sampler == "sobol") {
    o.sampling = ua::sampler::sobol;
  } else if (sampler == "monte_carlo") {
    o.sampling = ua::sampler::monte_carlo;
  } else {
    throw ci::spec_error("sampler must be 'sobol' or 'monte_carlo', got '" + sampler + "'");
  }
  return o;
}

// Evaluates rows on a worker thread while the calling thread waits without the GIL, waking every
// 50 ms to take the GIL, run Python's signal handlers (Ctrl-C raises KeyboardInterrupt there) and
// report progress. On a Python exception the engine is told to stop between blocks, the worker is
// joined (so nothing outlives the call) and the exception propagates.
ua::replications evaluate_watched(const ua::engine& e, const ci::matrix& inputs, std::size_t first, const ua::options& o,
                                  const py::object& progress) {
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> done{0};
  ua::control ctl;
  ctl.stop = &stop;
  ctl.done = &done;
  std::mutex m;
  std::condition_variable cv;
  bool finished = false;
  std::exception_ptr failure;
  ua::replications out;
  const auto total = static_cast<std::size_t>(inputs.rows());
  std::thread worker([&] {
    try {
      out = e.evaluate(inputs, first, o, ctl);
    } catch (...) {
      failure = std::current_exception();
    }
    std::lock_guard<std::mutex> lk(m);
    finished = true;
    cv.notify_all();
  });
  bool python_error = false;
  std::size_t reported = 0;
  for (;;) {
    bool over = false;
    {
      py::gil_scoped_release release;
      std::unique_lock<std::mutex> lk(m);
      over = cv.wait_for(lk, std::chrono::milliseconds(50), [&] { return finished; });
    }
    if (over) break;
    if (PyErr_CheckSignals() != 0) {
      python_error = true;
      break;
    }
    const std::size_t d = done.load(std::memory_order_relaxed);
    if (!progress.is_none() && d != reported) {
      reported = d;
      try {
        progress(d, total);
      } catch (py::error_already_set& err) {
        err.restore();
        python_error = true;
        break;
      }
    }
  }
  if (python_error) stop.store(true);
  {
    py::gil_scoped_release release;
    worker.join();
  }
  if (python_error) throw py::error_already_set();
  if (failure) std::rethrow_exception(failure);
  if (!progress.is_none() && reported != total) progress(total, total);
  return out;
}

}  // namespace

void bind_uncertainty(py::module_& root) {
  auto m = root.def_submodule("uncertainty", "Uncertainty and sensitivity analysis of ranks");

  py::class_<ua::weights_factor>(m, "WeightsFactor")
      .def(py::init([](std::string name, std::vector<std::string> nodes, double spread, bool dirichlet, double concentration) {
             return ua::weights_factor{std::move(name), std::move(nodes), spread, dirichlet, concentration};
           }),
           py::kw_only(), py::arg("name") = "weights", py::arg("nodes") = std::vector<std::string>{}, py::arg("spread") = 0.25,
           py::arg("dirichlet") = false, py::arg("concentration") = 100.0)
      .def_readonly("name", &ua::weights_factor::name);
  py::class_<ua::normalization_factor>(m, "NormalizationFactor")
      .def(py::init([](std::string name, std::vector<ci::normalization::method> alt) { return ua::normalization_factor{std::move(name), std::move(alt)}; }),
           py::kw_only(), py::arg("name"), py::arg("alternatives"))
      .def_readonly("name", &ua::normalization_factor::name);
  py::class_<ua::aggregation_factor>(m, "AggregationFactor")
      .def(py::init([](std::string name, std::vector<ci::aggregation::method> alt, std::vector<std::string> nodes, int level) {
             return ua::aggregation_factor{std::move(name), std::move(alt), std::move(nodes), level};
           }),
           py::kw_only(), py::arg("name"), py::arg("alternatives"), py::arg("nodes") = std::vector<std::string>{}, py::arg("level") = 0)
      .def_readonly("name", &ua::aggregation_factor::name);
  py::class_<ua::imputation_factor>(m, "ImputationFactor")
      .def(py::init([](std::string name, std::vector<ci::imputation::method> alt) { return ua::imputation_factor{std::move(name), std::move(alt)}; }),
           py::kw_only(), py::arg("name"), py::arg("alternatives"))
      .def_readonly("name", &ua::imputation_factor::name);
  py::class_<ua::treatment_factor>(m, "TreatmentFactor")
      .def(py::init([](std::string name, std::vector<ci::treatment::method> alt) { return ua::treatment_factor{std::move(name), std::move(alt)}; }),
           py::kw_only(), py::arg("name"), py::arg("alternatives"))
      .def_readonly("name", &ua::treatment_factor::name);
  py::class_<ua::exclusion_factor>(m, "ExclusionFactor")
      .def(py::init([](std::string name, std::vector<std::string> candidates, bool include_none) {
             return ua::exclusion_factor{std::move(name), std::move(candidates), include_none};
           }),
           py::kw_only(), py::arg("name") = "exclusion", py::arg("candidates") = std::vector<std::string>{}, py::arg("include_none") = true)
      .def_readonly("name", &ua::exclusion_factor::name);
  py::class_<ua::weight_sets_factor>(m, "WeightSetsFactor")
      .def(py::init([](std::string name, std::vector<std::string> sets) { return ua::weight_sets_factor{std::move(name), std::move(sets)}; }),
           py::kw_only(), py::arg("name") = "weight_sets", py::arg("sets"))
      .def_readonly("name", &ua::weight_sets_factor::name)
      .def_readonly("sets", &ua::weight_sets_factor::sets);

  py::class_<ua::failure>(m, "Failure")
      .def_readonly("replication", &ua::failure::replication)
      .def_readonly("reason", &ua::failure::reason);

  py::class_<ua::replications>(m, "Replications")
      .def(py::init([](std::vector<std::size_t> index, ci::matrix ranks, ci::matrix scores, ci::matrix inputs, ci::matrix weights,
                       std::vector<std::vector<int>> choices, std::vector<std::pair<std::size_t, std::string>> failures) {
             ua::replications r;
             r.index = std::move(index);
             r.ranks = std::move(ranks);
             r.scores = std::move(scores);
             r.inputs = std::move(inputs);
             r.weights_used = std::move(weights);
             r.choices = std::move(choices);
             for (auto& f : failures) r.failures.push_back({f.first, f.second});
             return r;
           }),
           py::arg("index"), py::arg("ranks"), py::arg("scores"), py::arg("inputs"), py::arg("weights"), py::arg("choices"),
           py::arg("failures"), "reassemble replications computed in chunks (rows in replication order)")
      .def_readonly("index", &ua::replications::index)
      .def_readonly("ranks", &ua::replications::ranks)
      .def_readonly("scores", &ua::replications::scores)
      .def_readonly("inputs", &ua::replications::inputs)
      .def_readonly("weights", &ua::replications::weights_used)
      .def_readonly("choices", &ua::replications::choices)
      .def_property_readonly("failures", [](const ua::replications& r) {
        std::vector<std::pair<std::size_t, std::string>> out;
        for (auto& f : r.failures) out.emplace_back(f.replication, f.reason);
        return out;
      });

  py::class_<ua::ua_result>(m, "UncertaintyResult")
      .def_readonly("units", &ua::ua_result::units)
      .def_readonly("factor_names", &ua::ua_result::factor_names)
      .def_readonly("input_names", &ua::ua_result::input_names)
      .def_readonly("nominal_ranks", &ua::ua_result::nominal_ranks)
      .def_readonly("nominal_scores", &ua::ua_result::nominal_scores)
      .def_readonly("runs", &ua::ua_result::runs)
      .def_readonly("mean_rank", &ua::ua_result::mean_rank)
      .def_readonly("median_rank", &ua::ua_result::median_rank)
      .def_readonly("p05_rank", &ua::ua_result::p05_rank)
      .def_readonly("p95_rank", &ua::ua_result::p95_rank)
      .def_readonly("mean_abs_shift", &ua::ua_result::mean_abs_shift)
      .def_readonly("outrank_probability", &ua::ua_result::outrank_probability)
      .def_readonly("n_successful", &ua::ua_result::n_successful);

  using sr = ci::sensitivity::sobol_result;
  py::class_<sr>(m, "SobolResult")
      .def_readonly("first_order", &sr::first_order)
      .def_readonly("total_order", &sr::total_order)
      .def_readonly("first_low", &sr::first_low)
      .def_readonly("first_high", &sr::first_high)
      .def_readonly("total_low", &sr::total_low)
      .def_readonly("total_high", &sr::total_high)
      .def_readonly("variance", &sr::variance)
      .def_readonly("n", &sr::n)
      .def_readonly("first_order_half_n", &sr::first_order_half_n)
      .def_readonly("total_order_half_n", &sr::total_order_half_n)
      .def_readonly("max_change", &sr::max_change)
      .def_readonly("max_half_width", &sr::max_half_width)
      .def_readonly("converged", &sr::converged);

  py::class_<ua::sa_result>(m, "SensitivityResult")
      .def_readonly("factor_names", &ua::sa_result::factor_names)
      .def_readonly("output", &ua::sa_result::output)
      .def_readonly("indices", &ua::sa_result::indices)
      .def_readonly("y", &ua::sa_result::y)
      .def_readonly("runs", &ua::sa_result::runs);

  py::class_<ua::loo_result>(m, "LeaveOneOutResult")
      .def_readonly("units", &ua::loo_result::units)
      .def_readonly("removed", &ua::loo_result::removed)
      .def_readonly("ranks", &ua::loo_result::ranks)
      .def_readonly("rank_change", &ua::loo_result::rank_change)
      .def_readonly("mean_abs_change", &ua::loo_result::mean_abs_change)
      .def_readonly("nominal_ranks", &ua::loo_result::nominal_ranks);

  py::class_<ua::engine>(m, "Engine", "the replication engine (set up once, evaluate any rows)")
      .def(py::init<const ci::framework&, const ci::dataset&, const ci::pipeline_spec&, std::vector<ua::factor>>(),
           py::arg("framework"), py::arg("data"), py::arg("spec"), py::arg("factors"), py::call_guard<py::gil_scoped_release>())
      .def_property_readonly("dims", &ua::engine::dims)
      .def_property_readonly("factor_names", &ua::engine::factor_names)
      .def_property_readonly("input_names", &ua::engine::input_names)
      .def_property_readonly("group_of_input", &ua::engine::group_of_input)
      .def_property_readonly("nominal_ranks", &ua::engine::nominal_ranks)
      .def("sample",
           [](const ua::engine& e, std::size_t first, std::size_t count, std::uint64_t seed, const std::string& sampler) {
             return e.sample(first, count, make_options(count, seed, 1, sampler));
           },
           py::arg("first"), py::arg("count"), py::arg("seed"), py::arg("sampler") = "sobol")
      .def("evaluate",
           [](const ua::engine& e, const ci::matrix& inputs, std::size_t first, std::uint64_t seed, unsigned threads,
              const py::object& progress) {
             return evaluate_watched(e, inputs, first, make_options(static_cast<std::size_t>(inputs.rows()), seed, threads, "sobol"),
                                     progress);
           },
           py::arg("inputs"), py::arg("first"), py::arg("seed"), py::arg("threads") = 0, py::arg("progress") = py::none(),
           "evaluate rows on a worker thread, without the GIL; Ctrl-C stops it between blocks (KeyboardInterrupt) and "
           "progress(done, total) is called from the calling thread as blocks finish")
      .def("summarize",
           [](const ua::engine& e, ua::replications runs) {
             py::gil_scoped_release release;
             return ua::summarize(e, std::move(runs), {});
           },
           py::arg("runs"))
      .def("output", &ua::sensitivity_output, py::arg("runs"), py::arg("target_unit"));

  m.def(
      "uncertainty_analysis",
      [](const ci::framework& fw, const ci::dataset& d, const ci::pipeline_spec& s, const std::vector<ua::factor>& f, std::size_t n,
         std::uint64_t seed, unsigned threads, const std::string& sampler) {
        const auto o = make_options(n, seed, threads, sampler);
        py::gil_scoped_release release;
        return ua::uncertainty_analysis(fw, d, s, f, o);
      },
      py::arg("framework"), py::arg("data"), py::arg("spec"), py::arg("factors"), py::arg("n"), py::arg("seed"),
      py::arg("threads") = 0, py::arg("sampler") = "sobol");
  m.def(
      "sensitivity_analysis",
      [](const ci::framework& fw, const ci::dataset& d, const ci::pipeline_spec& s, const std::vector<ua::factor>& f,
         const std::string& target, std::size_t n, std::uint64_t seed, unsigned threads, std::size_t n_bootstrap, double confidence,
         double tolerance) {
        const auto o = make_options(n, seed, threads, "sobol");
        ci::sensitivity::sobol_options so;
        so.n_bootstrap = n_bootstrap;
        so.confidence = confidence;
        so.tolerance = tolerance;
        so.seed = seed;
        py::gil_scoped_release release;
        return ua::sensitivity_analysis(fw, d, s, f, target, o, so);
      },
      py::arg("framework"), py::arg("data"), py::arg("spec"), py::arg("factors"), py::arg("target_unit"), py::arg("n"),
      py::arg("seed"), py::arg("threads") = 0, py::arg("n_bootstrap") = 1000, py::arg("confidence") = 0.95,
      py::arg("tolerance") = 0.05);
  m.def("leave_one_out", &ua::leave_one_out, py::arg("framework"), py::arg("data"), py::arg("spec"), py::arg("nodes"),
        py::call_guard<py::gil_scoped_release>());
  m.def("saltelli_sample",
        [](std::size_t n, const std::vector<std::size_t>& groups, std::uint64_t seed) { return ci::sensitivity::saltelli_sample(n, groups, seed); },
        py::arg("n"), py::arg("group_of_input"), py::arg("seed"));
  m.def(
      "sobol_indices",
      [](const ci::vector& y, std::size_t n, std::size_t groups, std::size_t n_bootstrap, double confidence, double tolerance,
         std::uint64_t seed) {
        ci::sensitivity::sobol_options so;
        so.n_bootstrap = n_bootstrap;
        so.confidence = confidence;
        so.tolerance = tolerance;
        so.seed = seed;
        py::gil_scoped_release release;
        return ci::sensitivity::sobol_indices(y, n, groups, so);
      },
      py::arg("y"), py::arg("n"), py::arg("n_groups"), py::arg("n_bootstrap") = 1000, py::arg("confidence") = 0.95,
      py::arg("tolerance") = 0.05, py::arg("seed") = 0);
}
