#ifndef TE_MOVEMENT_H_
#define TE_MOVEMENT_H_

#include <stdint.h>

/* Data movement on bytes, for elements wider than one byte (float32, int16, int32; the int8
 * operators keep their own kernels). */

/* Output in scan order: four loops of (n_i, input byte stride s_i) around a contiguous run of
 * `run` bytes (TRANSPOSE, STRIDED_SLICE, SLICE, SPLIT, UNPACK, DEPTH_TO_SPACE, SPACE_TO_DEPTH). */
void te_strided_copy(const int8_t *in, int8_t *out, int32_t n0, int32_t s0, int32_t n1,
                     int32_t s1, int32_t n2, int32_t s2, int32_t n3, int32_t s3, int32_t run);

/* PAD over 4-D with the innermost dimension in bytes (i3, o3, p3): every element of the output
 * is the `elem` bytes of `value`, then the input rows are copied in at offset (p0..p3). */
void te_pad_pattern(const int8_t *in, int8_t *out, int32_t i0, int32_t i1, int32_t i2,
                    int32_t i3, int32_t o0, int32_t o1, int32_t o2, int32_t o3, int32_t p0,
                    int32_t p1, int32_t p2, int32_t p3, const int8_t *value, int32_t elem);

#endif
