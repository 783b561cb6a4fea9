#pragma once
// The one header every binding file includes first: pybind11 with its Eigen and STL casters,
// the core library, and the bind_* functions module.cpp calls.

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <compindex/compindex.hpp>

namespace py = pybind11;
namespace ci = compindex;

void bind_errors(py::module_& m);
void bind_methods(py::module_& m);
void bind_framework(py::module_& m);
void bind_pipeline(py::module_& m);
void bind_uncertainty(py::module_& m);
void bind_analysis(py::module_& m);
void bind_weighting(py::module_& m);
void bind_expert_weights(py::module_& m);
void bind_spatial(py::module_& m);
void bind_partitioned(py::module_& m);
