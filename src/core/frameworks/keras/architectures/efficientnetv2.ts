/**
 * EfficientNetV2 B0-B3, S, M, L (Tan & Le, arXiv:2104.00298, Table 4: Fused-MBConv
 * in the early stages, MBConv with squeeze-and-excitation later), with the block
 * tables and channel rounding Keras uses and its layer names.
 */
export const EFFICIENTNETV2_SOURCE = `
# (kernel, repeats, filters in, filters out, expansion, squeeze-excite, stride, fused) per stage.
_V2_B = [(3, 1, 32, 16, 1, 0, 1, True), (3, 2, 16, 32, 4, 0, 2, True), (3, 2, 32, 48, 4, 0, 2, True),
         (3, 3, 48, 96, 4, 0.25, 2, False), (3, 5, 96, 112, 6, 0.25, 1, False), (3, 8, 112, 192, 6, 0.25, 2, False)]
_V2_S = [(3, 2, 24, 24, 1, 0, 1, True), (3, 4, 24, 48, 4, 0, 2, True), (3, 4, 48, 64, 4, 0, 2, True),
         (3, 6, 64, 128, 4, 0.25, 2, False), (3, 9, 128, 160, 6, 0.25, 1, False), (3, 15, 160, 256, 6, 0.25, 2, False)]
_V2_M = [(3, 3, 24, 24, 1, 0, 1, True), (3, 5, 24, 48, 4, 0, 2, True), (3, 5, 48, 80, 4, 0, 2, True),
         (3, 7, 80, 160, 4, 0.25, 2, False), (3, 14, 160, 176, 6, 0.25, 1, False), (3, 18, 176, 304, 6, 0.25, 2, False),
         (3, 5, 304, 512, 6, 0.25, 1, False)]
_V2_L = [(3, 4, 32, 32, 1, 0, 1, True), (3, 7, 32, 64, 4, 0, 2, True), (3, 7, 64, 96, 4, 0, 2, True),
         (3, 10, 96, 192, 4, 0.25, 2, False), (3, 19, 192, 224, 6, 0.25, 1, False), (3, 25, 224, 384, 6, 0.25, 2, False),
         (3, 7, 384, 640, 6, 0.25, 1, False)]


def _v2_round(filters, width, divisor=8):
    filters *= width
    return int(max(divisor, int(filters + divisor / 2) // divisor * divisor))


def _v2_squeeze(x, filters_in, filters, se_ratio, name):
    se = layers.GlobalAveragePooling2D(name=name + "se_squeeze")(x)
    se = layers.Reshape((1, 1, filters), name=name + "se_reshape")(se)
    se = layers.Conv2D(max(1, int(filters_in * se_ratio)), 1, padding="same", activation="swish", name=name + "se_reduce")(se)
    se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid", name=name + "se_expand")(se)
    return layers.multiply([x, se], name=name + "se_excite")


def _v2_block(x, f_in, f_out, kernel, stride, expansion, se_ratio, fused, survival, name):
    filters = f_in * expansion
    h = x
    if fused:
        if expansion != 1:
            h = layers.Conv2D(filters, kernel, strides=stride, padding="same", use_bias=False, name=name + "expand_conv")(h)
            h = layers.BatchNormalization(axis=3, momentum=0.9, name=name + "expand_bn")(h)
            h = layers.Activation("swish", name=name + "expand_activation")(h)
        if 0 < se_ratio <= 1:
            h = _v2_squeeze(h, f_in, filters, se_ratio, name)
        one = expansion != 1
        h = layers.Conv2D(f_out, 1 if one else kernel, strides=1 if one else stride, padding="same", use_bias=False,
                          name=name + "project_conv")(h)
        h = layers.BatchNormalization(axis=3, momentum=0.9, name=name + "project_bn")(h)
        if not one:
            h = layers.Activation("swish", name=name + "project_activation")(h)
    else:
        if expansion != 1:
            h = layers.Conv2D(filters, 1, padding="same", use_bias=False, name=name + "expand_conv")(h)
            h = layers.BatchNormalization(axis=3, momentum=0.9, name=name + "expand_bn")(h)
            h = layers.Activation("swish", name=name + "expand_activation")(h)
        h = layers.DepthwiseConv2D(kernel, strides=stride, padding="same", use_bias=False, name=name + "dwconv2")(h)
        h = layers.BatchNormalization(axis=3, momentum=0.9, name=name + "bn")(h)
        h = layers.Activation("swish", name=name + "activation")(h)
        if 0 < se_ratio <= 1:
            h = _v2_squeeze(h, f_in, filters, se_ratio, name)
        h = layers.Conv2D(f_out, 1, padding="same", use_bias=False, name=name + "project_conv")(h)
        h = layers.BatchNormalization(axis=3, momentum=0.9, name=name + "project_bn")(h)
    if stride == 1 and f_in == f_out:
        if survival:
            h = layers.Dropout(survival, noise_shape=(None, 1, 1, 1), name=name + "drop")(h)
        h = layers.add([h, x], name=name + "add")
    return h


def _efficientnet_v2(stages, width, depth, size, name, include_top=True, weights="imagenet", input_tensor=None,
                     input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                     include_preprocessing=True):
    image = _image_input(input_tensor, input_shape, size, include_top)
    x = image
    if include_preprocessing:
        if name.split("-")[-1].startswith("b"):
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(mean=[0.485, 0.456, 0.406], variance=[0.229 ** 2, 0.224 ** 2, 0.225 ** 2], axis=3)(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)
    x = layers.Conv2D(_v2_round(stages[0][2], width), 3, strides=2, padding="same", use_bias=False, name="stem_conv")(x)
    x = layers.BatchNormalization(axis=3, momentum=0.9, name="stem_bn")(x)
    x = layers.Activation("swish", name="stem_activation")(x)
    total = float(sum(s[1] for s in stages))
    b = 0
    for i, (kernel, repeats, f_in, f_out, expansion, se, stride, fused) in enumerate(stages):
        f_in = _v2_round(f_in, width)
        f_out = _v2_round(f_out, width)
        for j in range(int(math.ceil(depth * repeats))):
            x = _v2_block(x, f_in if j == 0 else f_out, f_out, kernel, stride if j == 0 else 1, expansion, se, fused,
                          0.2 * b / total, "block%d%s_" % (i + 1, chr(j + 97)))
            b += 1
    x = layers.Conv2D(_v2_round(1280, width), 1, padding="same", use_bias=False, name="top_conv")(x)
    x = layers.BatchNormalization(axis=3, momentum=0.9, name="top_bn")(x)
    x = layers.Activation("swish", name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dropout(0.2, name="top_dropout")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _pool(x, pooling)
    return keras.Model(image, x, name=name)


def EfficientNetV2B0(**kwargs):
    return _efficientnet_v2(_V2_B, 1.0, 1.0, 224, "efficientnetv2-b0", **kwargs)


def EfficientNetV2B1(**kwargs):
    return _efficientnet_v2(_V2_B, 1.0, 1.1, 240, "efficientnetv2-b1", **kwargs)


def EfficientNetV2B2(**kwargs):
    return _efficientnet_v2(_V2_B, 1.1, 1.2, 260, "efficientnetv2-b2", **kwargs)


def EfficientNetV2B3(**kwargs):
    return _efficientnet_v2(_V2_B, 1.2, 1.4, 300, "efficientnetv2-b3", **kwargs)


def EfficientNetV2S(**kwargs):
    return _efficientnet_v2(_V2_S, 1.0, 1.0, 384, "efficientnetv2-s", **kwargs)


def EfficientNetV2M(**kwargs):
    return _efficientnet_v2(_V2_M, 1.0, 1.0, 480, "efficientnetv2-m", **kwargs)


def EfficientNetV2L(**kwargs):
    return _efficientnet_v2(_V2_L, 1.0, 1.0, 480, "efficientnetv2-l", **kwargs)
`;
