// The compiled definitions of compindex/treatment.hpp.
#include <compindex/treatment.hpp>
#include <compindex/impl/treatment.ipp>
