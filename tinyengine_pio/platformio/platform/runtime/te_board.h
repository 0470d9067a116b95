/* tinyengine-qemu board support: MPS2 (AN386 Cortex-M4F / AN500 Cortex-M7 /
 * AN505 Cortex-M33) and MPS3 (AN547 Cortex-M55) in QEMU.
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

/* SysTick runs from the processor clock (board f_cpu: 25 MHz on MPS2 AN386 and
 * AN500, 20 MHz on MPS2 AN505, 32 MHz on MPS3 AN547). Under `qemu -icount
 * shift=0` one instruction takes 1 ns of virtual time, i.e. one tick =
 * 1e9 / TE_BOARD_SYSTICK_HZ instructions (40 on AN386/AN500, 50 on AN505,
 * 31.25 on AN547 -- use te_board_ticks_to_instructions()). */
#ifdef F_CPU
#define TE_BOARD_SYSTICK_HZ ((uint32_t)(F_CPU))
#else
#define TE_BOARD_SYSTICK_HZ 25000000u
#endif
#define TE_BOARD_INSNS_PER_TICK (1000000000u / TE_BOARD_SYSTICK_HZ)

/* Monotonic 64-bit SysTick tick count since reset. */
uint64_t te_board_cycles(void);

/* SysTick ticks -> instructions (== virtual ns with -icount shift=0). */
static inline uint64_t te_board_ticks_to_instructions(uint64_t ticks) {
    return ticks * 1000000000ull / TE_BOARD_SYSTICK_HZ;
}

/* Instructions executed since reset, at a resolution of one SysTick tick. */
static inline uint64_t te_board_instructions(void) {
    return te_board_ticks_to_instructions(te_board_cycles());
}

/* Stack high-water mark: the stack is painted at reset (and again by
 * te_board_stack_paint(), below the caller's frame); te_board_stack_peak()
 * returns the deepest stack use since then, in bytes from the top of RAM. */
void te_board_stack_paint(void);
uint32_t te_board_stack_peak(void);

/* Write bytes to UART0 (blocking). */
void te_board_uart_write(const char *buf, int len);

/* Terminate the emulator with the given exit status (semihosting SYS_EXIT_EXTENDED). */
void te_board_exit(int status) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif
#endif
