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

/* Prints one text row, without its trailing blanks. */
static void put_row(char *row, int len) {
    while (len > 0 && row[len - 1] == ' ') len--;
    row[len] = '\0';
    printf("%s\n", row);
}

/* Draws images first..first+count-1 side by side, each under its number and true label. */
static void draw_images(int first, int count) {
    char row[PER_ROW * 20 + 1];
    int len = 0;
    for (int k = first; k < first + count; k++) {
        char title[32];
        snprintf(title, sizeof title, "#%d %s", k, shapes_class_names[shapes_sample_labels[k]]);
        len += snprintf(row + len, sizeof row - (size_t)len, "  %-16.16s  ", title);
    }
    put_row(row, len);
    for (int y = 0; y < SHAPES_SIDE; y++) {
        len = 0;
        for (int k = first; k < first + count; k++) {
            row[len++] = ' ';
            row[len++] = ' ';
            for (int x = 0; x < SHAPES_SIDE; x++) {
                row[len++] = shade(shapes_samples[k][y * SHAPES_SIDE + x]);
            }
            row[len++] = ' ';
            row[len++] = ' ';
        }
        put_row(row, len);
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
