// The compiled definitions of compindex/sobol_indices.hpp.
#include <compindex/sobol_indices.hpp>
#include <compindex/impl/sobol_indices.ipp>
