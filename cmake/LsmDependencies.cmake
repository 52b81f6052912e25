# Third-party dependencies, all from the system (Debian packages; scripts/setup-deps installs
# them). LSM_EXTERNAL_LIBS lists what the library links; the installed lsmConfig.cmake finds
# the same packages again.
include(GNUInstallDirs)
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(absl REQUIRED)
pkg_check_modules(xxhash REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(zstd REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(lz4 REQUIRED IMPORTED_TARGET liblz4)
pkg_check_modules(uring REQUIRED IMPORTED_TARGET liburing)

set(LSM_EXTERNAL_LIBS
    absl::str_format absl::strings absl::hash absl::flat_hash_map absl::base
    PkgConfig::xxhash PkgConfig::zstd PkgConfig::lz4 PkgConfig::uring Threads::Threads)

if(LSM_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(LSM_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
