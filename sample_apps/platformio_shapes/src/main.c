/* tinyengine-pio shapes demo: a numpy-trained int8 CNN names the shape drawn in 16x16 images.
 *
 * Runs the compiled model (model/shapes.tflite, C prefix `shapes`) on the held-out images of
 * samples.h, draws them in ASCII, prints each prediction with its probability beside the truth,
 * then the accuracy over the samples, the latency (instructions, from SysTick under QEMU's
 * -icount) and the arena (SRAM). Returns 0 when every inference ran (QEMU's exit status, and
 * the result of `pio run -t upload`), whatever the predictions.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "shapes.h"
#include "samples.h"
#include "te_board.h"

#define PER_ROW 5 /* images drawn side by side */

static char shade(int8_t q) {
    static const char ramp[] = " .:-=+*#%@";
    return ramp[((int)q + 128) * 10 / 256];
}

static void draw_images(int first, int count) {
    for (int k = first; k < first + count; k++) {
        char title[32];
        snprintf(title, sizeof title, "#%d %s", k, shapes_class_names[shapes_sample_labels[k]]);
        printf("  %-18s", title);
    }
    printf("\n");
    for (int row = 0; row < SHAPES_SIDE; row++) {
        for (int k = first; k < first + count; k++) {
            char line[SHAPES_SIDE + 1];
            for (int col = 0; col < SHAPES_SIDE; col++) {
                line[col] = shade(shapes_samples[k][row * SHAPES_SIDE + col]);
            }
            line[SHAPES_SIDE] = '\0';
            printf("  %s  ", line);
        }
        printf("\n");
    }
}

int main(void) {
    int8_t *in = (int8_t *)shapes_input(0);
    const int8_t *out = (const int8_t *)shapes_output(0);
    uint64_t total_ticks = 0;
    int correct = 0;

    printf("tinyengine-pio shapes demo: int8 CNN trained with numpy, %d classes, %dx%d images\n\n",
           SHAPES_NUM_CLASSES, SHAPES_SIDE, SHAPES_SIDE);
    for (int k = 0; k < SHAPES_NUM_SAMPLES; k += PER_ROW) {
        int n = SHAPES_NUM_SAMPLES - k < PER_ROW ? SHAPES_NUM_SAMPLES - k : PER_ROW;
        draw_images(k, n);
        printf("\n");
    }

    for (int k = 0; k < SHAPES_NUM_SAMPLES; k++) {
        memcpy(in, shapes_samples[k], SHAPES_INPUT0_BYTES);
        uint64_t t0 = te_board_cycles();
        int rc = shapes_invoke();
        total_ticks += te_board_cycles() - t0;
        if (rc != 0) {
            printf("shapes_invoke failed: %d\n", rc);
            return 1;
        }
        int top = 0;
        for (int c = 1; c < SHAPES_NUM_CLASSES; c++) {
            if (out[c] > out[top]) top = c;
        }
        /* SOFTMAX output: probability = (q + 128) / 256, printed to two decimals */
        int hundredths = (((int)out[top] + 128) * 100 + 128) / 256;
        int truth = shapes_sample_labels[k];
        correct += top == truth;
        printf("sample %d: predicted %-8s (%d.%02d), truth %-8s %s\n", k,
               shapes_class_names[top], hundredths / 100, hundredths % 100,
               shapes_class_names[truth], top == truth ? "ok" : "WRONG");
    }

    uint64_t ticks = total_ticks / SHAPES_NUM_SAMPLES;
    printf("\naccuracy: %d/%d on these samples (the model: %d.%02d %% on %d held-out shapes)\n",
           correct, SHAPES_NUM_SAMPLES, SHAPES_TEST_ACCURACY_BP / 100,
           SHAPES_TEST_ACCURACY_BP % 100, SHAPES_TEST_IMAGES);
    printf("latency: %lu instructions per inference (mean of %d; %lu SysTick ticks @ %lu Hz)\n",
           (unsigned long)te_board_ticks_to_instructions(ticks), SHAPES_NUM_SAMPLES,
           (unsigned long)ticks, (unsigned long)TE_BOARD_SYSTICK_HZ);
    printf("arena (SRAM): %u bytes\n", (unsigned)SHAPES_ARENA_BYTES);
    return 0;
}
