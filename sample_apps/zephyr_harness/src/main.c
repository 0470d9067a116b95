/* tinyengine-pio measurement harness on Zephyr: serve the host (tinyengine-pio bench)
 * on the harness UART until it sends EXIT. */
#include "te_harness.h"

int main(void)
{
	(void)te_harness_serve();
	return 0;
}
