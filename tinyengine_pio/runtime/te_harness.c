/* tinyengine-pio measurement harness, device side (protocol v1, docs/PROTOCOL.md).
 *
 * Frame: A5 5A | version | command | length (u32 LE) | payload | CRC-32 (u32 LE)
 * of everything before it.  Requests are answered with command|0x80, or with
 * ERROR (0xFF).  SET_INPUT payloads are streamed into a copy of the inputs (no
 * frame buffer), every other request is at most TE_H_SMALL bytes.
 */
#include "te_harness.h"

#include <string.h>

#include "model.h"

#ifndef TE_HARNESS_CODE_SHA256
#define TE_HARNESS_CODE_SHA256 "0000000000000000000000000000000000000000000000000000000000000000"
#endif
#ifndef TE_HARNESS_BOARD
#define TE_HARNESS_BOARD "unknown"
#endif
#ifndef TE_HARNESS_INPUT_COPY_BYTES
#define TE_HARNESS_INPUT_COPY_BYTES MODEL_ARENA_BYTES
#endif
#ifndef TE_HARNESS_MAX_RUNS
#define TE_HARNESS_MAX_RUNS 1000000u
#endif
#define TE_H_SMALL 16u
#define TE_H_MAX_IO 32
#ifdef TE_HARNESS_STACK_PAINT /* e.g. 0xAAAAAAAAu: Zephyr's CONFIG_INIT_STACKS pattern */
#define TE_H_PAINT ((uint32_t)(TE_HARNESS_STACK_PAINT))
#else
#define TE_H_PAINT 0xC5A5C5A5u /* same pattern as te_startup.c's te_board_stack_paint() */
#endif

/* commands */
#define CMD_HELLO 0x01u
#define CMD_SET_INPUT 0x02u
#define CMD_INVOKE 0x03u
#define CMD_GET_OUTPUT 0x04u
#define CMD_GET_STATS 0x05u
#define CMD_EXIT 0x06u
#define CMD_GET_LAYERS 0x07u
#define CMD_READY 0x7Eu /* unsolicited, at boot */
#define CMD_ERROR 0x7Fu
#define RESP 0x80u

/* error codes */
#define ERR_VERSION 1u
#define ERR_CRC 2u
#define ERR_COMMAND 3u
#define ERR_LENGTH 4u
#define ERR_INDEX 5u
#define ERR_NO_INPUT 6u
#define ERR_NO_OUTPUT 7u
#define ERR_ARG 8u
#define ERR_UNSUPPORTED 9u

/* ---- linker symbols (weak: absent -> no stack/static figures) ----------- */
extern char _sdata[] __attribute__((weak));
extern char _edata[] __attribute__((weak));
extern char _sbss[] __attribute__((weak));
extern char _ebss[] __attribute__((weak));
extern char _estack[] __attribute__((weak));     /* initial SP, top of the stack */
extern char _heap_limit[] __attribute__((weak)); /* lowest address of the stack */

/* ---- optional port hooks (weak: absent on bare metal) --------------------
 * An RTOS port (zephyr_module/lib/te_harness_port_zephyr.c) gives the bounds of
 * the calling thread's stack and the static RAM sizes, which the linker
 * symbols above describe on bare metal.  With the stack hook, the stack is
 * also scanned for the deepest use before te_harness_serve() repaints it
 * (the kernel painted it with TE_HARNESS_STACK_PAINT when it created the thread). */
int te_harness_port_stack(uintptr_t *lo, uintptr_t *hi) __attribute__((weak));
void te_harness_port_static_ram(uint32_t *data, uint32_t *bss) __attribute__((weak));

#if MODEL_NUM_INPUTS > TE_H_MAX_IO || MODEL_NUM_OUTPUTS > TE_H_MAX_IO
#error "te_harness supports at most 32 inputs and 32 outputs"
#endif

static struct {
    uint8_t input_ok[TE_H_MAX_IO];
    uint8_t ran;
    uint32_t crc; /* CRC of the frame being received */
    uint32_t tx_crc;
    uint8_t small[TE_H_SMALL];
    /* statistics of the last INVOKE */
    uint32_t runs;
    int32_t rc;
    uint64_t last, min, max, total;
    uintptr_t deepest;      /* lowest stack address ever written (0: none) */
    uint32_t invoke_stack;  /* deepest use below the INVOKE handler's SP */
} te_h;

