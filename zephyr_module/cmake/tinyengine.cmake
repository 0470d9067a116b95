# CMake API of the tinyengine-pio Zephyr module.
#
#   tinyengine_add_model(<target> <model.tflite> [PREFIX <name>] [OUTPUT_DIR <dir>]
#                        [ALIGNMENT <bytes>] [SHARED_ARENA])
#
# Call it after find_package(Zephyr).  At configure time it checks that the
# Python of the build (${PYTHON_EXECUTABLE}) has the tinyengine-pio package
# and that the model compiles (errors stop the configuration with the
# compiler's message).  At build time a custom command re-runs the compiler
# whenever the model or the package changes; the target gets <prefix>.c, the
# kernel sources and the include directory, and depends on the generator so
# that `#include "<prefix>.h"` never races it.  Several models may be added
# to one target: each kernel file (identical across models of one package
# version) is compiled once per target.
#
# The compiler gets --optimize speed|size|memory (CONFIG_TINYENGINE_OPTIMIZE_*) and
# --ram-budget: CONFIG_TINYENGINE_RAM_BUDGET, else CONFIG_SRAM_SIZE KiB minus
# CONFIG_TINYENGINE_RAM_RESERVE (default 16 KiB) when the board's SRAM is known.  A model whose
# layer-by-layer arena fits the budget is compiled as without it; otherwise the fastest
# schedule of fused, line-buffered stages that fits (the configuration prints it and why), and
# when none fits the configuration stops naming the smallest arena reachable.
#
# SHARED_ARENA (or CONFIG_TINYENGINE_SHARED_ARENA for every model): the models
# that have it use one arena, te_shared_arena, as large as the largest of
# theirs instead of one each (the sum).  Only for models that the application
# runs one after another, never concurrently: an invoke overwrites the inputs
# and outputs of the other models.  The module defines the arena in
# ${CMAKE_BINARY_DIR}/tinyengine/shared_arena/te_arena.c, sized at C compile
# time by the largest <PREFIX>_ARENA_BYTES of those models.
include_guard(GLOBAL)

