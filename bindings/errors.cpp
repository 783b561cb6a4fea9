// Exception translation: compindex's C++ exceptions become the Python classes of compindex.errors,
// which derive from both compindex.Error and ValueError/RuntimeError.
#include "bindings.hpp"

namespace {

void raise(const char* name, const char* what) {
  // The classes are pure Python (easier to document and stub); look them up when needed.
  py::object cls = py::module_::import("compindex.errors").attr(name);
  PyErr_SetString(cls.ptr(), what);
}

}  // namespace

void bind_errors(py::module_&) {
  py::register_local_exception_translator([](std::exception_ptr p) {
    if (!p) return;
    try {
      std::rethrow_exception(p);
    } catch (const ci::spec_error& e) {
      raise("SpecError", e.what());
    } catch (const ci::data_error& e) {
      raise("DataError", e.what());
    } catch (const ci::computation_error& e) {
      raise("ComputationError", e.what());
    }
  });
}
