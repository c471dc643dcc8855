/**
 * EfficientNet-B0 to B7 (Tan & Le, arXiv:1905.11946: MBConv blocks with
 * squeeze-and-excitation, compound scaling of width, depth and resolution),
 * with the stem's Rescaling and Normalization and Keras' layer names.
 */
export const EFFICIENTNET_SOURCE = `
# (kernel, repeats, filters in, filters out, expansion, stride) per stage; squeeze-excite ratio 0.25.
_EFFICIENTNET_STAGES = [
    (3, 1, 32, 16, 1, 1), (3, 2, 16, 24, 6, 2), (5, 2, 24, 40, 6, 2), (3, 3, 40, 80, 6, 2),
    (5, 3, 80, 112, 6, 1), (5, 4, 112, 192, 6, 2), (3, 1, 192, 320, 6, 1),
]


def _round_filters(filters, width, divisor=8):
    filters *= width
    new_filters = max(divisor, int(filters + divisor / 2) // divisor * divisor)
    if new_filters < 0.9 * filters:
        new_filters += divisor
    return int(new_filters)


def _mbconv(x, filters_in, filters_out, kernel, stride, expansion, drop_rate, name):
    filters = filters_in * expansion
    h = x
    if expansion != 1:
        h = layers.Conv2D(filters, 1, padding="same", use_bias=False, name=name + "expand_conv")(h)
        h = layers.BatchNormalization(axis=3, name=name + "expand_bn")(h)
        h = layers.Activation("swish", name=name + "expand_activation")(h)
    if stride == 2:
        h = layers.ZeroPadding2D(padding=_correct_pad(h, kernel), name=name + "dwconv_pad")(h)
    h = layers.DepthwiseConv2D(kernel, strides=stride, padding="valid" if stride == 2 else "same",
                               use_bias=False, name=name + "dwconv")(h)
    h = layers.BatchNormalization(axis=3, name=name + "bn")(h)
    h = layers.Activation("swish", name=name + "activation")(h)
    squeezed = max(1, int(filters_in * 0.25))
    se = layers.GlobalAveragePooling2D(name=name + "se_squeeze")(h)
    se = layers.Reshape((1, 1, filters), name=name + "se_reshape")(se)
    se = layers.Conv2D(squeezed, 1, padding="same", activation="swish", name=name + "se_reduce")(se)
    se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid", name=name + "se_expand")(se)
    h = layers.multiply([h, se], name=name + "se_excite")
    h = layers.Conv2D(filters_out, 1, padding="same", use_bias=False, name=name + "project_conv")(h)
    h = layers.BatchNormalization(axis=3, name=name + "project_bn")(h)
    if stride == 1 and filters_in == filters_out:
        if drop_rate > 0:
            h = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=name + "drop")(h)
        h = layers.add([h, x], name=name + "add")
    return h


def _efficientnet(width, depth, size, dropout, name, include_top=True, weights="imagenet", input_tensor=None,
                  input_shape=None, pooling=None, classes=1000, classifier_activation="softmax"):
    image = _image_input(input_tensor, input_shape, size, include_top)
    x = layers.Rescaling(1.0 / 255.0)(image)
    x = layers.Normalization(axis=3)(x)
    x = layers.ZeroPadding2D(padding=_correct_pad(x, 3), name="stem_conv_pad")(x)
    x = layers.Conv2D(_round_filters(32, width), 3, strides=2, padding="valid", use_bias=False, name="stem_conv")(x)
    x = layers.BatchNormalization(axis=3, name="stem_bn")(x)
    x = layers.Activation("swish", name="stem_activation")(x)
    total = float(sum(math.ceil(depth * s[1]) for s in _EFFICIENTNET_STAGES))
    b = 0
    for i, (kernel, repeats, f_in, f_out, expansion, stride) in enumerate(_EFFICIENTNET_STAGES):
        f_in = _round_filters(f_in, width)
        f_out = _round_filters(f_out, width)
        for j in range(int(math.ceil(depth * repeats))):
            x = _mbconv(x, f_in if j == 0 else f_out, f_out, kernel, stride if j == 0 else 1, expansion,
                        0.2 * b / total, "block%d%s_" % (i + 1, chr(j + 97)))
            b += 1
    x = layers.Conv2D(_round_filters(1280, width), 1, padding="same", use_bias=False, name="top_conv")(x)
    x = layers.BatchNormalization(axis=3, name="top_bn")(x)
    x = layers.Activation("swish", name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dropout(dropout, name="top_dropout")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _pool(x, pooling)
    return keras.Model(image, x, name=name)


def EfficientNetB0(**kwargs):
    return _efficientnet(1.0, 1.0, 224, 0.2, "efficientnetb0", **kwargs)


def EfficientNetB1(**kwargs):
    return _efficientnet(1.0, 1.1, 240, 0.2, "efficientnetb1", **kwargs)


def EfficientNetB2(**kwargs):
    return _efficientnet(1.1, 1.2, 260, 0.3, "efficientnetb2", **kwargs)


def EfficientNetB3(**kwargs):
    return _efficientnet(1.2, 1.4, 300, 0.3, "efficientnetb3", **kwargs)


def EfficientNetB4(**kwargs):
    return _efficientnet(1.4, 1.8, 380, 0.4, "efficientnetb4", **kwargs)


def EfficientNetB5(**kwargs):
    return _efficientnet(1.6, 2.2, 456, 0.4, "efficientnetb5", **kwargs)


def EfficientNetB6(**kwargs):
    return _efficientnet(1.8, 2.6, 528, 0.5, "efficientnetb6", **kwargs)


def EfficientNetB7(**kwargs):
    return _efficientnet(2.0, 3.1, 600, 0.5, "efficientnetb7", **kwargs)
`;