#ifdef TE_HARNESS_PER_LAYER
/* timer value after each layer of the current run (te_harness_layers.h) */
static struct {
    uint64_t mark[TE_HARNESS_MAX_LAYERS];
    uint32_t count;   /* marks of the current run (highest step + 1) */
    uint32_t dropped; /* steps >= TE_HARNESS_MAX_LAYERS */
} te_h_layers;

void te_harness_layer_mark(int step) {
    uint64_t t = te_harness_port_timer_elapsed();
    if (step < 0) return;
    if ((uint32_t)step >= TE_HARNESS_MAX_LAYERS) {
        te_h_layers.dropped++;
        return;
    }
    te_h_layers.mark[step] = t;
    if ((uint32_t)step + 1u > te_h_layers.count) te_h_layers.count = (uint32_t)step + 1u;
}
#endif

static union {
    uint8_t b[TE_HARNESS_INPUT_COPY_BYTES > 0 ? TE_HARNESS_INPUT_COPY_BYTES : 1];
    uint64_t align_;
} te_h_inputs;

/* ---- CRC-32 (IEEE 802.3, reflected, as zlib.crc32) ----------------------- */
static const uint32_t te_crc_nibble[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
    0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
    0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu};

/* state is the running value already inverted (start 0xFFFFFFFF, finish ~) */
static uint32_t crc_update(uint32_t c, const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        c = (c >> 4) ^ te_crc_nibble[c & 0xFu];
        c = (c >> 4) ^ te_crc_nibble[c & 0xFu];
    }
    return c;
}

