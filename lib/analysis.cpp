// The compiled definitions of compindex/analysis.hpp.
#include <compindex/analysis.hpp>
#include <compindex/impl/analysis.ipp>
