// The compiled definitions of compindex/normalization.hpp.
#include <compindex/normalization.hpp>
#include <compindex/impl/normalization.ipp>
