/* Force-included into each generated <prefix>.c when
 * CONFIG_TINYENGINE_PROFILE_LAYERS=y: the generator's per-layer hook. */
#include "tinyengine_profile.h"
#define TE_PROFILE_LAYER(step) tinyengine_profile_layer(step)
