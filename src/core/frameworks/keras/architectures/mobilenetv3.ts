/**
 * MobileNetV3 Small and Large (Howard et al., arXiv:1905.02244, Tables 1 and 2:
 * inverted residuals with squeeze-and-excitation and hard-swish), with the
 * Rescaling preprocessing and the 1x1 head convolutions Keras builds.
 */
export const MOBILENETV3_SOURCE = `
def _depth(v, divisor=8):
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _hard_sigmoid(x):
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def _activate(x, kind):
    return layers.ReLU()(x) if kind == "relu" else layers.Activation("hard_swish")(x)


def _v3_block(x, expansion, filters, kernel, stride, se_ratio, activation, block_id):
    shortcut = x
    in_channels = x.shape[-1]
    prefix = "expanded_conv_"
    if block_id:
        prefix = "expanded_conv_%d_" % block_id
        x = layers.Conv2D(_depth(in_channels * expansion), 1, padding="same", use_bias=False, name=prefix + "expand")(x)
        x = layers.BatchNormalization(axis=-1, epsilon=1e-3, momentum=0.999, name=prefix + "expand_bn")(x)
        x = _activate(x, activation)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=_correct_pad(x, kernel), name=prefix + "depthwise_pad")(x)
    x = layers.DepthwiseConv2D(kernel, strides=stride, padding="same" if stride == 1 else "valid", use_bias=False,
                               name=prefix + "depthwise")(x)
    x = layers.BatchNormalization(axis=-1, epsilon=1e-3, momentum=0.999, name=prefix + "depthwise_bn")(x)
    x = _activate(x, activation)
    if se_ratio:
        width = _depth(in_channels * expansion)
        se = layers.GlobalAveragePooling2D(keepdims=True, name=prefix + "squeeze_excite_avg_pool")(x)
        se = layers.Conv2D(_depth(width * se_ratio), 1, padding="same", name=prefix + "squeeze_excite_conv")(se)
        se = layers.ReLU(name=prefix + "squeeze_excite_relu")(se)
        se = layers.Conv2D(width, 1, padding="same", name=prefix + "squeeze_excite_conv_1")(se)
        x = layers.Multiply(name=prefix + "squeeze_excite_mul")([x, _hard_sigmoid(se)])
    x = layers.Conv2D(filters, 1, padding="same", use_bias=False, name=prefix + "project")(x)
    x = layers.BatchNormalization(axis=-1, epsilon=1e-3, momentum=0.999, name=prefix + "project_bn")(x)
    if stride == 1 and in_channels == filters:
        x = layers.Add(name=prefix + "add")([shortcut, x])
    return x


# (expansion, filters, kernel, stride, squeeze-excite, activation) per block.
_V3_SMALL = [(1, 16, 3, 2, True, "relu"), (72.0 / 16, 24, 3, 2, False, "relu"), (88.0 / 24, 24, 3, 1, False, "relu"),
             (4, 40, 5, 2, True, "hs"), (6, 40, 5, 1, True, "hs"), (6, 40, 5, 1, True, "hs"),
             (3, 48, 5, 1, True, "hs"), (3, 48, 5, 1, True, "hs"),
             (6, 96, 5, 2, True, "hs"), (6, 96, 5, 1, True, "hs"), (6, 96, 5, 1, True, "hs")]
_V3_LARGE = [(1, 16, 3, 1, False, "relu"), (4, 24, 3, 2, False, "relu"), (3, 24, 3, 1, False, "relu"),
             (3, 40, 5, 2, True, "relu"), (3, 40, 5, 1, True, "relu"), (3, 40, 5, 1, True, "relu"),
             (6, 80, 3, 2, False, "hs"), (2.5, 80, 3, 1, False, "hs"), (2.3, 80, 3, 1, False, "hs"), (2.3, 80, 3, 1, False, "hs"),
             (6, 112, 3, 1, True, "hs"), (6, 112, 3, 1, True, "hs"),
             (6, 160, 5, 2, True, "hs"), (6, 160, 5, 1, True, "hs"), (6, 160, 5, 1, True, "hs")]


def _mobilenet_v3(plan, last_point, name, input_shape=None, alpha=1.0, minimalistic=False, include_top=True,
                  weights="imagenet", input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2,
                  classifier_activation="softmax", include_preprocessing=True):
    image = _image_input(input_tensor, input_shape, 224, include_top)
    x = image
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, 3, strides=(2, 2), padding="same", use_bias=False, name="conv")(x)
    x = layers.BatchNormalization(axis=-1, epsilon=1e-3, momentum=0.999, name="conv_bn")(x)
    x = _activate(x, "relu" if minimalistic else "hs")
    for block_id, (t, c, k, s, se, act) in enumerate(plan):
        x = _v3_block(x, t, _depth(c * alpha), 3 if minimalistic else k, s,
                      None if minimalistic or not se else 0.25, "relu" if minimalistic else act, block_id)
    x = layers.Conv2D(_depth(x.shape[-1] * 6), 1, padding="same", use_bias=False, name="conv_1")(x)
    x = layers.BatchNormalization(axis=-1, epsilon=1e-3, momentum=0.999, name="conv_1_bn")(x)
    x = _activate(x, "relu" if minimalistic else "hs")
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(_depth(last_point * alpha) if alpha > 1.0 else last_point, 1, padding="same", use_bias=True, name="conv_2")(x)
        x = _activate(x, "relu" if minimalistic else "hs")
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, 1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = _pool(x, pooling)
    return keras.Model(image, x, name=name)


def MobileNetV3Small(**kwargs):
    return _mobilenet_v3(_V3_SMALL, 1024, "MobileNetV3Small", **kwargs)


def MobileNetV3Large(**kwargs):
    return _mobilenet_v3(_V3_LARGE, 1280, "MobileNetV3Large", **kwargs)
`;
