// The compiled definitions of compindex/weighting.hpp.
#include <compindex/weighting.hpp>
#include <compindex/impl/weighting.ipp>
