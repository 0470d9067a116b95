/* Zephyr port of the tinyengine-pio measurement harness (CONFIG_TINYENGINE_HARNESS).
 *
 * UART: the devicetree chosen node `tinyengine,harness-uart` if the board/overlay
 *   has one, else `zephyr,console`; polled (uart_poll_in / uart_poll_out).  Nothing
 *   else may write to that UART while the harness runs (see the Kconfig help:
 *   no console, printk, logging or boot banner on it).
 * Latency:
 *   - QEMU boards with CONFIG_QEMU_ICOUNT (qemu -icount shift=N: one instruction
 *     = 2^N ns of virtual time): k_cycle_get_32() converted to instructions;
 *   - a real Cortex-M with the DWT cycle counter (CONFIG_CORTEX_M_DWT): core cycles;
 *   - otherwise: k_cycle_get_32() ticks (unit "ticks") of sys_clock_hw_cycles_per_sec()
 *     (reported as the clock): core cycles on SysTick-timed SoCs, not on others (RTC).
 * Stack: the main thread's stack (CONFIG_THREAD_STACK_INFO), painted by the
 *   kernel with 0xAA (CONFIG_INIT_STACKS), the pattern te_harness.c scans for.
 * EXIT: sys_reboot() when CONFIG_TINYENGINE_HARNESS_EXIT_REBOOT, else returns
 *   (te_harness_serve() then returns the status to main()).
 */
#include <zephyr/kernel.h>
#include <zephyr/device.h>
#include <zephyr/devicetree.h>
#include <zephyr/drivers/uart.h>
#include <zephyr/linker/linker-defs.h>
#include <zephyr/sys_clock.h>
#ifdef CONFIG_TINYENGINE_HARNESS_EXIT_REBOOT
#include <zephyr/sys/reboot.h>
#endif

#include "te_harness.h"

#if DT_HAS_CHOSEN(tinyengine_harness_uart)
#define TE_UART_NODE DT_CHOSEN(tinyengine_harness_uart)
#elif DT_HAS_CHOSEN(zephyr_console)
#define TE_UART_NODE DT_CHOSEN(zephyr_console)
#else
#error "tinyengine harness: no UART: set the devicetree chosen node tinyengine,harness-uart (or zephyr,console)"
#endif

static const struct device *const te_uart = DEVICE_DT_GET(TE_UART_NODE);

#if defined(CONFIG_QEMU_TARGET) && defined(CONFIG_QEMU_ICOUNT)
#define TE_Z_UNIT TE_UNIT_INSTRUCTIONS
#elif defined(CONFIG_CORTEX_M_DWT) && defined(DWT_CTRL_CYCCNTENA_Msk)
#define TE_Z_DWT 1
#define TE_Z_UNIT TE_UNIT_CYCLES
#else
#define TE_Z_UNIT TE_UNIT_TICKS
#endif

static uint32_t te_z_t0;

void te_harness_port_init(void)
{
	/* the harness cannot report anything without its UART: spin (a debugger shows why) */
	while (!device_is_ready(te_uart)) {
		k_busy_wait(1000);
	}
}

int te_harness_port_getc(void)
{
	unsigned char c;

	while (uart_poll_in(te_uart, &c) != 0) {
	}
	return (int)c;
}

void te_harness_port_write(const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uart_poll_out(te_uart, buf[i]);
	}
}

#ifdef TE_Z_DWT
void te_harness_port_timer_start(void)
{
	if (!(DWT->CTRL & DWT_CTRL_CYCCNTENA_Msk)) {
		CoreDebug->DEMCR |= CoreDebug_DEMCR_TRCENA_Msk;
#if defined(CONFIG_CPU_CORTEX_M7)
		DWT->LAR = 0xC5ACCE55u; /* unlock */
#endif
		DWT->CYCCNT = 0u;
		DWT->CTRL |= DWT_CTRL_CYCCNTENA_Msk;
	}
	te_z_t0 = DWT->CYCCNT;
}

uint64_t te_harness_port_timer_elapsed(void)
{
	return (uint32_t)(DWT->CYCCNT - te_z_t0);
}

uint32_t te_harness_port_clock_hz(void)
{
#ifdef CONFIG_CORTEX_M_SYSTICK
	return (uint32_t)sys_clock_hw_cycles_per_sec(); /* SysTick runs on the core clock */
#else
	return 0u; /* core clock unknown to the kernel's timer */
#endif
}
#else
void te_harness_port_timer_start(void)
{
	te_z_t0 = k_cycle_get_32();
}

uint64_t te_harness_port_timer_elapsed(void)
{
	uint64_t cyc = (uint32_t)(k_cycle_get_32() - te_z_t0);
#if TE_Z_UNIT == TE_UNIT_INSTRUCTIONS
	/* -icount shift=N: one instruction every 2^N ns of virtual time */
	return cyc * 1000000000ull / (uint64_t)sys_clock_hw_cycles_per_sec() >>
	       CONFIG_QEMU_ICOUNT_SHIFT;
#else
	return cyc;
#endif
}

uint32_t te_harness_port_clock_hz(void)
{
	return (uint32_t)sys_clock_hw_cycles_per_sec();
}
#endif

uint8_t te_harness_port_unit(void)
{
	return TE_Z_UNIT;
}

void te_harness_port_exit(int status)
{
#ifdef CONFIG_TINYENGINE_HARNESS_EXIT_REBOOT
	/* let the EXIT answer leave the UART before resetting */
	k_busy_wait(20000);
	sys_reboot(status == 0 ? SYS_REBOOT_WARM : SYS_REBOOT_COLD);
#else
	ARG_UNUSED(status);
#endif
}

int te_harness_port_stack(uintptr_t *lo, uintptr_t *hi)
{
#ifdef CONFIG_THREAD_STACK_INFO
	const struct k_thread *t = k_current_get();

	*lo = (uintptr_t)t->stack_info.start;
	*hi = (uintptr_t)t->stack_info.start + t->stack_info.size - t->stack_info.delta;
	return 1;
#else
	*lo = *hi = 0u;
	return 0;
#endif
}

void te_harness_port_static_ram(uint32_t *data, uint32_t *bss)
{
	*data = (uint32_t)((uintptr_t)__data_region_end - (uintptr_t)__data_region_start);
	*bss = (uint32_t)((uintptr_t)__bss_end - (uintptr_t)__bss_start);
}
