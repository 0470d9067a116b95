/* Per-layer profiling of generated models (CONFIG_TINYENGINE_PROFILE_LAYERS). */
#include <stdint.h>
#include <zephyr/kernel.h>

#include "tinyengine_profile.h"

#define MAX_LAYERS CONFIG_TINYENGINE_PROFILE_MAX_LAYERS

static const char *prof_model;
static int prof_layers;
static uint32_t prof_last;
static uint32_t prof_cycles[MAX_LAYERS];

void tinyengine_profile_start(const char *model)
{
	prof_model = model;
	prof_layers = 0;
	prof_last = k_cycle_get_32();
}

void tinyengine_profile_layer(int step)
{
	uint32_t now = k_cycle_get_32();

	if (step >= 0 && step < MAX_LAYERS) {
		prof_cycles[step] = now - prof_last;
		if (step + 1 > prof_layers) {
			prof_layers = step + 1;
		}
	}
	prof_last = k_cycle_get_32();   /* leave this function's own time out */
}

unsigned int tinyengine_profile_cycles(int step)
{
	return (step >= 0 && step < prof_layers) ? (unsigned int)prof_cycles[step] : 0u;
}

int tinyengine_profile_layers(void)
{
	return prof_layers;
}

void tinyengine_profile_print(void)
{
	uint32_t total = 0;

	printk("layers[%s]: %d (cycles @ %u Hz)\n", prof_model ? prof_model : "?", prof_layers,
	       (unsigned int)sys_clock_hw_cycles_per_sec());
	for (int i = 0; i < prof_layers; i++) {
		total += prof_cycles[i];
		printk("  layer %3d: %10u cycles\n", i, (unsigned int)prof_cycles[i]);
	}
	printk("  total    : %10u cycles\n", (unsigned int)total);
}
