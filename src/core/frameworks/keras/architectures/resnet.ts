/**
 * ResNet v1 (He et al., arXiv:1512.03385: the stride on a stage's first 1x1
 * convolution, biases kept, BatchNormalization after each convolution) and v2
 * (arXiv:1603.05027: pre-activation, the stride on the last block of a stage),
 * in the depths Keras ships, with Keras' layer names.
 */
export const RESNET_SOURCE = `
_EPS = 1.001e-5


def _bottleneck_v1(x, filters, stride=1, project=True, name=None):
    if project:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(x)
        shortcut = layers.BatchNormalization(axis=3, epsilon=_EPS, name=name + "_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=name + "_1_conv")(x)
    x = layers.BatchNormalization(axis=3, epsilon=_EPS, name=name + "_1_bn")(x)
    x = layers.Activation("relu", name=name + "_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=name + "_2_conv")(x)
    x = layers.BatchNormalization(axis=3, epsilon=_EPS, name=name + "_2_bn")(x)
    x = layers.Activation("relu", name=name + "_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    x = layers.BatchNormalization(axis=3, epsilon=_EPS, name=name + "_3_bn")(x)
    x = layers.Add(name=name + "_add")([shortcut, x])
    return layers.Activation("relu", name=name + "_out")(x)


def _stage_v1(x, filters, blocks, stride, name):
    x = _bottleneck_v1(x, filters, stride=stride, name=name + "_block1")
    for i in range(2, blocks + 1):
        x = _bottleneck_v1(x, filters, project=False, name=name + "_block" + str(i))
    return x


def _bottleneck_v2(x, filters, stride=1, project=False, name=None):
    pre = layers.BatchNormalization(axis=3, epsilon=_EPS, name=name + "_preact_bn")(x)
    pre = layers.Activation("relu", name=name + "_preact_relu")(pre)
    if project:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(pre)
    elif stride > 1:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=name + "_1_conv")(pre)
    x = layers.BatchNormalization(axis=3, epsilon=_EPS, name=name + "_1_bn")(x)
    x = layers.Activation("relu", name=name + "_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=name + "_2_pad")(x)
    x = layers.Conv2D(filters, 3, strides=stride, use_bias=False, name=name + "_2_conv")(x)
    x = layers.BatchNormalization(axis=3, epsilon=_EPS, name=name + "_2_bn")(x)
    x = layers.Activation("relu", name=name + "_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    return layers.Add(name=name + "_out")([shortcut, x])


def _stage_v2(x, filters, blocks, stride, name):
    x = _bottleneck_v2(x, filters, project=True, name=name + "_block1")
    for i in range(2, blocks):
        x = _bottleneck_v2(x, filters, name=name + "_block" + str(i))
    return _bottleneck_v2(x, filters, stride=stride, name=name + "_block" + str(blocks))


def _resnet(depths, v2, name, include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
            pooling=None, classes=1000, classifier_activation="softmax"):
    image = _image_input(input_tensor, input_shape, 224, include_top)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(image)
    x = layers.Conv2D(64, 7, strides=2, name="conv1_conv")(x)
    if not v2:
        x = layers.BatchNormalization(axis=3, epsilon=_EPS, name="conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    for i, (filters, blocks) in enumerate(zip((64, 128, 256, 512), depths)):
        stage = "conv" + str(i + 2)
        if v2:
            x = _stage_v2(x, filters, blocks, 1 if i == 3 else 2, stage)
        else:
            x = _stage_v1(x, filters, blocks, 1 if i == 0 else 2, stage)
    if v2:
        x = layers.BatchNormalization(axis=3, epsilon=_EPS, name="post_bn")(x)
        x = layers.Activation("relu", name="post_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _pool(x, pooling)
    return keras.Model(image, x, name=name)


def ResNet50(**kwargs):
    return _resnet((3, 4, 6, 3), False, "resnet50", **kwargs)


def ResNet101(**kwargs):
    return _resnet((3, 4, 23, 3), False, "resnet101", **kwargs)


def ResNet152(**kwargs):
    return _resnet((3, 8, 36, 3), False, "resnet152", **kwargs)


def ResNet50V2(**kwargs):
    return _resnet((3, 4, 6, 3), True, "resnet50v2", **kwargs)


def ResNet101V2(**kwargs):
    return _resnet((3, 4, 23, 3), True, "resnet101v2", **kwargs)


def ResNet152V2(**kwargs):
    return _resnet((3, 8, 36, 3), True, "resnet152v2", **kwargs)
`;
