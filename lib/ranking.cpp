// The compiled definitions of compindex/ranking.hpp.
#include <compindex/ranking.hpp>
#include <compindex/impl/ranking.ipp>
