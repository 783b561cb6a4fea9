// compindex._core: creates the module and its submodules, and calls one bind_* per concept.
#include "bindings.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "compindex's compiled core (private: use the compindex package)";
  m.attr("__version__") = COMPINDEX_VERSION_STRING;
  bind_errors(m);
  bind_methods(m);
  bind_framework(m);
  bind_pipeline(m);
  bind_uncertainty(m);
  bind_analysis(m);
  bind_weighting(m);
  bind_expert_weights(m);
  bind_spatial(m);
  bind_partitioned(m);
}
