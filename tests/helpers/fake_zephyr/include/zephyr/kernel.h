/* Host stand-in for <zephyr/kernel.h> (fake Zephyr package of the tests). */
#ifndef FAKE_ZEPHYR_KERNEL_H_
#define FAKE_ZEPHYR_KERNEL_H_
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define printk printf
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline uint32_t k_cycle_get_32(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}
static inline uint32_t sys_clock_hw_cycles_per_sec(void) { return 1000000000u; }
static inline uint64_t k_cyc_to_us_floor64(uint64_t cycles) { return cycles / 1000u; }
#endif
