# cmake --install: headers, liblsm.a, a CMake package (find_package(lsm) -> lsm::lsm) and a
# pkg-config file (pkg-config --cflags --libs lsm).
include(CMakePackageConfigHelpers)

install(TARGETS lsm EXPORT lsmTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY include/lsm DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT lsmTargets NAMESPACE lsm:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/lsm)

configure_package_config_file(cmake/lsmConfig.cmake.in ${PROJECT_BINARY_DIR}/lsmConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/lsm)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/lsmConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/lsmConfig.cmake ${PROJECT_BINARY_DIR}/lsmConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/lsm)

configure_file(cmake/lsm.pc.in ${PROJECT_BINARY_DIR}/lsm.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/lsm.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
