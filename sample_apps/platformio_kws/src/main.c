/* tinyengine-pio PlatformIO sample: run the compiled model once in QEMU.
 *
 * The input is a fixed pattern (byte i = (i % 256) - 128), so the printed
 * output can be compared with TFLM on the host.  Prints the output tensor as
 * hex, the top class, the inference time and the arena size, then returns 0
 * (which becomes QEMU's exit status, and the result of `pio run -t upload`).
 */
#include <stdint.h>
#include <stdio.h>

#include "model.h"
#include "te_board.h"

int main(void) {
    int8_t *in = (int8_t *)model_input(0);
    size_t in_bytes = model_input_bytes(0);
    for (size_t i = 0; i < in_bytes; i++) {
        in[i] = (int8_t)((int)(i % 256u) - 128);
    }

    uint64_t t0 = te_board_cycles();
    int rc = model_invoke();
    uint64_t t1 = te_board_cycles();
    if (rc != 0) {
        printf("model_invoke failed: %d\n", rc);
        return 1;
    }

    const int8_t *out = (const int8_t *)model_output(0);
    size_t out_bytes = model_output_bytes(0);
    printf("output:");
    for (size_t i = 0; i < out_bytes; i++) {
        printf(" %02x", (unsigned)(uint8_t)out[i]);
    }
    printf("\n");

    size_t top = 0;
    for (size_t i = 1; i < out_bytes; i++) {
        if (out[i] > out[top]) top = i;
    }
    unsigned long ticks = (unsigned long)(t1 - t0);
    printf("top class: %u (score %d)\n", (unsigned)top, (int)out[top]);
    printf("inference: %lu instructions (%lu SysTick ticks @ %lu Hz)\n",
           (unsigned long)te_board_ticks_to_instructions(t1 - t0), ticks,
           (unsigned long)TE_BOARD_SYSTICK_HZ);
    printf("arena: %u bytes\n", (unsigned)MODEL_ARENA_BYTES);
    return 0;
}
