/* tinyengine-pio harness: per-layer timing mode.
 *
 * Force-included (gcc -include) into every C file of a per-layer harness build
 * (build_firmware(..., per_layer=True) puts `-include <this file>` in
 * build_flags).  The generated model code calls TE_PROFILE_LAYER(step) after
 * each layer when the macro is defined; the harness records the run timer
 * there and answers GET_LAYERS with the per-layer latencies of the last run.
 * The generated model code itself is unchanged (same code digest).
 */
#ifndef TE_HARNESS_LAYERS_H
#define TE_HARNESS_LAYERS_H
#define TE_HARNESS_PER_LAYER 1
#ifndef TE_HARNESS_MAX_LAYERS
#define TE_HARNESS_MAX_LAYERS 256
#endif
void te_harness_layer_mark(int step);
#define TE_PROFILE_LAYER(step) te_harness_layer_mark(step)
#endif
