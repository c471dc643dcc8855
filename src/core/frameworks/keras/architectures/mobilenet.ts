/**
 * MobileNet (Howard et al., arXiv:1704.04861: depthwise separable blocks, width
 * multiplier alpha) and MobileNetV2 (Sandler et al., arXiv:1801.04381: inverted
 * residuals with linear bottlenecks), with Keras' layer names and channel rounding.
 */
export const MOBILENET_SOURCE = `
def _make_divisible(v, divisor=8, min_value=None):
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _separable(x, filters, alpha, depth_multiplier, stride, block_id):
    filters = int(filters * alpha)
    if stride == 1:
        padding = "same"
    else:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name="conv_pad_%d" % block_id)(x)
        padding = "valid"
    x = layers.DepthwiseConv2D(3, padding=padding, depth_multiplier=depth_multiplier, strides=stride,
                               use_bias=False, name="conv_dw_%d" % block_id)(x)
    x = layers.BatchNormalization(axis=-1, name="conv_dw_%d_bn" % block_id)(x)
    x = layers.ReLU(6.0, name="conv_dw_%d_relu" % block_id)(x)
    x = layers.Conv2D(filters, 1, padding="same", use_bias=False, name="conv_pw_%d" % block_id)(x)
    x = layers.BatchNormalization(axis=-1, name="conv_pw_%d_bn" % block_id)(x)
    return layers.ReLU(6.0, name="conv_pw_%d_relu" % block_id)(x)


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, include_top=True, weights="imagenet",
              input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax"):
    image = _image_input(input_tensor, input_shape, 224, include_top)
    x = layers.Conv2D(int(32 * alpha), 3, padding="same", use_bias=False, strides=2, name="conv1")(image)
    x = layers.BatchNormalization(axis=-1, name="conv1_bn")(x)
    x = layers.ReLU(6.0, name="conv1_relu")(x)
    plan = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [(1024, 2), (1024, 1)]
    for block_id, (filters, stride) in enumerate(plan, 1):
        x = _separable(x, filters, alpha, depth_multiplier, stride, block_id)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, 1, padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        x = layers.Activation(classifier_activation, name="predictions")(x)
    else:
        x = _pool(x, pooling)
    rows = image.shape[1]
    return keras.Model(image, x, name="mobilenet_%0.2f_%s" % (alpha, rows))


def _inverted_residual(x, expansion, stride, alpha, filters, block_id):
    in_channels = x.shape[-1]
    out_channels = _make_divisible(int(filters * alpha), 8)
    prefix = "block_%d_" % block_id
    h = x
    if block_id:
        h = layers.Conv2D(expansion * in_channels, 1, padding="same", use_bias=False, name=prefix + "expand")(h)
        h = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name=prefix + "expand_BN")(h)
        h = layers.ReLU(6.0, name=prefix + "expand_relu")(h)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        h = layers.ZeroPadding2D(padding=_correct_pad(h, 3), name=prefix + "pad")(h)
    h = layers.DepthwiseConv2D(3, strides=stride, use_bias=False, padding="same" if stride == 1 else "valid",
                               name=prefix + "depthwise")(h)
    h = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name=prefix + "depthwise_BN")(h)
    h = layers.ReLU(6.0, name=prefix + "depthwise_relu")(h)
    h = layers.Conv2D(out_channels, 1, padding="same", use_bias=False, name=prefix + "project")(h)
    h = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name=prefix + "project_BN")(h)
    if in_channels == out_channels and stride == 1:
        return layers.Add(name=prefix + "add")([x, h])
    return h


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet", input_tensor=None,
                pooling=None, classes=1000, classifier_activation="softmax"):
    image = _image_input(input_tensor, input_shape, 224, include_top)
    x = layers.Conv2D(_make_divisible(32 * alpha, 8), 3, strides=2, padding="same", use_bias=False, name="Conv1")(image)
    x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name="bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    # (expansion, stride, filters) per block (Table 2 of the paper).
    plan = [(1, 1, 16), (6, 2, 24), (6, 1, 24), (6, 2, 32), (6, 1, 32), (6, 1, 32), (6, 2, 64), (6, 1, 64), (6, 1, 64),
            (6, 1, 64), (6, 1, 96), (6, 1, 96), (6, 1, 96), (6, 2, 160), (6, 1, 160), (6, 1, 160), (6, 1, 320)]
    for block_id, (t, s, c) in enumerate(plan):
        x = _inverted_residual(x, t, s, alpha, c, block_id)
    last = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last, 1, use_bias=False, name="Conv_1")(x)
    x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name="Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _pool(x, pooling)
    rows = image.shape[1]
    return keras.Model(image, x, name="mobilenetv2_%0.2f_%s" % (alpha, rows))
`;
