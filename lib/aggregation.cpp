// The compiled definitions of compindex/aggregation.hpp.
#include <compindex/aggregation.hpp>
#include <compindex/impl/aggregation.ipp>
