#pragma once
/// @file version.hpp
/// The single source of the compindex version: read by CMake, by pyproject.toml
/// (scikit-build-core's regex provider) and by the Python module.

#define COMPINDEX_VERSION_MAJOR 0
#define COMPINDEX_VERSION_MINOR 1
#define COMPINDEX_VERSION_PATCH 0

#define COMPINDEX_VERSION_STRING "0.1.0"