get_filename_component(_tinyengine_module_dir "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set_property(GLOBAL PROPERTY TINYENGINE_MODULE_DIR "${_tinyengine_module_dir}")

# Sets TINYENGINE_PYTHON, TINYENGINE_PACKAGE_DIR and TINYENGINE_PACKAGE_DEPENDS
# in the caller's scope (checked once per configuration).
function(_tinyengine_check_python)
  if(DEFINED PYTHON_EXECUTABLE AND NOT "${PYTHON_EXECUTABLE}" STREQUAL "")
    set(py "${PYTHON_EXECUTABLE}")
  elseif(DEFINED Python3_EXECUTABLE AND NOT "${Python3_EXECUTABLE}" STREQUAL "")
    set(py "${Python3_EXECUTABLE}")
  else()
    find_package(Python3 3.10 COMPONENTS Interpreter REQUIRED)
    set(py "${Python3_EXECUTABLE}")
  endif()
  get_property(checked GLOBAL PROPERTY TINYENGINE_CHECKED_PYTHON)
  if(NOT "${checked}" STREQUAL "${py}")
    execute_process(
      COMMAND "${py}" -c "import os, sys, tinyengine_pio; sys.stdout.write(os.path.dirname(os.path.abspath(tinyengine_pio.__file__)) + ';' + tinyengine_pio.__version__)"
      WORKING_DIRECTORY "${CMAKE_BINARY_DIR}"
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      string(STRIP "${err}" err)
      string(REGEX REPLACE "^.*\n" "" last_line "${err}")
      message(FATAL_ERROR
        "tinyengine: the Python package 'tinyengine-pio' is not installed in the "
        "Python that this build uses:\n"
        "  ${py}\n"
        "(${last_line})\n"
        "Install it into that Python:\n"
        "  \"${py}\" -m pip install tinyengine-pio\n"
        "or select a Python that has it with -DPython3_EXECUTABLE=/path/to/python "
        "(Zephyr's python.cmake and the environment's active virtualenv decide which "
        "Python is used).")
    endif()
    list(GET out 0 pkg_dir)
    list(GET out 1 pkg_version)
    file(GLOB_RECURSE deps "${pkg_dir}/*.py" "${pkg_dir}/kernels/*.c" "${pkg_dir}/kernels/*.h")
    list(FILTER deps EXCLUDE REGEX "/(platformio|__pycache__)/")
    list(SORT deps)
    set_property(GLOBAL PROPERTY TINYENGINE_CHECKED_PYTHON "${py}")
    set_property(GLOBAL PROPERTY TINYENGINE_PACKAGE_DIR "${pkg_dir}")
    set_property(GLOBAL PROPERTY TINYENGINE_PACKAGE_DEPENDS "${deps}")
    message(STATUS "tinyengine: tinyengine-pio ${pkg_version} (${pkg_dir}) in ${py}")
  endif()
  get_property(pkg_dir GLOBAL PROPERTY TINYENGINE_PACKAGE_DIR)
  get_property(deps GLOBAL PROPERTY TINYENGINE_PACKAGE_DEPENDS)
  set(TINYENGINE_PYTHON "${py}" PARENT_SCOPE)
  set(TINYENGINE_PACKAGE_DIR "${pkg_dir}" PARENT_SCOPE)
  set(TINYENGINE_PACKAGE_DEPENDS "${deps}" PARENT_SCOPE)
endfunction()

function(tinyengine_add_model target model)
  cmake_parse_arguments(TE "SHARED_ARENA" "PREFIX;OUTPUT_DIR;ALIGNMENT;BASE_DIR;ORIGIN" "" ${ARGN})
  if(TE_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "tinyengine_add_model: unknown arguments: ${TE_UNPARSED_ARGUMENTS} "
      "(usage: tinyengine_add_model(<target> <model.tflite> [PREFIX <name>] [OUTPUT_DIR <dir>] "
      "[ALIGNMENT <bytes>] [SHARED_ARENA]))")
  endif()
  if(CONFIG_TINYENGINE_SHARED_ARENA)
    set(TE_SHARED_ARENA TRUE)
  endif()
  if(NOT TE_ORIGIN)
    set(TE_ORIGIN "tinyengine_add_model(${target} ...)")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "tinyengine: ${TE_ORIGIN}: '${target}' is not a target")
  endif()
  if(NOT TE_PREFIX)
    set(TE_PREFIX model)
  endif()
  if(NOT TE_PREFIX MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR "tinyengine: ${TE_ORIGIN}: PREFIX '${TE_PREFIX}' is not a C identifier")
  endif()
  if(NOT TE_BASE_DIR)
    set(TE_BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  endif()
  if(NOT DEFINED TE_ALIGNMENT)
    if(DEFINED CONFIG_TINYENGINE_ALIGNMENT)
      set(TE_ALIGNMENT ${CONFIG_TINYENGINE_ALIGNMENT})
    else()
      set(TE_ALIGNMENT 4)
    endif()
  endif()
  if(CONFIG_TINYENGINE_OPTIMIZE_SIZE)
    set(TE_OPTIMIZE size)
  elseif(CONFIG_TINYENGINE_OPTIMIZE_MEMORY)
    set(TE_OPTIMIZE memory)
  else()
    set(TE_OPTIMIZE speed)
  endif()
  # RAM budget (--ram-budget): CONFIG_TINYENGINE_RAM_BUDGET, else the board's SRAM
  # (CONFIG_SRAM_SIZE, KiB) minus CONFIG_TINYENGINE_RAM_RESERVE: the fastest schedule whose
  # arena fits, layer by layer whenever that fits (then the code is as without a budget).
  set(TE_BUDGET "")
  set(TE_BUDGET_WHY "")
  if(CONFIG_TINYENGINE_RAM_BUDGET GREATER 0)
    set(TE_BUDGET ${CONFIG_TINYENGINE_RAM_BUDGET})
    set(TE_BUDGET_WHY "CONFIG_TINYENGINE_RAM_BUDGET")
  elseif(NOT CONFIG_TINYENGINE_OPTIMIZE_MEMORY AND NOT CONFIG_TINYENGINE_INPUT_STREAM
         AND CONFIG_SRAM_SIZE GREATER 0)
    # (--input-stream already searches the smallest arena that streams the input)
    if(DEFINED CONFIG_TINYENGINE_RAM_RESERVE)
      set(reserve ${CONFIG_TINYENGINE_RAM_RESERVE})
    else()
      set(reserve 16384)
    endif()
    math(EXPR budget "${CONFIG_SRAM_SIZE} * 1024 - ${reserve}")
    if(budget GREATER 0)
      set(TE_BUDGET ${budget})
      set(TE_BUDGET_WHY
        "CONFIG_SRAM_SIZE ${CONFIG_SRAM_SIZE} KiB - CONFIG_TINYENGINE_RAM_RESERVE ${reserve} B")
    endif()
  endif()
  get_filename_component(model_abs "${model}" ABSOLUTE BASE_DIR "${TE_BASE_DIR}")
  if(NOT EXISTS "${model_abs}" OR IS_DIRECTORY "${model_abs}")
    set(given "")
    if(NOT IS_ABSOLUTE "${model}")
      set(given " (given as '${model}', relative to ${TE_BASE_DIR})")
    endif()
    message(FATAL_ERROR "tinyengine: ${TE_ORIGIN}: model file not found: ${model_abs}${given}")
  endif()

  get_property(used GLOBAL PROPERTY TINYENGINE_PREFIXES)
  if("${TE_PREFIX}" IN_LIST used)
    message(FATAL_ERROR "tinyengine: ${TE_ORIGIN}: PREFIX '${TE_PREFIX}' is already used by "
      "another model of this build; give each model its own PREFIX")
  endif()
  set_property(GLOBAL APPEND PROPERTY TINYENGINE_PREFIXES "${TE_PREFIX}")

  if(NOT TE_OUTPUT_DIR)
    set(TE_OUTPUT_DIR "${CMAKE_BINARY_DIR}/tinyengine/${TE_PREFIX}")
  endif()
  get_filename_component(out "${TE_OUTPUT_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")

  _tinyengine_check_python()
  get_property(TINYENGINE_MODULE_DIR GLOBAL PROPERTY TINYENGINE_MODULE_DIR)
  set(py "${TINYENGINE_PYTHON}")
  set(cmd "${py}" -m tinyengine_pio compile "${model_abs}" --out "${out}"
      --prefix "${TE_PREFIX}" --align "${TE_ALIGNMENT}" --optimize "${TE_OPTIMIZE}")
  if(CONFIG_TINYENGINE_IO_INT8)     # the application passes/receives the quantized I/O
    list(APPEND cmd --io int8)
  endif()
  if(CONFIG_TINYENGINE_INPUT_STREAM)  # the application feeds the input's rows
    list(APPEND cmd --input-stream)
  endif()
  if(NOT TE_BUDGET STREQUAL "")     # the fastest schedule that fits (fused stages if needed)
    list(APPEND cmd --ram-budget "${TE_BUDGET}")
  endif()
  if(CONFIG_TINYENGINE_MAX_BYTES)   # refuse a tensor or arena above it (the compiler's limit)
    list(APPEND cmd --max-bytes "${CONFIG_TINYENGINE_MAX_BYTES}")
  endif()
  if(TE_SHARED_ARENA)
    get_property(shared_target GLOBAL PROPERTY TINYENGINE_SHARED_ARENA_TARGET)
    if(shared_target AND NOT shared_target STREQUAL "${target}")
      message(FATAL_ERROR "tinyengine: ${TE_ORIGIN}: SHARED_ARENA models must all be added to "
        "one target ('${shared_target}' has the shared arena)")
    endif()
    list(APPEND cmd --shared-arena)
  endif()

  # Configure time: clear errors now, and the list of generated files.
  execute_process(COMMAND ${cmd} WORKING_DIRECTORY "${CMAKE_BINARY_DIR}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE cout ERROR_VARIABLE cerr)
  if(NOT rc EQUAL 0)
    string(STRIP "${cerr}\n${cout}" msg)
    if(rc EQUAL 3)   # the CLI's INTERNAL_EXIT: a bug in the compiler, not in the model
      message(FATAL_ERROR "tinyengine: ${TE_ORIGIN}: the compiler failed on ${model_abs}:\n${msg}")
    endif()
    if(msg MATCHES "no schedule fits the RAM budget")
      message(FATAL_ERROR "tinyengine: ${TE_ORIGIN}: ${model_abs} does not fit the RAM budget "
        "of ${TE_BUDGET} B (${TE_BUDGET_WHY}), not even with fused stages:\n${msg}\n"
        "Use a board with more RAM, or set CONFIG_TINYENGINE_RAM_BUDGET (or a smaller "
        "CONFIG_TINYENGINE_RAM_RESERVE) if the application needs less RAM.")
    endif()
    message(FATAL_ERROR "tinyengine: ${TE_ORIGIN}: the compiler rejected ${model_abs}:\n${msg}")
  endif()
  string(STRIP "${cout}" cout)
  if(cout MATCHES "fused stages" AND NOT TE_BUDGET STREQUAL "")
    # why: the layer-by-layer arena did not fit the budget
    string(APPEND cout "\nRAM budget ${TE_BUDGET} B: ${TE_BUDGET_WHY}")
  endif()
  string(REPLACE "\n" "; " cout "${cout}")
  message(STATUS "tinyengine: ${cout}")
  file(STRINGS "${out}/.tinyengine-manifest" names)
  # A changed model or package may need other kernel files: re-configure then.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
    "${model_abs}" ${TINYENGINE_PACKAGE_DEPENDS})

  set(outputs)
  foreach(n IN LISTS names)
    list(APPEND outputs "${out}/${n}")
  endforeach()
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND ${cmd}
    DEPENDS "${model_abs}" ${TINYENGINE_PACKAGE_DEPENDS}
    WORKING_DIRECTORY "${CMAKE_BINARY_DIR}"
    COMMENT "tinyengine: compiling ${model} -> ${out}"
    VERBATIM)
  set(gen tinyengine_generate_${TE_PREFIX})
  add_custom_target(${gen} DEPENDS ${outputs})

  # <prefix>.c for every model; each kernel .c once per target (not the model's own
  # te_arena.c: the module defines the shared arena of all SHARED_ARENA models below).
  target_sources(${target} PRIVATE "${out}/${TE_PREFIX}.c")
  get_property(have GLOBAL PROPERTY TINYENGINE_KERNELS_${target})
  foreach(n IN LISTS names)
    if(n MATCHES "\\.c$" AND NOT n STREQUAL "${TE_PREFIX}.c" AND NOT n STREQUAL "te_arena.c"
       AND NOT n IN_LIST have)
      target_sources(${target} PRIVATE "${out}/${n}")
      if(n MATCHES "_f32\\.c$")
        # float32 kernels: no fused multiply-add, so the target rounds as TFLM does
        set_property(SOURCE "${out}/${n}" TARGET_DIRECTORY ${target}
          APPEND PROPERTY COMPILE_OPTIONS -ffp-contract=off)
      endif()
      list(APPEND have "${n}")
    endif()
  endforeach()
  set_property(GLOBAL PROPERTY TINYENGINE_KERNELS_${target} "${have}")
  target_include_directories(${target} PRIVATE "${out}" "${TINYENGINE_MODULE_DIR}/include")
  if(CONFIG_FRAME_POINTER)
    # -fno-omit-frame-pointer leaves the SIMD kernels' inline asm too few registers
    target_compile_definitions(${target} PRIVATE TE_PORTABLE)
  endif()
  if(TE_SHARED_ARENA)
    _tinyengine_shared_arena(${target} "${TE_PREFIX}")
  endif()
  if(CONFIG_TINYENGINE_ARENA_CANARY)
    string(TOUPPER "${TE_PREFIX}" up)
    if(TE_SHARED_ARENA)     # one macro for the shared arena's layout: every file that sees it
      set(canary TE_SHARED_ARENA_CANARY)
    else()
      set(canary ${up}_ARENA_CANARY)
    endif()
    set_property(SOURCE "${out}/${TE_PREFIX}.c" TARGET_DIRECTORY ${target}
      APPEND PROPERTY COMPILE_DEFINITIONS ${canary})
  endif()
  if(CONFIG_TINYENGINE_PROFILE_LAYERS)
    # The generated code calls TE_PROFILE_LAYER(step) after each layer when it is defined.
    set_property(SOURCE "${out}/${TE_PREFIX}.c" TARGET_DIRECTORY ${target}
      APPEND PROPERTY COMPILE_OPTIONS
      -include "${TINYENGINE_MODULE_DIR}/include/tinyengine_profile_hook.h")
  endif()
  add_dependencies(${target} ${gen})

  # For `west tinyengine report|bench` and the caller.
  if(TE_BUDGET STREQUAL "")
    set(budget_json null)
  else()
    set(budget_json ${TE_BUDGET})
  endif()
  if(CONFIG_TINYENGINE_INPUT_STREAM)
    set(stream_json true)
  else()
    set(stream_json false)
  endif()
  set_property(GLOBAL APPEND PROPERTY TINYENGINE_MODELS_JSON
    "{\"prefix\": \"${TE_PREFIX}\", \"model\": \"${model_abs}\", \"out_dir\": \"${out}\", \"target\": \"${target}\", \"ram_budget\": ${budget_json}, \"input_stream\": ${stream_json}}")
  get_property(entries GLOBAL PROPERTY TINYENGINE_MODELS_JSON)
  string(JOIN ",\n    " body ${entries})
  file(WRITE "${CMAKE_BINARY_DIR}/tinyengine/models.json"
    "{\n  \"python\": \"${py}\",\n  \"models\": [\n    ${body}\n  ]\n}\n")
  set_property(GLOBAL PROPERTY TINYENGINE_DIR_${TE_PREFIX} "${out}")
  set_property(GLOBAL PROPERTY TINYENGINE_TARGET_${TE_PREFIX} "${target}")
  set(TINYENGINE_${TE_PREFIX}_DIR "${out}" PARENT_SCOPE)
endfunction()

# SHARED_ARENA: adds <prefix> to the models of te_shared_arena and (re)writes
# te_arena.c, which defines it sized by the largest <PREFIX>_ARENA_BYTES of them
# (as tinyengine_pio.emitter.shared_arena_source() writes it for compile_models; each model's
# directory has the te_arena.h that declares it).  Written only when it changes.
function(_tinyengine_shared_arena target prefix)
  set_property(GLOBAL APPEND PROPERTY TINYENGINE_SHARED_ARENA_PREFIXES "${prefix}")
  get_property(prefixes GLOBAL PROPERTY TINYENGINE_SHARED_ARENA_PREFIXES)
  set(dir "${CMAKE_BINARY_DIR}/tinyengine/shared_arena")
  string(JOIN ", " names ${prefixes})
  set(text "")   # string(APPEND) joins its arguments as they are (a ';' stays a ';')
  string(APPEND text "/* Generated by the tinyengine Zephyr module. Do not edit.\n"
    " * The arena shared by ${names}: run them one after another, never\n"
    " * concurrently; an invoke overwrites the inputs and outputs of the others. */\n"
    "#include \"te_arena.h\"\n")
  foreach(p IN LISTS prefixes)
    string(APPEND text "#include \"${p}.h\"\n")
  endforeach()
  string(APPEND text "\n#define TE_SHARED_ARENA_BYTES_ 1\n")
  foreach(p IN LISTS prefixes)
    string(TOUPPER "${p}_ARENA_BYTES" m)
    string(APPEND text "#if ${m} > TE_SHARED_ARENA_BYTES_\n#undef TE_SHARED_ARENA_BYTES_\n"
      "#define TE_SHARED_ARENA_BYTES_ ${m}\n#endif\n")
  endforeach()
  string(APPEND text
    "int64_t te_shared_arena[(TE_SHARED_ARENA_BYTES_ + 2 * TE_SHARED_ARENA_GUARD + 7) / 8];\n"
    "const int32_t te_shared_arena_bytes = TE_SHARED_ARENA_BYTES_;\n")
  file(CONFIGURE OUTPUT "${dir}/te_arena.c" CONTENT "${text}" @ONLY)
  get_property(shared_target GLOBAL PROPERTY TINYENGINE_SHARED_ARENA_TARGET)
  if(NOT shared_target)
    set_property(GLOBAL PROPERTY TINYENGINE_SHARED_ARENA_TARGET "${target}")
    target_sources(${target} PRIVATE "${dir}/te_arena.c")
    if(CONFIG_TINYENGINE_ARENA_CANARY)
      set_property(SOURCE "${dir}/te_arena.c" TARGET_DIRECTORY ${target}
        APPEND PROPERTY COMPILE_DEFINITIONS TE_SHARED_ARENA_CANARY)
    endif()
  endif()
endfunction()

# Reads the compiler's <prefix>.json (docs/MODEL_JSON.md, format_version 1):
# sets <sha_var> to its code_sha256 and <bytes_var> to the sum of its inputs' bytes.
function(_tinyengine_read_metadata path sha_var bytes_var)
  if(NOT EXISTS "${path}")
    message(FATAL_ERROR "tinyengine: ${path} not found: the generated code has no model.json "
      "(regenerate it with this tinyengine-pio)")
  endif()
  file(READ "${path}" doc)
  string(JSON version ERROR_VARIABLE err GET "${doc}" format_version)
  if(err)
    set(version "none (${err})")
  endif()
  if(NOT version STREQUAL "1")
    message(FATAL_ERROR "tinyengine: ${path}: format_version ${version}, this module reads 1 "
      "(regenerate the code with this tinyengine-pio)")
  endif()
  string(JSON sha GET "${doc}" code_sha256)
  string(JSON count LENGTH "${doc}" inputs)
  set(total 0)
  if(count GREATER 0)
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
      string(JSON n GET "${doc}" inputs ${i} bytes)
      math(EXPR total "${total} + ${n}")
    endforeach()
  endif()
  set(${sha_var} "${sha}" PARENT_SCOPE)
  set(${bytes_var} "${total}" PARENT_SCOPE)
endfunction()

# CONFIG_TINYENGINE_HARNESS: the device side of the measurement harness
# (tinyengine_pio/runtime/te_harness.c + lib/te_harness_port_zephyr.c) for the
# model with prefix "model".  Called by the module at the end of the
# application's configuration (cmake_language(DEFER)), after its
# tinyengine_add_model() calls.
function(tinyengine_add_harness target)
  get_property(prefixes GLOBAL PROPERTY TINYENGINE_PREFIXES)
  if(NOT prefixes STREQUAL "model")
    if(NOT prefixes)
      set(prefixes "none")
    endif()
    message(FATAL_ERROR "tinyengine: CONFIG_TINYENGINE_HARNESS needs exactly one model, with "
      "PREFIX model (CONFIG_TINYENGINE_MODEL_PATH, or tinyengine_add_model(app <model.tflite> "
      "PREFIX model)); this build has: ${prefixes}")
  endif()
  get_property(model_target GLOBAL PROPERTY TINYENGINE_TARGET_model)
  if(NOT model_target STREQUAL "${target}")
    message(FATAL_ERROR "tinyengine: CONFIG_TINYENGINE_HARNESS: the model must be added to "
      "'${target}' (it is on '${model_target}')")
  endif()
  get_property(out GLOBAL PROPERTY TINYENGINE_DIR_model)
  _tinyengine_check_python()
  get_property(module_dir GLOBAL PROPERTY TINYENGINE_MODULE_DIR)
  set(runtime "${TINYENGINE_PACKAGE_DIR}/runtime")
  # Same figures as the PlatformIO hook (harness/pio_build.py), from the compiler's
  # model.json (docs/MODEL_JSON.md): digest of the generated C (what the host
  # compares) and the size of the input copy.  A changed model or package
  # re-runs the configuration, so they stay current.
  _tinyengine_read_metadata("${out}/model.json" code_sha256 input_bytes)
  if(DEFINED BOARD AND NOT "${BOARD}" STREQUAL "")
    set(board "${BOARD}${BOARD_QUALIFIERS}")
  else()
    set(board "zephyr")
  endif()
  set(harness_c "${runtime}/te_harness.c")
  set(port_c "${module_dir}/lib/te_harness_port_zephyr.c")
  target_sources(${target} PRIVATE "${harness_c}" "${port_c}")
  target_include_directories(${target} PRIVATE "${runtime}")
  set_property(SOURCE "${harness_c}" TARGET_DIRECTORY ${target} APPEND PROPERTY
    COMPILE_DEFINITIONS
      "TE_HARNESS_CODE_SHA256=\"${code_sha256}\""
      "TE_HARNESS_BOARD=\"${board}\""
      "TE_HARNESS_INPUT_COPY_BYTES=${input_bytes}"
      "TE_HARNESS_STACK_PAINT=0xAAAAAAAAu")
  if(CONFIG_TINYENGINE_HARNESS_PER_LAYER)
    # the generated code's TE_PROFILE_LAYER hook -> the harness's per-layer recorder;
    # the generated C is unchanged (same digest)
    set_property(SOURCE "${harness_c}" "${out}/model.c" TARGET_DIRECTORY ${target}
      APPEND PROPERTY COMPILE_OPTIONS -include "${runtime}/te_harness_layers.h")
  endif()
  message(STATUS "tinyengine: harness on ${board}: code ${code_sha256}, "
    "input copy ${input_bytes} B")
  set_property(GLOBAL PROPERTY TINYENGINE_HARNESS_CODE_SHA256 "${code_sha256}")
endfunction()
