// The compiled definitions of compindex/expert_weights.hpp.
#include <compindex/expert_weights.hpp>
#include <compindex/impl/expert_weights.ipp>
