// The compiled definitions of compindex/imputation.hpp.
#include <compindex/imputation.hpp>
#include <compindex/impl/imputation.ipp>
