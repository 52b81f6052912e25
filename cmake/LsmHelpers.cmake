# Compiler flags for every target of the project, and helpers that declare a target with its
# sources and dependencies in one place.
include(GoogleTest)

set(LSM_WARNING_FLAGS -Wall -Wextra)
if(LSM_WERROR)
  list(APPEND LSM_WARNING_FLAGS -Werror)
endif()
# GCC 12 reports impossible overlaps (exabyte sizes at negative offsets) in std::string's
# operator+ and insert once they are inlined at -O2 (GCC bug 105329), so the check is off for
# that compiler only.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND LSM_WARNING_FLAGS -Wno-restrict)
endif()
# Lock annotations; -beta adds the lock order (ABSL_ACQUIRED_AFTER).
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  list(APPEND LSM_WARNING_FLAGS -Wthread-safety -Wthread-safety-beta -Werror=thread-safety)
endif()

if(LSM_INVARIANTS)
  add_compile_definitions(LSM_INVARIANTS)
endif()
if(LSM_SANITIZE)
  add_compile_options(-fsanitize=${LSM_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${LSM_SANITIZE})
endif()
if(LSM_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# lsm_library(NAME <target> SRCS <files...> DEPS <targets...>)
# One static library per src/ folder. DEPS are the lower layers (and external targets) it uses.
function(lsm_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_library(${ARG_NAME} STATIC ${ARG_SRCS})
  target_include_directories(${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/include)
  target_compile_options(${ARG_NAME} PRIVATE ${LSM_WARNING_FLAGS})
  target_link_libraries(${ARG_NAME} PUBLIC ${ARG_DEPS})
endfunction()

# lsm_test(NAME <target> SRCS <files...> DEPS <targets...> [LABELS <labels...>])
# A GoogleTest binary registered with CTest, one CTest entry per test case.
function(lsm_test)
  cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_compile_options(${ARG_NAME} PRIVATE ${LSM_WARNING_FLAGS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set(props TIMEOUT ${ARG_TIMEOUT})
  if(ARG_LABELS)
    list(APPEND props LABELS "${ARG_LABELS}")
  endif()
  gtest_discover_tests(${ARG_NAME} DISCOVERY_TIMEOUT 60 NO_PRETTY_VALUES PROPERTIES ${props})
endfunction()

# lsm_benchmark(NAME <target> SRCS <files...> DEPS <targets...>)
function(lsm_benchmark)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_compile_options(${ARG_NAME} PRIVATE ${LSM_WARNING_FLAGS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} benchmark::benchmark)
endfunction()
