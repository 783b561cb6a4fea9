// The compiled definitions of compindex/benefit_of_doubt.hpp (linked with COIN-OR CLP when
// COMPINDEX_WITH_CLP is on; see lib/CMakeLists.txt).
#include <compindex/benefit_of_doubt.hpp>
#include <compindex/impl/benefit_of_doubt.ipp>
