# A minimal Zephyr-shaped CMake package for host tests of the tinyengine module
# (not Zephyr): find_package(Zephyr) with -DZephyr_DIR=<this dir> gives
#   * an executable target `app` (host gcc) and a `run` target that runs it,
#   * zephyr_library*, zephyr_include_directories, zephyr_compile_definitions,
#   * Kconfig evaluated with kconfiglib from the modules' Kconfig files, prj.conf
#     and -DCONFIG_... cache entries: CONFIG_* CMake variables and an autoconf.h
#     given to every compile with -imacros, as Zephyr does,
#   * the modules of ZEPHYR_MODULES / EXTRA_ZEPHYR_MODULES (zephyr/module.yml)
#     added with add_subdirectory after `app` exists,
#   * PYTHON_EXECUTABLE (from Python3_EXECUTABLE if given).
cmake_minimum_required(VERSION 3.20)
set(Zephyr_FOUND TRUE)
set(ZEPHYR_FAKE_DIR "${CMAKE_CURRENT_LIST_DIR}")
set(APPLICATION_SOURCE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
set(APPLICATION_BINARY_DIR "${CMAKE_CURRENT_BINARY_DIR}")

if(NOT Python3_EXECUTABLE)
  find_package(Python3 3.10 REQUIRED COMPONENTS Interpreter)
endif()
set(PYTHON_EXECUTABLE "${Python3_EXECUTABLE}")
if(NOT ZEPHYR_FAKE_KCONFIG_PYTHON)      # Python with kconfiglib + PyYAML for fake_kconfig.py
  set(ZEPHYR_FAKE_KCONFIG_PYTHON "${PYTHON_EXECUTABLE}")
endif()

project(zephyr_fake C)

# --- Kconfig ------------------------------------------------------------------------------
set(_zf_out "${CMAKE_BINARY_DIR}/zephyr_fake")
file(MAKE_DIRECTORY "${_zf_out}")
set(_zf_fragment "${_zf_out}/cmdline.conf")
set(_zf_lines "")
get_cmake_property(_zf_cache CACHE_VARIABLES)
foreach(v IN LISTS _zf_cache)
  if(v MATCHES "^CONFIG_")
    string(APPEND _zf_lines "${v}=${${v}}\n")
  endif()
endforeach()
file(WRITE "${_zf_fragment}" "${_zf_lines}")
set(_zf_conf "${APPLICATION_SOURCE_DIR}/prj.conf")
execute_process(
  COMMAND "${ZEPHYR_FAKE_KCONFIG_PYTHON}" "${ZEPHYR_FAKE_DIR}/fake_kconfig.py"
          --out "${_zf_out}" --modules "${ZEPHYR_MODULES};${EXTRA_ZEPHYR_MODULES}"
          --conf "${_zf_conf}" --conf "${_zf_fragment}"
  RESULT_VARIABLE _zf_rc OUTPUT_VARIABLE _zf_o ERROR_VARIABLE _zf_e)
if(NOT _zf_rc EQUAL 0)
  message(FATAL_ERROR "fake Zephyr: Kconfig failed:\n${_zf_e}${_zf_o}")
endif()
if(_zf_e)
  message(STATUS "fake Zephyr Kconfig: ${_zf_e}")
endif()
include("${_zf_out}/config.cmake")     # CONFIG_* variables and _ZF_MODULES
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_zf_conf}")

# --- the zephyr_* API ---------------------------------------------------------------------
add_library(zephyr_interface INTERFACE)
target_include_directories(zephyr_interface INTERFACE "${ZEPHYR_FAKE_DIR}/include")
target_compile_options(zephyr_interface INTERFACE -imacros "${_zf_out}/autoconf.h")

add_executable(app)
target_link_libraries(app PRIVATE zephyr_interface m)
add_custom_target(run COMMAND app USES_TERMINAL DEPENDS app)

function(zephyr_library_named name)
  add_library(${name} OBJECT)
  target_link_libraries(${name} PRIVATE zephyr_interface)
  target_link_libraries(app PRIVATE ${name})
  set(ZEPHYR_CURRENT_LIBRARY ${name} PARENT_SCOPE)
endfunction()
macro(zephyr_library)
  string(REPLACE "/" "__" _zf_name "${CMAKE_CURRENT_SOURCE_DIR}")
  string(MAKE_C_IDENTIFIER "lib${_zf_name}" _zf_name)
  zephyr_library_named(${_zf_name})
endmacro()
function(zephyr_library_sources)
  target_sources(${ZEPHYR_CURRENT_LIBRARY} PRIVATE ${ARGN})
endfunction()
function(zephyr_library_include_directories)
  target_include_directories(${ZEPHYR_CURRENT_LIBRARY} PRIVATE ${ARGN})
endfunction()
function(zephyr_library_compile_definitions)
  target_compile_definitions(${ZEPHYR_CURRENT_LIBRARY} PRIVATE ${ARGN})
endfunction()
function(zephyr_include_directories)
  foreach(d IN LISTS ARGN)
    get_filename_component(d "${d}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    target_include_directories(zephyr_interface INTERFACE "${d}")
  endforeach()
endfunction()
function(zephyr_compile_definitions)
  target_compile_definitions(zephyr_interface INTERFACE ${ARGN})
endfunction()
function(zephyr_link_libraries)
  target_link_libraries(zephyr_interface INTERFACE ${ARGN})
endfunction()

# --- modules (after `app`, as in Zephyr) --------------------------------------------------
foreach(entry IN LISTS _ZF_MODULES)
  string(REPLACE "|" ";" entry "${entry}")
  list(GET entry 0 _zf_name)
  list(GET entry 1 _zf_cmake_dir)
  if(NOT "${_zf_cmake_dir}" STREQUAL "")
    add_subdirectory("${_zf_cmake_dir}" "${CMAKE_BINARY_DIR}/modules/${_zf_name}")
  endif()
endforeach()
