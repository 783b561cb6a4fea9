// The compiled definitions of compindex/io.hpp.
#include <compindex/io.hpp>
#include <compindex/impl/io.ipp>
