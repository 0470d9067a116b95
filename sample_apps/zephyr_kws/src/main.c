/* tinyengine-pio Zephyr sample: run the compiled model(s) once.
 *
 * Every input gets a fixed pattern (byte i = (i % 256) - 128), so the
 * printed output can be compared with TFLM on the host.  For each model it
 * prints
 *   output[<prefix>]: <hex bytes of output 0>
 *   top[<prefix>]: <index> (score <value>)
 *   time[<prefix>]: <n> ticks (<hz> Hz), <us> us  (CONFIG_TINYENGINE_MEASURE=y; k_cycle_get_32()
 *                  ticks of the system timer: core cycles only when it is SysTick)
 *   arena[<prefix>]: <bytes> bytes
 * then "tinyengine: done".
 */
#include <stddef.h>
#include <stdint.h>
#include <zephyr/kernel.h>

#include "tinyengine_zephyr.h"
#include "model.h"
#ifdef TINYENGINE_SAMPLE_MODEL2
#include "model2.h"
#endif

struct te_model {
	const char *name;
	int (*invoke)(void);
	void *(*input)(int i);
	size_t (*input_bytes)(int i);
	int (*num_inputs)(void);
	const void *(*output)(int i);
	size_t (*output_bytes)(int i);
	unsigned int arena_bytes;
};

#define TE_MODEL(P, UP)                                                                            \
	{#P, P##_invoke, P##_input, P##_input_bytes, P##_num_inputs, P##_output, P##_output_bytes, \
	 UP##_ARENA_BYTES}

static const struct te_model models[] = {
	TE_MODEL(model, MODEL),
#ifdef TINYENGINE_SAMPLE_MODEL2
	TE_MODEL(model2, MODEL2),
#endif
};

static int run(const struct te_model *m)
{
	for (int n = 0; n < m->num_inputs(); n++) {
		int8_t *in = (int8_t *)m->input(n);

		for (size_t i = 0; i < m->input_bytes(n); i++) {
			in[i] = (int8_t)((int)(i % 256u) - 128);
		}
	}

#ifdef CONFIG_TINYENGINE_PROFILE_LAYERS
	tinyengine_profile_start(m->name);
#endif
#ifdef CONFIG_TINYENGINE_MEASURE
	uint32_t c0 = tinyengine_cycles();
	int rc = m->invoke();
	uint32_t ticks = tinyengine_cycles() - c0;
#else
	int rc = m->invoke();
#endif

	if (rc != 0) {
		printk("error[%s]: invoke returned %d\n", m->name, rc);
		return rc;
	}
	const int8_t *out = (const int8_t *)m->output(0);
	size_t out_bytes = m->output_bytes(0);
	size_t top = 0;

	printk("output[%s]:", m->name);
	for (size_t i = 0; i < out_bytes; i++) {
		printk(" %02x", (unsigned int)(uint8_t)out[i]);
		if (out[i] > out[top]) {
			top = i;
		}
	}
	printk("\n");
	printk("top[%s]: %u (score %d)\n", m->name, (unsigned int)top, (int)out[top]);
#ifdef CONFIG_TINYENGINE_MEASURE
	printk("time[%s]: %u ticks (%u Hz), %u us\n", m->name, (unsigned int)ticks,
	       (unsigned int)sys_clock_hw_cycles_per_sec(),
	       (unsigned int)tinyengine_cycles_to_us(ticks));
#endif
	printk("arena[%s]: %u bytes\n", m->name, m->arena_bytes);
#ifdef CONFIG_TINYENGINE_PROFILE_LAYERS
	tinyengine_profile_print();
#endif
	return 0;
}

int main(void)
{
	int rc = 0;

	for (size_t i = 0; i < ARRAY_SIZE(models); i++) {
		rc |= run(&models[i]);
	}
	printk("tinyengine: %s\n", rc == 0 ? "done" : "failed");
	return rc;
}