/* ---- stack painting ------------------------------------------------------ */
static inline uintptr_t current_sp(void) {
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

#define SYM(s) ((uintptr_t)(s))
/* lowest and highest (exclusive) address of the stack: linker symbols, or the port's hook */
static uintptr_t stack_lo(void) {
    uintptr_t lo, hi;
    if (te_harness_port_stack) return te_harness_port_stack(&lo, &hi) ? lo : 0u;
    return SYM(_heap_limit);
}
static uintptr_t stack_hi(void) {
    uintptr_t lo, hi;
    if (te_harness_port_stack) return te_harness_port_stack(&lo, &hi) ? hi : 0u;
    return SYM(_estack);
}
static int have_stack(void) {
    return stack_lo() != 0u && stack_hi() > stack_lo();
}

static inline __attribute__((always_inline)) void paint_below(uintptr_t limit) {
    if (!have_stack()) return;
    volatile uint32_t *p = (volatile uint32_t *)((stack_lo() + 3u) & ~(uintptr_t)3u);
    volatile uint32_t *end = (volatile uint32_t *)(limit & ~(uintptr_t)3u);
    while (p < end) *p++ = TE_H_PAINT;
}

/* lowest stack address that no longer holds the paint */
static uintptr_t lowest_used(void) {
    const volatile uint32_t *p = (const volatile uint32_t *)((stack_lo() + 3u) & ~(uintptr_t)3u);
    const volatile uint32_t *top = (const volatile uint32_t *)stack_hi();
    while (p < top && *p == TE_H_PAINT) p++;
    return (uintptr_t)p;
}

static void stack_update(void) {
    if (!have_stack()) return;
    uintptr_t low = lowest_used();
    if (te_h.deepest == 0 || low < te_h.deepest) te_h.deepest = low;
}

void te_harness_stack_paint(void) { paint_below(current_sp() - 64u); }

#ifndef __ZEPHYR__ /* Zephyr rejects .init_array without CONFIG_STATIC_INIT_GNU; it paints stacks itself */
/* paint at boot, before main(): the stack is shallow here */
__attribute__((constructor)) static void te_harness_boot_paint(void) { te_harness_stack_paint(); }
#endif

/* ---- framing ------------------------------------------------------------- */
static void put_u32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static void put_u64(uint8_t *p, uint64_t v) {
    put_u32(p, (uint32_t)v);
    put_u32(p + 4, (uint32_t)(v >> 32));
}
static uint32_t get_u32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void tx_begin(uint8_t cmd, uint32_t len) {
    uint8_t h[8] = {0xA5u, 0x5Au, (uint8_t)TE_HARNESS_PROTOCOL_VERSION, cmd, 0, 0, 0, 0};
    put_u32(h + 4, len);
    te_h.tx_crc = crc_update(0xFFFFFFFFu, h, sizeof h);
    te_harness_port_write(h, sizeof h);
}
static void tx(const void *p, size_t n) {
    te_h.tx_crc = crc_update(te_h.tx_crc, (const uint8_t *)p, n);
    te_harness_port_write((const uint8_t *)p, n);
}
static void tx_end(void) {
    uint8_t c[4];
    put_u32(c, ~te_h.tx_crc);
    te_harness_port_write(c, 4);
}

static void send_error(uint8_t code, uint8_t cmd, const char *msg) {
    size_t n = strlen(msg);
    uint8_t h[2] = {code, cmd};
    tx_begin(CMD_ERROR, (uint32_t)(2u + n));
    tx(h, 2);
    tx(msg, n);
    tx_end();
}

static uint8_t rx(void) {
    uint8_t b = (uint8_t)te_harness_port_getc();
    te_h.crc = crc_update(te_h.crc, &b, 1);
    return b;
}

static void rx_skip(uint32_t n) {
    while (n--) (void)rx();
}

/* reads the trailing CRC; 1 if it matches the frame */
static int rx_crc_ok(void) {
    uint32_t want = ~te_h.crc;
    uint8_t c[4];
    for (int i = 0; i < 4; i++) c[i] = (uint8_t)te_harness_port_getc();
    return get_u32(c) == want;
}

/* ---- commands ------------------------------------------------------------ */
static size_t input_offset(int idx) {
    size_t off = 0;
    for (int i = 0; i < idx; i++) off += model_input_bytes(i);
    return off;
}

static void do_hello(void) {
    const char *board = TE_HARNESS_BOARD;
    size_t bl = strlen(board);
    if (bl > 255u) bl = 255u;
    int ni = model_num_inputs(), no = model_num_outputs();
    uint32_t len = 12u + 64u + 64u + 4u * (uint32_t)(ni + no) + 1u + (uint32_t)bl;
    uint8_t h[12];
    h[0] = (uint8_t)TE_HARNESS_PROTOCOL_VERSION;
    h[1] = te_harness_port_unit();
    h[2] = (uint8_t)ni;
    h[3] = (uint8_t)no;
    put_u32(h + 4, (uint32_t)MODEL_ARENA_BYTES);
    put_u32(h + 8, te_harness_port_clock_hz());
    tx_begin(CMD_HELLO | RESP, len);
    tx(h, sizeof h);
    tx(MODEL_SHA256, 64);
    tx(TE_HARNESS_CODE_SHA256, 64);
    for (int i = 0; i < ni; i++) {
        put_u32(h, (uint32_t)model_input_bytes(i));
        tx(h, 4);
    }
    for (int i = 0; i < no; i++) {
        put_u32(h, (uint32_t)model_output_bytes(i));
        tx(h, 4);
    }
    h[0] = (uint8_t)bl;
    tx(h, 1);
    tx(board, bl);
    tx_end();
}

/* SET_INPUT: header already read (crc running); len >= 1 checked by caller */
static void do_set_input(uint32_t len) {
    uint8_t idx = rx();
    uint32_t n = len - 1u;
    if (idx >= (uint32_t)model_num_inputs() || n != (uint32_t)model_input_bytes(idx)) {
        rx_skip(n);
        int crc_ok = rx_crc_ok();
        if (!crc_ok) {
            send_error(ERR_CRC, CMD_SET_INPUT, "CRC mismatch");
        } else if (idx >= (uint32_t)model_num_inputs()) {
            send_error(ERR_INDEX, CMD_SET_INPUT, "no such input");
        } else {
            send_error(ERR_LENGTH, CMD_SET_INPUT, "payload size differs from the input tensor");
        }
        return;
    }
    te_h.input_ok[idx] = 0;
    uint8_t *dst = te_h_inputs.b + input_offset(idx);
    uint32_t data_crc = 0xFFFFFFFFu;
    for (uint32_t i = 0; i < n; i++) {
        dst[i] = rx();
    }
    data_crc = crc_update(data_crc, dst, n);
    if (!rx_crc_ok()) {
        send_error(ERR_CRC, CMD_SET_INPUT, "CRC mismatch");
        return;
    }
    te_h.input_ok[idx] = 1;
    uint8_t r[5];
    r[0] = idx;
    put_u32(r + 1, ~data_crc);
    tx_begin(CMD_SET_INPUT | RESP, sizeof r);
    tx(r, sizeof r);
    tx_end();
}

static void put_timing(uint8_t *p) {
    put_u64(p, te_h.last);
    put_u64(p + 8, te_h.min);
    put_u64(p + 16, te_h.max);
    put_u64(p + 24, te_h.total);
}

__attribute__((noinline)) static void do_invoke(uint32_t n) {
    int ni = model_num_inputs();
    if (n == 0u || n > TE_HARNESS_MAX_RUNS) {
        send_error(ERR_ARG, CMD_INVOKE, "run count out of range");
        return;
    }
    for (int i = 0; i < ni; i++) {
        if (!te_h.input_ok[i]) {
            send_error(ERR_NO_INPUT, CMD_INVOKE, "input not set");
            return;
        }
    }
    stack_update();
    uintptr_t sp = current_sp();
    paint_below(sp - 32u);
    te_h.runs = 0;
    te_h.rc = 0;
    te_h.last = te_h.max = te_h.total = 0;
    te_h.min = ~(uint64_t)0;
    for (uint32_t r = 0; r < n; r++) {
        for (int i = 0; i < ni; i++) {
            memcpy(model_input(i), te_h_inputs.b + input_offset(i), model_input_bytes(i));
        }
#ifdef TE_HARNESS_PER_LAYER
        te_h_layers.count = 0u;
        te_h_layers.dropped = 0u;
#endif
#ifdef MODEL_STATE_BYTES
        model_reset();   /* a stateful model (LSTM, SVDF) runs each time from its initial
                            state, as the reference's fresh TFLM interpreter does */
#endif
        te_harness_port_timer_start();
        int rc = model_invoke();
        uint64_t t = te_harness_port_timer_elapsed();
        te_h.runs++;
        te_h.last = t;
        te_h.total += t;
        if (t < te_h.min) te_h.min = t;
        if (t > te_h.max) te_h.max = t;
        if (rc != 0) {
            te_h.rc = rc;
            break;
        }
    }
    if (have_stack()) {
        uintptr_t low = lowest_used();
        te_h.invoke_stack = low < sp ? (uint32_t)(sp - low) : 0u;
        if (te_h.deepest == 0 || low < te_h.deepest) te_h.deepest = low;
    }
    te_h.ran = (uint8_t)(te_h.rc == 0);
    uint8_t p[4 + 4 + 1 + 32];
    put_u32(p, (uint32_t)te_h.rc);
    put_u32(p + 4, te_h.runs);
    p[8] = te_harness_port_unit();
    put_timing(p + 9);
    tx_begin(CMD_INVOKE | RESP, sizeof p);
    tx(p, sizeof p);
    tx_end();
}

static void do_get_output(uint8_t idx) {
    if (idx >= (uint32_t)model_num_outputs()) {
        send_error(ERR_INDEX, CMD_GET_OUTPUT, "no such output");
        return;
    }
    if (!te_h.ran) {
        send_error(ERR_NO_OUTPUT, CMD_GET_OUTPUT, "no successful inference yet");
        return;
    }
    const uint8_t *out = (const uint8_t *)model_output(idx);
    uint32_t n = (uint32_t)model_output_bytes(idx);
    uint8_t h[9];
    h[0] = idx;
    put_u32(h + 1, ~crc_update(0xFFFFFFFFu, out, n));
    put_u32(h + 5, n);
    tx_begin(CMD_GET_OUTPUT | RESP, 9u + n);
    tx(h, sizeof h);
    tx(out, n);
    tx_end();
}

static void do_get_stats(void) {
    stack_update();
    uint8_t p[1 + 4 + 4 + 32 + 4 * 8];
    uint32_t stack_size = have_stack() ? (uint32_t)(stack_hi() - stack_lo()) : 0u;
    uint32_t stack_peak = (have_stack() && te_h.deepest) ? (uint32_t)(stack_hi() - te_h.deepest) : 0u;
    uint32_t data = (SYM(_sdata) && SYM(_edata)) ? (uint32_t)(SYM(_edata) - SYM(_sdata)) : 0u;
    uint32_t bss = (SYM(_sbss) && SYM(_ebss)) ? (uint32_t)(SYM(_ebss) - SYM(_sbss)) : 0u;
    if (te_harness_port_static_ram) te_harness_port_static_ram(&data, &bss);
    p[0] = te_harness_port_unit();
    put_u32(p + 1, te_h.runs);
    put_u32(p + 5, (uint32_t)te_h.rc);
    put_timing(p + 9);
    put_u32(p + 41, stack_size);
    put_u32(p + 45, stack_peak);
    put_u32(p + 49, te_h.invoke_stack);
    put_u32(p + 53, (uint32_t)MODEL_ARENA_BYTES);
    put_u32(p + 57, data);
    put_u32(p + 61, bss);
#ifdef TE_HARNESS_PER_LAYER
    put_u32(p + 65, (uint32_t)(sizeof te_h + sizeof te_h_inputs + sizeof te_h_layers));
#else
    put_u32(p + 65, (uint32_t)(sizeof te_h + sizeof te_h_inputs));
#endif
    put_u32(p + 69, (uint32_t)TE_HARNESS_INPUT_COPY_BYTES);
    tx_begin(CMD_GET_STATS | RESP, sizeof p);
    tx(p, sizeof p);
    tx_end();
}

/* GET_LAYERS: u32 count | u8 unit | u32 dropped | count x u64 latency of each
 * layer of the last run (mark[i] - mark[i-1], mark[-1] = run start) */
static void do_get_layers(void) {
#ifdef TE_HARNESS_PER_LAYER
    if (te_h.runs == 0u) {
        send_error(ERR_NO_OUTPUT, CMD_GET_LAYERS, "no inference yet");
        return;
    }
    uint32_t n = te_h_layers.count;
    uint8_t h[9];
    put_u32(h, n);
    h[4] = te_harness_port_unit();
    put_u32(h + 5, te_h_layers.dropped);
    tx_begin(CMD_GET_LAYERS | RESP, 9u + 8u * n);
    tx(h, sizeof h);
    uint64_t prev = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t m = te_h_layers.mark[i];
        uint8_t v[8];
        put_u64(v, m >= prev ? m - prev : 0u);
        if (m > prev) prev = m;
        tx(v, 8);
    }
    tx_end();
#else
    send_error(ERR_UNSUPPORTED, CMD_GET_LAYERS, "per-layer timing not built in");
#endif
}

