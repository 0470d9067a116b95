"""The Keras (tf_keras) architectures of the realistic models, at small size.

Each function takes the ``keras`` module (and ``tf`` where it needs TensorFlow ops) and returns
an untrained model with batch size 1 (the MobileNets from keras.applications keep Keras'
unknown batch, as users' models do). build.py seeds, converts and caches them."""
from __future__ import annotations


def mobilenet_v1(keras):
    """MobileNetV1 alpha 0.25, 96x96x3, 10 classes (keras.applications)."""
    return keras.applications.MobileNet(input_shape=(96, 96, 3), alpha=0.25, weights=None,
                                        classes=10)


def mobilenet_v2(keras):
    """MobileNetV2 alpha 0.35, 96x96x3, 10 classes (keras.applications)."""
    return keras.applications.MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, weights=None,
                                          classes=10)


def mobilenet_v3_small(keras):
    """MobileNetV3-Small alpha 0.75, 96x96x3: hard-swish, squeeze-excitation."""
    return keras.applications.MobileNetV3Small(input_shape=(96, 96, 3), alpha=0.75,
                                               weights=None, classes=10, dropout_rate=0.0,
                                               include_preprocessing=False)


def resnet8(keras):
    """MLPerf Tiny's ResNet-8 for CIFAR-10 (32x32x3, stacks of 16, 32, 64 filters)."""
    L = keras.layers
    inp = keras.Input((32, 32, 3), batch_size=1)
    x = L.Conv2D(16, 3, padding="same")(inp)
    x = L.BatchNormalization()(x)
    x = L.Activation("relu")(x)
    for filters, stride in ((16, 1), (32, 2), (64, 2)):
        y = L.Conv2D(filters, 3, strides=stride, padding="same")(x)
        y = L.BatchNormalization()(y)
        y = L.Activation("relu")(y)
        y = L.Conv2D(filters, 3, padding="same")(y)
        y = L.BatchNormalization()(y)
        if stride != 1:
            x = L.Conv2D(filters, 1, strides=stride, padding="same")(x)
        x = L.Activation("relu")(L.add([x, y]))
    x = L.AveragePooling2D(pool_size=x.shape[1:3])(x)
    x = L.Flatten()(x)
    return keras.Model(inp, L.Dense(10, activation="softmax")(x))


def ds_cnn(keras):
    """MLPerf Tiny's DS-CNN keyword spotter (49x10 MFCC, 64 filters, 12 classes)."""
    L = keras.layers
    inp = keras.Input((49, 10, 1), batch_size=1)
    x = L.Conv2D(64, (10, 4), strides=(2, 2), padding="same")(inp)
    x = L.BatchNormalization()(x)
    x = L.Activation("relu")(x)
    x = L.Dropout(0.2)(x)
    for _ in range(4):
        x = L.DepthwiseConv2D(3, padding="same")(x)
        x = L.BatchNormalization()(x)
        x = L.Activation("relu")(x)
        x = L.Conv2D(64, 1, padding="same")(x)
        x = L.BatchNormalization()(x)
        x = L.Activation("relu")(x)
    x = L.Dropout(0.4)(x)
    x = L.AveragePooling2D(pool_size=x.shape[1:3])(x)
    x = L.Flatten()(x)
    return keras.Model(inp, L.Dense(12, activation="softmax")(x))


def lstm_kws(keras):
    """Keras LSTM(32) over 49 frames of 10 MFCC features, 12 classes (the converter fuses
    it into UNIDIRECTIONAL_SEQUENCE_LSTM)."""
    L = keras.layers
    inp = keras.Input((49, 10), batch_size=1)
    x = L.LSTM(32)(inp)
    return keras.Model(inp, L.Dense(12, activation="softmax")(x))


def conv1d_audio(keras):
    """A 1-D CNN over 1024 raw audio samples (Conv1D becomes EXPAND_DIMS/RESHAPE + CONV_2D)."""
    L = keras.layers
    inp = keras.Input((1024, 1), batch_size=1)
    x = L.Conv1D(8, 16, strides=4, padding="same", activation="relu")(inp)
    x = L.MaxPooling1D(2)(x)
    x = L.Conv1D(16, 8, strides=2, padding="same", activation="relu")(x)
    x = L.MaxPooling1D(2)(x)
    x = L.Conv1D(32, 3, padding="valid", activation="relu")(x)
    x = L.GlobalAveragePooling1D()(x)
    return keras.Model(inp, L.Dense(10, activation="softmax")(x))


def autoencoder(keras):
    """MLPerf Tiny's anomaly-detection autoencoder: 640 -> 4x128 -> 8 -> 4x128 -> 640, Dense +
    BatchNormalization + ReLU."""
    L = keras.layers
    inp = keras.Input((640,), batch_size=1)
    x = inp
    for units in (128, 128, 128, 128, 8, 128, 128, 128, 128):
        x = L.Dense(units)(x)
        x = L.BatchNormalization()(x)
        x = L.Activation("relu")(x)
    return keras.Model(inp, L.Dense(640)(x))


