/* tinyengine-pio line camera demo: the model never holds its input image whole.
 *
 * The model (model/linecam.tflite: a 64x64 camera image, a 4x4 average pool, then
 * ../platformio_shapes' int8 CNN naming the shape in the 16x16 result) is compiled with
 * custom_tinyengine_input_stream = yes: model_input(0) is NULL, and while model_invoke() runs its
 * first fused stage asks model_read_input_rows() below for the image's rows, in order and each
 * once, into its own line buffer. A "line camera" answers: it synthesizes each scan line
 * procedurally (integer arithmetic, the same as scenes.py) straight into that buffer, so no
 * 4,096-byte frame ever exists in RAM, and shows every 4th line in ASCII as it goes. Then the
 * prediction, the output bytes (the tests compare them with TFLM), how the rows were asked for,
 * the latency and the arena. Returns 0 when every inference ran (`pio run -t upload`'s result).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "model.h"
#include "te_board.h"

#if !defined(MODEL_INPUT_STREAM) || !defined(MODEL_INPUT0_STREAMED)
#error "compile the model with custom_tinyengine_input_stream = yes (platformio.ini)"
#endif
#if MODEL_INPUT0_ROWS != 64 || MODEL_INPUT0_ROW_BYTES != 64
#error "model/linecam.tflite takes a 64x64 grey image"
#endif

#define SIDE 64   /* camera pixels per row (MODEL_INPUT0_ROW_BYTES) and rows (MODEL_INPUT0_ROWS) */
#define STROKE 6  /* half pixels: strokes 1.5 pixels of the pooled 16x16 image wide */
#define NUM_CLASSES 6
#define FAR (1L << 20)

static const char *const class_names[NUM_CLASSES] = {
    "circle", "square", "triangle", "plus", "cross", "line",
};

/* One shape per frame: class, centre (cx, cy) and half extent r, in half camera pixels (pixel
 * (x, y) has its centre at (2x + 1, 2y + 1)). scenes.py has the same table. */
typedef struct {
    int32_t kind, cx, cy, r;
} scene_t;

static const scene_t scenes[] = {
    {0, 64, 64, 40}, /* circle, centred */
    {1, 56, 68, 40}, /* square, a little left */
    {2, 68, 64, 48}, /* triangle, apex up */
    {3, 60, 60, 44}, /* plus */
    {4, 68, 68, 40}, /* cross */
    {5, 64, 64, 48}, /* line, rising to the right */
    {0, 48, 72, 32}, /* small circle, bottom left */
    {4, 76, 52, 36}, /* small cross, top right */
};
#define NUM_FRAMES ((int32_t)(sizeof scenes / sizeof scenes[0]))

static int32_t iabs(int32_t v) { return v < 0 ? -v : v; }
static int32_t imin(int32_t a, int32_t b) { return a < b ? a : b; }
static int32_t imax(int32_t a, int32_t b) { return a > b ? a : b; }

/* floor(sqrt(v)) for v >= 0 */
static int32_t isqrt(int32_t v) {
    int32_t r = 0;
    while ((r + 1) * (r + 1) <= v) r++;
    return r;
}

/* Integer distance (half pixels) from (x, y), relative to the shape's centre, to its strokes.
 * Every division has a non-negative numerator, so it rounds as Python's // in scenes.py. */
static int32_t distance(int32_t kind, int32_t x, int32_t y, int32_t r) {
    int32_t ax = iabs(x), ay = iabs(y), d;
    switch (kind) {
    case 0: /* circle of radius r */
        return iabs(isqrt(x * x + y * y) - r);
    case 1: /* axis-aligned square outline */
        return iabs(imax(ax, ay) - r);
    case 2: /* triangle: apex (0, -r), base corners (+-7r/8, r/2) */
        d = 8 * ax <= 7 * r ? iabs(2 * y - r) / 2 : FAR;
        if (-r <= y && 2 * y <= r) d = imin(d, iabs(12 * ax - 7 * (y + r)) / 14);
        return d;
    case 3: /* plus: a horizontal and a vertical arm */
        d = ax <= r ? ay : FAR;
        return imin(d, ay <= r ? ax : FAR);
    case 4: { /* cross: the diagonals, 1/sqrt(2) ~ 5/7 */
        int32_t s = iabs(x + y), t = iabs(x - y);
        d = s * 5 <= r * 10 ? t * 5 / 7 : FAR;
        return imin(d, t * 5 <= r * 10 ? s * 5 / 7 : FAR);
    }
    default: /* line along (2, -1): distance |x + 2y| / sqrt(5) ~ 4/9 */
        return iabs(2 * x - y) * 4 <= r * 9 ? iabs(x + 2 * y) * 4 / 9 : FAR;
    }
}

