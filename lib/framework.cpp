// The compiled definitions of compindex/framework.hpp.
#include <compindex/framework.hpp>
#include <compindex/impl/framework.ipp>
