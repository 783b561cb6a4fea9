// The compiled definitions of compindex/random.hpp.
#include <compindex/random.hpp>
#include <compindex/impl/random.ipp>