/* The camera: scan line py of frame f, int8 pixels (scale 1/255, zero point -128). */
static void scan_line(int32_t f, int32_t py, int8_t *line) {
    const scene_t *s = &scenes[f];
    for (int32_t px = 0; px < SIDE; px++) {
        int32_t d = distance(s->kind, 2 * px + 1 - s->cx, 2 * py + 1 - s->cy, s->r);
        int32_t level = d <= STROKE ? 220 : 0;
        level += ((px * 73) ^ (py * 151 + f * 199)) & 31; /* texture */
        line[px] = (int8_t)(imin(level, 255) - 128);
    }
}

static char shade(int8_t q) {
    static const char ramp[] = " .:-=+*#%@";
    return ramp[((int32_t)q + 128) * 10 / 256];
}

/* What the model asked for during the current frame; the time spent in the camera */
static int32_t frame, next_row, reads, most_rows;
static uint64_t camera_ticks;

/* Called by model_invoke(): copy rows [row, row + rows) of input 0 to dst. */
int model_read_input_rows(int input, int row, int rows, void *dst) {
    int8_t *out = (int8_t *)dst;
    uint64_t t0 = te_board_cycles();
    if (input != 0 || row != next_row || rows < 1 || row + rows > MODEL_INPUT0_ROWS) {
        printf("camera: unexpected request input %d rows %d..%d (next row %ld)\n", input, row,
               row + rows - 1, (long)next_row);
        return -1; /* model_invoke() returns MODEL_INPUT_STREAM_ERROR */
    }
    for (int32_t k = 0; k < rows; k++) {
        int8_t *line = out + k * MODEL_INPUT0_ROW_BYTES;
        scan_line(frame, row + k, line);
        if ((row + k) % 4 == 1) { /* a preview: every 4th line, every 2nd pixel */
            char text[SIDE / 2 + 1];
            for (int32_t px = 0; px < SIDE / 2; px++) text[px] = shade(line[2 * px]);
            text[SIDE / 2] = '\0';
            printf("  |%s|\n", text);
        }
    }
    next_row = row + rows;
    reads++;
    most_rows = imax(most_rows, rows);
    camera_ticks += te_board_cycles() - t0;
    return 0;
}

int main(void) {
    const int8_t *out = (const int8_t *)model_output(0);
    uint64_t total_ticks = 0;
    int correct = 0;

    printf("tinyengine-pio line camera demo: a %dx%d image arrives row by row, never whole\n\n",
           MODEL_INPUT0_ROWS, (int)MODEL_INPUT0_ROW_BYTES);
    if (model_input(0) != NULL) {
        printf("model_input(0) should be NULL for a streamed input\n");
        return 1;
    }
    for (frame = 0; frame < NUM_FRAMES; frame++) {
        next_row = reads = most_rows = 0;
        uint64_t t0 = te_board_cycles();
        int rc = model_invoke();
        total_ticks += te_board_cycles() - t0;
        if (rc != 0) {
            printf("model_invoke failed: %d\n", rc);
            return 1;
        }
        if (next_row != MODEL_INPUT0_ROWS) {
            printf("the model read %ld of %d rows\n", (long)next_row, MODEL_INPUT0_ROWS);
            return 1;
        }
        int top = 0;
        for (int c = 1; c < NUM_CLASSES; c++) {
            if (out[c] > out[top]) top = c;
        }
        /* SOFTMAX output: probability = (q + 128) / 256, printed to two decimals */
        int hundredths = (((int)out[top] + 128) * 100 + 128) / 256;
        int truth = (int)scenes[frame].kind;
        correct += top == truth;
        printf("frame %ld: drawn %-8s predicted %-8s (%d.%02d) output", (long)frame,
               class_names[truth], class_names[top], hundredths / 100, hundredths % 100);
        for (int c = 0; c < NUM_CLASSES; c++) printf(" %d", out[c]);
        printf("\nrows: %d in %ld reads, at most %ld at once\n\n", MODEL_INPUT0_ROWS, (long)reads,
               (long)most_rows);
    }

    uint64_t camera = camera_ticks / NUM_FRAMES;
    uint64_t ticks = total_ticks / NUM_FRAMES - camera;
    printf("correct: %d/%ld frames\n", correct, (long)NUM_FRAMES);
    printf("latency: %lu instructions per inference without the camera (mean of %ld; %lu SysTick "
           "ticks @ %lu Hz); the camera: %lu more\n",
           (unsigned long)te_board_ticks_to_instructions(ticks), (long)NUM_FRAMES,
           (unsigned long)ticks, (unsigned long)TE_BOARD_SYSTICK_HZ,
           (unsigned long)te_board_ticks_to_instructions(camera));
    printf("arena (SRAM): %u bytes; the %u-byte image is never in RAM\n",
           (unsigned)MODEL_ARENA_BYTES, (unsigned)(MODEL_INPUT0_ROWS * MODEL_INPUT0_ROW_BYTES));
    return 0;
}
