// The compiled definitions of compindex/transform.hpp.
#include <compindex/transform.hpp>
#include <compindex/impl/transform.ipp>
