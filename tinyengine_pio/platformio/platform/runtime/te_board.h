/* tinyengine-qemu board support: MPS2 (AN386 Cortex-M4F / AN500 Cortex-M7) in QEMU.
 *
 * printf/puts go to CMSDK UART0 (QEMU -serial stdio); returning from main()
 * (or calling exit()) ends QEMU with that exit code via semihosting.
 */
#ifndef TE_BOARD_H
#define TE_BOARD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* SysTick runs from the 25 MHz processor clock. Under `qemu -icount shift=0`
 * one instruction takes 1 ns of virtual time, i.e. one tick = 40 instructions. */
#define TE_BOARD_SYSTICK_HZ 25000000u
#define TE_BOARD_INSNS_PER_TICK 40u

/* Monotonic 64-bit SysTick tick count (25 MHz) since reset. */
uint64_t te_board_cycles(void);

/* Instructions executed since reset (== virtual ns with -icount shift=0),
 * at a resolution of TE_BOARD_INSNS_PER_TICK. */
static inline uint64_t te_board_instructions(void) {
    return te_board_cycles() * TE_BOARD_INSNS_PER_TICK;
}

/* Write bytes to UART0 (blocking). */
void te_board_uart_write(const char *buf, int len);

/* Terminate the emulator with the given exit status (semihosting SYS_EXIT_EXTENDED). */
void te_board_exit(int status) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif
#endif
