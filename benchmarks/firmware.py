"""C sources of the benchmark firmware (written into each temporary PlatformIO project)."""

BENCH_MAIN_C = r"""/* tinyengine-pio benchmark firmware: seed-0 input, two invokes, the SECOND
 * one timed with SysTick; prints ticks, CRC32 of output 0, stack peak. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bench_input.h"
#include "model.h"
#include "te_board.h"

/* newlib-nano printf has no %ll: ticks are printed as 32-bit (< 171 s virtual) */
static uint32_t crc32(const uint8_t *p, size_t n) { /* zlib polynomial */
    uint32_t c = 0xFFFFFFFFu;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

#ifdef BENCH_PER_LAYER
#define BENCH_MAX_LAYERS 1024
static uint64_t bench_stamp[BENCH_MAX_LAYERS];
static int bench_on;
void te_bench_layer(int step) {
    if (bench_on && step >= 0 && step < BENCH_MAX_LAYERS) bench_stamp[step] = te_board_cycles();
}
#endif

static int load_and_invoke(void) {
    /* the arena may reuse the input's bytes, so write the input before every invoke */
    if (model_input_bytes(0) != sizeof bench_input) return -100;
    memcpy(model_input(0), bench_input, sizeof bench_input);
    return model_invoke();
}

int main(void) {
    int rc = load_and_invoke();
    if (rc != 0) {
        printf("bench: first invoke failed: %d\n", rc);
        return 1;
    }
    if (model_input_bytes(0) != sizeof bench_input) return 2;
    memcpy(model_input(0), bench_input, sizeof bench_input);
    te_board_stack_paint();
#ifdef BENCH_PER_LAYER
    bench_on = 1;
#endif
    uint64_t t0 = te_board_cycles();
    rc = model_invoke();
    uint64_t t1 = te_board_cycles();
#ifdef BENCH_PER_LAYER
    bench_on = 0;
#endif
    uint32_t stack = te_board_stack_peak();
    if (rc != 0) {
        printf("bench: second invoke failed: %d\n", rc);
        return 1;
    }
    uint32_t crc = crc32((const uint8_t *)model_output(0), model_output_bytes(0));
    printf("bench: ticks=%lu hz=%lu crc32=%08lx stack=%lu out_bytes=%u arena=%lu\n",
           (unsigned long)(t1 - t0), (unsigned long)TE_BOARD_SYSTICK_HZ,
           (unsigned long)crc, (unsigned long)stack, (unsigned)model_output_bytes(0),
           (unsigned long)MODEL_ARENA_BYTES);
#ifdef BENCH_PER_LAYER
    uint64_t prev = t0;
    for (int i = 0; i < BENCH_MAX_LAYERS && bench_stamp[i]; i++) {
        printf("layer: %d %lu\n", i, (unsigned long)(bench_stamp[i] - prev));
        prev = bench_stamp[i];
    }
#endif
    return 0;
}
"""

# force-included (-include) into every C file when --per-layer: the generated
# model.c calls TE_PROFILE_LAYER(step) after each layer when it is defined.
BENCH_PROFILE_H = r"""#ifndef BENCH_PROFILE_H
#define BENCH_PROFILE_H
#define BENCH_PER_LAYER 1
void te_bench_layer(int step);
#define TE_PROFILE_LAYER(step) te_bench_layer(step)
#endif
"""


def input_header(data: bytes) -> str:
    """bench_input.h: the raw input bytes (int8 or float32, little-endian)."""
    rows = [", ".join(str(b) for b in data[i:i + 32]) for i in range(0, len(data), 32)]
    return ("#include <stdint.h>\n__attribute__((aligned(8)))\n"
            "static const uint8_t bench_input[%d] = {\n%s\n};\n" % (len(data), ",\n".join(rows)))