/* ---- main loop ----------------------------------------------------------- */
int te_harness_serve(void) {
    te_harness_port_init();
    if (te_harness_port_stack) stack_update(); /* use before now, in the kernel's paint */
    te_harness_stack_paint();
    {
        uint8_t v = (uint8_t)TE_HARNESS_PROTOCOL_VERSION;
        tx_begin(CMD_READY, 1);
        tx(&v, 1);
        tx_end();
    }
    for (;;) {
        /* sync on A5 5A */
        uint8_t b = (uint8_t)te_harness_port_getc();
        if (b != 0xA5u) continue;
        do {
            b = (uint8_t)te_harness_port_getc();
        } while (b == 0xA5u);
        if (b != 0x5Au) continue;
        static const uint8_t magic[2] = {0xA5u, 0x5Au};
        te_h.crc = crc_update(0xFFFFFFFFu, magic, 2);
        uint8_t ver = rx();
        uint8_t cmd = rx();
        uint8_t l[4];
        for (int i = 0; i < 4; i++) l[i] = rx();
        uint32_t len = get_u32(l);
        if (ver != TE_HARNESS_PROTOCOL_VERSION) {
            send_error(ERR_VERSION, cmd, "unsupported protocol version");
            continue; /* resync: the length cannot be trusted */
        }
        if (cmd == CMD_SET_INPUT) {
            if (len < 1u || len > 1u + (uint32_t)TE_HARNESS_INPUT_COPY_BYTES) {
                send_error(ERR_LENGTH, cmd, "bad SET_INPUT length");
                continue;
            }
            do_set_input(len);
            continue;
        }
        if (len > TE_H_SMALL) {
            send_error(ERR_LENGTH, cmd, "payload too long");
            continue;
        }
        for (uint32_t i = 0; i < len; i++) te_h.small[i] = rx();
        if (!rx_crc_ok()) {
            send_error(ERR_CRC, cmd, "CRC mismatch");
            continue;
        }
        switch (cmd) {
        case CMD_HELLO:
            do_hello();
            break;
        case CMD_INVOKE:
            if (len != 4u) {
                send_error(ERR_LENGTH, cmd, "INVOKE takes a u32");
                break;
            }
            do_invoke(get_u32(te_h.small));
            break;
        case CMD_GET_OUTPUT:
            if (len != 1u) {
                send_error(ERR_LENGTH, cmd, "GET_OUTPUT takes a u8");
                break;
            }
            do_get_output(te_h.small[0]);
            break;
        case CMD_GET_STATS:
            do_get_stats();
            break;
        case CMD_GET_LAYERS:
            do_get_layers();
            break;
        case CMD_EXIT: {
            int status = len == 4u ? (int)get_u32(te_h.small) : 0;
            tx_begin(CMD_EXIT | RESP, 0);
            tx_end();
            te_harness_port_exit(status);
            return status;
        }
        default:
            send_error(ERR_COMMAND, cmd, "unknown command");
            break;
        }
    }
}
