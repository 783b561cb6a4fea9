// The compiled definitions of compindex/imputation_models.hpp.
#include <compindex/imputation_models.hpp>
#include <compindex/impl/imputation_models.ipp>
