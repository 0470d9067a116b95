/* Port layer of the tinyengine-pio harness: byte I/O and the latency timer.
 *
 * TE_BOARD_QEMU (the tinyengine-qemu PlatformIO boards, MPS2 in QEMU):
 *   CMSDK UART0 at TE_UART_BASE (default 0x40004000; TX and RX), latency from
 *   SysTick (TE_BOARD_SYSTICK_HZ, 25 MHz on MPS2) which under
 *   `qemu -icount shift=0` ticks every 1e9/TE_BOARD_SYSTICK_HZ instructions
 *   (40 on MPS2) -> unit "instructions".  QEMU does not emulate DWT->CYCCNT.
 * Otherwise (a real Cortex-M3/M4/M7/M33/M55): latency from DWT->CYCCNT
 *   (unit "cycles"); the board must provide te_harness_port_init/getc/write
 *   (its UART), and may override te_harness_port_clock_hz/exit (weak).
 */
#include "te_harness.h"

#define TE_REG32(a) (*(volatile uint32_t *)(a))

#if defined(TE_BOARD_QEMU)
#include "te_board.h"

#ifndef TE_UART_BASE /* the board's build.uart_base, else MPS2's UART0 */
#define TE_UART_BASE 0x40004000u
#endif
#define UART0_DATA TE_REG32((uint32_t)(TE_UART_BASE) + 0x0u)
#define UART0_STATE TE_REG32((uint32_t)(TE_UART_BASE) + 0x4u)
#define UART0_CTRL TE_REG32((uint32_t)(TE_UART_BASE) + 0x8u)
#define SYST_CVR TE_REG32(0xE000E018u)
#define SCB_ICSR TE_REG32(0xE000ED04u)
#define TE_SYSTICK_PERIOD 0x01000000u /* reload 0xFFFFFF + 1, see te_startup.c */

static uint64_t te_timer_base;

void te_harness_port_init(void) { UART0_CTRL |= 0x3u; /* TX and RX enable */ }

int te_harness_port_getc(void) {
    while (!(UART0_STATE & 0x2u)) { /* RX buffer empty */
    }
    return (int)(UART0_DATA & 0xFFu);
}

void te_harness_port_write(const uint8_t *buf, size_t len) {
    while (len > 0u) {
        int chunk = len > 0x4000u ? 0x4000 : (int)len;
        te_board_uart_write((const char *)buf, chunk);
        buf += chunk;
        len -= (size_t)chunk;
    }
}

/* Restart SysTick so that every run starts at the same timer phase: the
 * instruction count of a run is then reproducible to the tick, not +-1 tick. */
void te_harness_port_timer_start(void) {
    __asm__ volatile("cpsid i" ::: "memory");
    SYST_CVR = 0u;          /* counter -> 0, reloads on the next tick */
    SCB_ICSR = 1u << 25;    /* PENDSTCLR: drop a wrap that was about to be counted */
    te_timer_base = te_board_cycles() & ~(uint64_t)(TE_SYSTICK_PERIOD - 1u);
    __asm__ volatile("cpsie i" ::: "memory");
}

uint64_t te_harness_port_timer_elapsed(void) {
    uint64_t d = te_board_cycles() - te_timer_base;
    uint64_t ticks;
    if ((d & (TE_SYSTICK_PERIOD - 1u)) == TE_SYSTICK_PERIOD - 1u) {
        ticks = d - (TE_SYSTICK_PERIOD - 1u); /* counter at 0: a whole number of periods */
    } else {
        ticks = d + 1u; /* the first tick only reloads the counter */
    }
    /* -icount shift=0: 1 instruction = 1 ns of virtual time */
    return ticks * 1000000000ull / (uint64_t)TE_BOARD_SYSTICK_HZ;
}

uint8_t te_harness_port_unit(void) { return TE_UNIT_INSTRUCTIONS; }
uint32_t te_harness_port_clock_hz(void) { return TE_BOARD_SYSTICK_HZ; }
void te_harness_port_exit(int status) { te_board_exit(status); }

#else /* a real Cortex-M with DWT */

#define DEMCR TE_REG32(0xE000EDFCu)
#define DWT_CTRL TE_REG32(0xE0001000u)
#define DWT_CYCCNT TE_REG32(0xE0001004u)
#define DWT_LAR TE_REG32(0xE0001FB0u)

static uint32_t te_cyc0;

void te_harness_port_timer_start(void) {
    if (!(DWT_CTRL & 1u)) {
        DEMCR |= 1u << 24; /* TRCENA */
        DWT_LAR = 0xC5ACCE55u; /* unlock (Cortex-M7); ignored elsewhere */
        DWT_CYCCNT = 0u;
        DWT_CTRL |= 1u; /* CYCCNTENA */
    }
    te_cyc0 = DWT_CYCCNT;
}

uint64_t te_harness_port_timer_elapsed(void) { return (uint32_t)(DWT_CYCCNT - te_cyc0); }
uint8_t te_harness_port_unit(void) { return TE_UNIT_CYCLES; }
__attribute__((weak)) uint32_t te_harness_port_clock_hz(void) { return 0u; }
__attribute__((weak)) void te_harness_port_exit(int status) { (void)status; }
#endif