def dynamic_batch_reshape(tf, keras):
    """A tf.Module whose tf.function ``f`` has an unknown batch and reshapes that keep it, as
    Keras' Flatten and Reshape do: the new shape is PACK(STRIDED_SLICE(SHAPE(x)), known dims),
    computed on the device."""
    L = keras.layers

    class DynamicBatch(tf.Module):
        def __init__(self):
            super().__init__()
            self.conv = L.Conv2D(8, 3, strides=2, padding="same", activation="relu")
            self.dense1 = L.Dense(32, activation="relu")
            self.dense2 = L.Dense(10)
            self.conv.build((None, 16, 16, 3))
            self.dense1.build((None, 512))
            self.dense2.build((None, 32))

        @tf.function(input_signature=[tf.TensorSpec([None, 16, 16, 3], tf.float32)])
        def f(self, x):
            y = self.conv(x)
            y = tf.reshape(y, [tf.shape(y)[0], 512])
            y = self.dense1(y)
            y = tf.reshape(y, [tf.shape(y)[0], 4, 8])
            y = tf.reshape(y, [tf.shape(y)[0], 32])
            return self.dense2(y)
    return DynamicBatch()


def cnn_log_softmax(tf, keras):
    """A small CNN classifier ending in tf.nn.log_softmax."""
    L = keras.layers
    inp = keras.Input((16, 16, 1), batch_size=1)
    x = L.Conv2D(8, 3, activation="relu")(inp)
    x = L.MaxPooling2D(2)(x)
    x = L.Flatten()(x)
    x = L.Dense(10)(x)
    return keras.Model(inp, L.Lambda(lambda t: tf.nn.log_softmax(t))(x))


def ssd_head(keras):
    """An SSD-style detector: a depthwise backbone, box and class heads on two feature maps
    (16x16 and 8x8, 3 anchors, 4 classes), reshaped to [N, 4] / [N, classes], concatenated,
    class scores through a sigmoid (LOGISTIC)."""
    L = keras.layers
    anchors, classes = 3, 4
    inp = keras.Input((64, 64, 3), batch_size=1)
    x = L.Conv2D(8, 3, strides=2, padding="same", activation="relu6")(inp)
    x = L.DepthwiseConv2D(3, strides=2, padding="same", activation="relu6")(x)
    f1 = L.Conv2D(16, 1, activation="relu6")(x)
    x = L.DepthwiseConv2D(3, strides=2, padding="same", activation="relu6")(f1)
    f2 = L.Conv2D(32, 1, activation="relu6")(x)
    boxes, scores = [], []
    for f in (f1, f2):
        b = L.Conv2D(anchors * 4, 3, padding="same")(f)
        c = L.Conv2D(anchors * classes, 3, padding="same")(f)
        boxes.append(L.Reshape((-1, 4))(b))
        scores.append(L.Reshape((-1, classes))(c))
    box = L.Concatenate(axis=1, name="boxes")(boxes)
    score = L.Activation("sigmoid", name="scores")(L.Concatenate(axis=1)(scores))
    return keras.Model(inp, [box, score])


def small_cnn(keras):
    """Conv, depthwise conv, global average pooling and a softmax classifier on 24x24x3."""
    L = keras.layers
    inp = keras.Input((24, 24, 3), batch_size=1)
    x = L.Conv2D(8, 3, strides=2, padding="same", activation="relu")(inp)
    x = L.DepthwiseConv2D(3, padding="same", activation="relu")(x)
    x = L.GlobalAveragePooling2D()(x)
    return keras.Model(inp, L.Dense(5, activation="softmax")(x))


def unet(keras, interpolation: str = "bilinear"):
    """A UNet-like segmenter on 32x32x3: two max-pool downsamplings, a Conv2DTranspose
    (TRANSPOSE_CONV) and an UpSampling2D (bilinear: RESIZE_BILINEAR, nearest:
    RESIZE_NEAREST_NEIGHBOR) upsampling with skip concatenations, a sigmoid mask."""
    L = keras.layers
    inp = keras.Input((32, 32, 3), batch_size=1)
    c1 = L.Conv2D(8, 3, padding="same", activation="relu")(inp)
    x = L.MaxPooling2D(2)(c1)
    c2 = L.Conv2D(16, 3, padding="same", activation="relu")(x)
    x = L.MaxPooling2D(2)(c2)
    x = L.Conv2D(32, 3, padding="same", activation="relu")(x)
    x = L.Conv2DTranspose(16, 2, strides=2, padding="same")(x)
    x = L.Concatenate()([x, c2])
    x = L.Conv2D(16, 3, padding="same", activation="relu")(x)
    x = L.UpSampling2D(2, interpolation=interpolation)(x)
    x = L.Concatenate()([x, c1])
    x = L.Conv2D(8, 3, padding="same", activation="relu")(x)
    return keras.Model(inp, L.Conv2D(1, 1, activation="sigmoid")(x))


