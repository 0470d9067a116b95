/* Per-layer profiling of generated models (CONFIG_TINYENGINE_PROFILE_LAYERS).
 *
 * The build compiles each <prefix>.c with TE_PROFILE_LAYER(step) defined as
 * tinyengine_profile_layer(step), which the generated code calls after every
 * layer.  The application starts a profile right before the inference:
 *
 *   tinyengine_profile_start("model");
 *   model_invoke();
 *   tinyengine_profile_print();
 */
#ifndef TINYENGINE_PROFILE_H_
#define TINYENGINE_PROFILE_H_

#ifdef __cplusplus
extern "C" {
#endif

void tinyengine_profile_start(const char *model);
void tinyengine_profile_layer(int step);
/* Cycles of layer `step` of the last profiled inference (0 if not recorded). */
unsigned int tinyengine_profile_cycles(int step);
int tinyengine_profile_layers(void);
void tinyengine_profile_print(void);

#ifdef __cplusplus
}
#endif
#endif /* TINYENGINE_PROFILE_H_ */
