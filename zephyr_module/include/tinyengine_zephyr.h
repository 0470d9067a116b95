/* tinyengine-pio on Zephyr: timing helpers for generated models.
 *
 *   uint32_t c0 = tinyengine_cycles();
 *   model_invoke();
 *   uint32_t cycles = tinyengine_cycles() - c0;
 *   printk("%u cycles, %u us\n", cycles, (unsigned)tinyengine_cycles_to_us(cycles));
 */
#ifndef TINYENGINE_ZEPHYR_H_
#define TINYENGINE_ZEPHYR_H_

#include <stdint.h>
#include <zephyr/kernel.h>

#ifdef __cplusplus
extern "C" {
#endif

static inline uint32_t tinyengine_cycles(void)
{
	return k_cycle_get_32();
}

static inline uint64_t tinyengine_cycles_to_us(uint32_t cycles)
{
	return k_cyc_to_us_floor64(cycles);
}

#ifdef CONFIG_TINYENGINE_PROFILE_LAYERS
#include "tinyengine_profile.h"
#endif

#ifdef __cplusplus
}
#endif
#endif /* TINYENGINE_ZEPHYR_H_ */
