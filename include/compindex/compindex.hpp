#pragma once
/// @file compindex.hpp
/// Umbrella header: includes every public header of compindex.

#include "aggregation.hpp"
#include "analysis.hpp"
#include "config.hpp"
#include "error.hpp"
#include "framework.hpp"
#include "imputation.hpp"
#include "io.hpp"
#include "normalization.hpp"
#include "pipeline.hpp"
#include "random.hpp"
#include "ranking.hpp"
#include "shared_matrix.hpp"
#include "sobol_indices.hpp"
#include "sobol_sequence.hpp"
#include "statistics.hpp"
#include "transform.hpp"
#include "treatment.hpp"
#include "types.hpp"
#include "uncertainty.hpp"
#include "version.hpp"
