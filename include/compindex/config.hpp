#pragma once
/// @file config.hpp
/// Build-mode switch. With COMPINDEX_HEADER_ONLY defined (the `compindex::headers`
/// target defines it), every public header includes its out-of-line definitions from
/// `impl/*.ipp` and marks them `inline`. Without it, the definitions are compiled once
/// into the `compindex::compindex` library from `lib/*.cpp`.

#include "version.hpp"

#ifdef COMPINDEX_HEADER_ONLY
#define COMPINDEX_INLINE inline
#else
#define COMPINDEX_INLINE
#endif
