// The compiled definitions of compindex/statistics.hpp.
#include <compindex/statistics.hpp>
#include <compindex/impl/statistics.ipp>
