# FindClp: COIN-OR CLP, the linear-programming solver compindex's Benefit of the Doubt uses.
#
# Defines Clp_FOUND, Clp_INCLUDE_DIR, Clp_LIBRARIES and the imported target Clp::Clp (headers and
# the Clp and CoinUtils libraries). Looks where pkg-config's `clp` module points first (Debian's
# coinor-libclp-dev, conda's coin-or-clp), then on the usual paths; set Clp_ROOT to point elsewhere.
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(_Clp_PC QUIET clp)
endif()
find_path(Clp_INCLUDE_DIR NAMES ClpSimplex.hpp
          HINTS ${_Clp_PC_INCLUDE_DIRS} PATH_SUFFIXES coin coin-or)
find_library(Clp_LIBRARY NAMES Clp libClp HINTS ${_Clp_PC_LIBRARY_DIRS})
find_library(Clp_CoinUtils_LIBRARY NAMES CoinUtils libCoinUtils HINTS ${_Clp_PC_LIBRARY_DIRS})
if(_Clp_PC_VERSION)
  set(Clp_VERSION ${_Clp_PC_VERSION})
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Clp REQUIRED_VARS Clp_LIBRARY Clp_CoinUtils_LIBRARY Clp_INCLUDE_DIR
                                  VERSION_VAR Clp_VERSION)
mark_as_advanced(Clp_INCLUDE_DIR Clp_LIBRARY Clp_CoinUtils_LIBRARY)

if(Clp_FOUND)
  set(Clp_LIBRARIES ${Clp_LIBRARY} ${Clp_CoinUtils_LIBRARY})
  if(NOT TARGET Clp::Clp)
    add_library(Clp::Clp INTERFACE IMPORTED)
    set_target_properties(Clp::Clp PROPERTIES
      INTERFACE_INCLUDE_DIRECTORIES "${Clp_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES "${Clp_LIBRARIES}")
  endif()
endif()
