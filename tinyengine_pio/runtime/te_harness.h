/* tinyengine-pio measurement harness: device side of the serial protocol
 * described in docs/PROTOCOL.md (protocol version 1).
 *
 * Usage (what the bench firmware's main.c does):
 *
 *     #include "te_harness.h"
 *     int main(void) { return te_harness_serve(); }
 *
 * te_harness_serve() answers host requests over the port's byte stream until
 * the host sends EXIT.  The model is the one generated as "model.h"
 * (prefix "model").  Build-time options (all optional):
 *
 *   TE_HARNESS_CODE_SHA256   "hex"  digest of the generated C (the PlatformIO
 *                                   extra script defines it)
 *   TE_HARNESS_BOARD         "name" board id reported in IDENTITY
 *   TE_HARNESS_INPUT_COPY_BYTES n   sum of the model's input sizes (the extra
 *                                   script defines it; default MODEL_ARENA_BYTES)
 *   TE_HARNESS_STACK_PAINT   word   stack paint pattern scanned for the watermark
 *                                   (default 0xC5A5C5A5; Zephyr: 0xAAAAAAAA, the kernel's)
 */
#ifndef TE_HARNESS_H
#define TE_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TE_HARNESS_PROTOCOL_VERSION 1u

/* latency units (IDENTITY / INVOKE / GET_STATS "unit" byte) */
#define TE_UNIT_CYCLES 0u       /* core clock cycles (DWT->CYCCNT) */
#define TE_UNIT_INSTRUCTIONS 1u /* instructions (QEMU -icount shift=0, SysTick x 40) */
#define TE_UNIT_MICROSECONDS 2u /* a microsecond timer */
#define TE_UNIT_TICKS 3u        /* ticks of a timer at the IDENTITY clock (e.g. Zephyr's
                                   k_cycle_get_32()), not necessarily core cycles */

/* Serve host requests; returns the status the host passed with EXIT. */
int te_harness_serve(void);

/* ---- port layer ----
 * te_harness_port.c: with TE_BOARD_QEMU (tinyengine-qemu boards) it defines all of these.
 * Otherwise it defines only the DWT timer (timer_start / timer_elapsed / unit, strong) and
 * weak clock_hz (0) and exit (returns): the board must supply init / getc / write (its
 * UART; the link fails without them) and may override clock_hz / exit.  A port that
 * replaces te_harness_port.c (Zephyr: zephyr_module/lib/te_harness_port_zephyr.c)
 * defines them all. */
void te_harness_port_init(void);
int te_harness_port_getc(void);                    /* blocking, 0..255 */
void te_harness_port_write(const uint8_t *buf, size_t len);
void te_harness_port_timer_start(void);            /* called right before a run */
uint64_t te_harness_port_timer_elapsed(void);      /* since timer_start, in the port's unit */
uint8_t te_harness_port_unit(void);                /* TE_UNIT_* */
uint32_t te_harness_port_clock_hz(void);           /* core clock (0 if unknown) */
void te_harness_port_exit(int status);             /* may return on boards without an exit */

/* Optional (weak, not defined on bare metal, where the linker symbols
 * _heap_limit/_estack and _sdata/_edata/_sbss/_ebss describe the memory):
 * an RTOS port gives the calling thread's stack [lo, hi) (returns 0 if unknown)
 * and the static RAM sizes.  See zephyr_module/lib/te_harness_port_zephyr.c. */
int te_harness_port_stack(uintptr_t *lo, uintptr_t *hi);
void te_harness_port_static_ram(uint32_t *data, uint32_t *bss);

/* Stack painting (te_harness.c): paints the free stack below the caller. */
void te_harness_stack_paint(void);

#ifdef __cplusplus
}
#endif
#endif /* TE_HARNESS_H */
