// The compiled definitions of compindex/sobol_sequence.hpp.
#include <compindex/sobol_sequence.hpp>
#include <compindex/impl/sobol_sequence.ipp>
