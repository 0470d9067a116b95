/* Kernel build options. The compiler writes its own copy next to each generated model
 * (--optimize size sets TE_OPTIMIZE_SIZE to 1); this default is for building the kernels alone. */
#ifndef TE_CONFIG_H_
#define TE_CONFIG_H_
#define TE_OPTIMIZE_SIZE 0
#endif
