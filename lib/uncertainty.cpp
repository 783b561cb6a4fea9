// The compiled definitions of compindex/uncertainty.hpp.
#include <compindex/uncertainty.hpp>
#include <compindex/impl/uncertainty.ipp>
