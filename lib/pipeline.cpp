// The compiled definitions of compindex/pipeline.hpp.
#include <compindex/pipeline.hpp>
#include <compindex/impl/pipeline.ipp>