def elementwise_mix(tf, keras, div: bool, int16: bool = False):
    """LeakyReLU, PReLU, Maximum, Minimum, Subtract, (a division,) tf.split and tf.gather
    between a convolution and a pooled Dense head. ``int16``: what both the 16x8 converter and
    TFLM's int16 kernels take: a second LeakyReLU for the PReLU (no 16x8 PRELU in the
    converter), Subtract for Maximum - Minimum and a concatenation for the gather (TFLM has no
    int16 MAXIMUM, MINIMUM or GATHER)."""
    L = keras.layers
    inp = keras.Input((12, 12, 8), batch_size=1)
    x = L.Conv2D(8, 3, padding="same")(inp)
    a = L.LeakyReLU(0.1)(x)
    if int16:
        d = L.Subtract()([a, L.LeakyReLU(0.3)(x)])
    else:
        b = L.PReLU(alpha_initializer=keras.initializers.RandomUniform(0.0, 0.5),
                    shared_axes=[1, 2])(x)
        d = L.Subtract()([L.Maximum()([a, b]), L.Minimum()([a, b])])
    if div:
        d = L.Lambda(lambda t: tf.math.divide(t[0], t[1]))(
            [d, L.Lambda(lambda t: tf.abs(t) + 1.0)(a)])
    p, q = L.Lambda(lambda t: tf.split(t, 2, axis=-1))(d)
    if int16:
        g = L.Concatenate()([q, p])
    else:
        g = L.Lambda(lambda t: tf.gather(t, [3, 1, 2, 0, 0, 1], axis=-1))(p)
    y = L.Concatenate()([g, q])
    y = L.GlobalAveragePooling2D()(y)
    return keras.Model(inp, L.Dense(6)(y))


def tiny_transformer(keras):
    """One pre-norm transformer encoder block (LayerNormalization, 2-head self-attention,
    ReLU MLP, residuals) over 16 tokens of 32 features, mean-pooled into 4 classes."""
    L = keras.layers
    inp = keras.Input((16, 32), batch_size=1)
    x = L.LayerNormalization(epsilon=1e-6)(inp)
    x = L.MultiHeadAttention(num_heads=2, key_dim=16)(x, x)
    x = L.add([inp, x])
    y = L.LayerNormalization(epsilon=1e-6)(x)
    y = L.Dense(64, activation="relu")(y)
    y = L.Dense(32)(y)
    x = L.add([x, y])
    x = L.GlobalAveragePooling1D()(x)
    return keras.Model(inp, L.Dense(4, activation="softmax")(x))


def multi_input(keras):
    """Sensor fusion with two inputs and two outputs: a 16x16x1 image branch (conv, pool) and
    an 8-feature vector branch (Dense), concatenated, a softmax class head and a linear
    regression head (the order of inputs and outputs matters)."""
    L = keras.layers
    img = keras.Input((16, 16, 1), batch_size=1, name="image")
    vec = keras.Input((8,), batch_size=1, name="features")
    x = L.Conv2D(8, 3, strides=2, padding="same", activation="relu")(img)
    x = L.GlobalAveragePooling2D()(x)
    y = L.Dense(8, activation="relu")(vec)
    z = L.Concatenate()([x, y])
    z = L.Dense(16, activation="relu")(z)
    return keras.Model([img, vec], [L.Dense(3, activation="softmax", name="cls")(z),
                                    L.Dense(2, name="reg")(z)])


def gru_unrolled(keras):
    """Keras GRU(16) over 20 steps of 8 features with unroll=True (what users convert for
    microcontrollers: plain FULLY_CONNECTED, LOGISTIC, TANH, MUL, ADD, SUB, SPLIT per step
    instead of a WHILE loop)."""
    L = keras.layers
    inp = keras.Input((20, 8), batch_size=1)
    x = L.GRU(16, unroll=True)(inp)
    return keras.Model(inp, L.Dense(4, activation="softmax")(x))


def tcn(keras):
    """A temporal convolutional network over 128 steps of 8 features: causal Conv1D with
    dilation rates 1, 2, 4 and residual additions (causal padding: PAD; dilation: CONV_2D's
    dilation factors, or SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND around it)."""
    L = keras.layers
    inp = keras.Input((128, 8), batch_size=1)
    x = L.Conv1D(16, 1)(inp)
    for rate in (1, 2, 4):
        y = L.Conv1D(16, 3, padding="causal", dilation_rate=rate, activation="relu")(x)
        x = L.add([x, y])
    x = L.GlobalAveragePooling1D()(x)
    return keras.Model(inp, L.Dense(5, activation="softmax")(x))
