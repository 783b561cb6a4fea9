// The compiled definitions of compindex/spatial.hpp.
#include <compindex/spatial.hpp>
#include <compindex/impl/spatial.ipp>
