#ifndef TE_DETECTION_POSTPROCESS_F32_H_
#define TE_DETECTION_POSTPROCESS_F32_H_
#include <stdint.h>

#include "te_float.h"   /* te_inff, te_u2f (threshold literals), te_maxf / te_minf */

/* TFLite_Detection_PostProcess (the SSD tail), float32, as TFLM's
 * kernels/detection_postprocess.cc: decode the [num_boxes, box_stride] center-size encodings
 * against the [num_boxes, 4] anchors (y, x, h, w), then fast (regular == 0) or regular
 * non-max suppression, writing `slots` detections (boxes ymin, xmin, ymax, xmax; classes;
 * scores; unused slots zero) and their count.
 *
 * `scratch` holds the bytes of the layout below, 4-byte aligned.
 * Returns 0, or 1 where TFLM's Invoke fails: a decoded box with ymin >= ymax or
 * xmin >= xmax (TFLM's ValidateBoxes); the outputs are then unspecified. */
int32_t te_detection_postprocess_f32(
    const float *box_encodings, const float *class_predictions, const float *anchors,
    float *boxes, float *classes, float *scores, float *num_detections, void *scratch,
    int32_t num_boxes, int32_t box_stride, int32_t num_classes, int32_t class_stride,
    int32_t max_detections, int32_t regular, int32_t detections_per_class, int32_t slots,
    float score_threshold, float iou_threshold, float y_scale, float x_scale, float h_scale,
    float w_scale);

/* The scratch layout (ops/float32/detection_postprocess.py's scratch_bytes() adds up the
 * same sizes), n = num_boxes: decoded boxes (4 n floats), per-box scores (n floats), best
 * classes (n int32), kept scores (n floats), kept indices (n int32), sorted order (n int32),
 * selected (sel int32); for regular NMS then the running top list (acc int32, acc floats) and
 * its merge buffers (max_detections int32, max_detections floats); last the n active flags
 * (bytes). sel = min(n, regular ? detections_per_class : max_detections),
 * acc = max_detections + sel. */
#endif
