/**
 * Xception (Chollet, arXiv:1610.02357: entry, middle and exit flows of depthwise
 * separable convolutions with residual connections), with Keras' layer names.
 */
export const XCEPTION_SOURCE = `
def _xception_entry(x, filters, block, relu_first=True):
    residual = layers.Conv2D(filters, 1, strides=2, padding="same", use_bias=False)(x)
    residual = layers.BatchNormalization(axis=3)(residual)
    if relu_first:
        x = layers.Activation("relu", name=block + "_sepconv1_act")(x)
    x = layers.SeparableConv2D(filters, 3, padding="same", use_bias=False, name=block + "_sepconv1")(x)
    x = layers.BatchNormalization(axis=3, name=block + "_sepconv1_bn")(x)
    x = layers.Activation("relu", name=block + "_sepconv2_act")(x)
    x = layers.SeparableConv2D(filters, 3, padding="same", use_bias=False, name=block + "_sepconv2")(x)
    x = layers.BatchNormalization(axis=3, name=block + "_sepconv2_bn")(x)
    x = layers.MaxPooling2D(3, strides=2, padding="same", name=block + "_pool")(x)
    return layers.add([x, residual])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax"):
    image = _image_input(input_tensor, input_shape, 299, include_top)
    x = layers.Conv2D(32, 3, strides=2, use_bias=False, name="block1_conv1")(image)
    x = layers.BatchNormalization(axis=3, name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, 3, use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=3, name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    x = _xception_entry(x, 128, "block2", relu_first=False)
    x = _xception_entry(x, 256, "block3")
    x = _xception_entry(x, 728, "block4")
    for i in range(8):
        prefix = "block" + str(i + 5)
        residual = x
        for k in (1, 2, 3):
            x = layers.Activation("relu", name=prefix + "_sepconv%d_act" % k)(x)
            x = layers.SeparableConv2D(728, 3, padding="same", use_bias=False, name=prefix + "_sepconv%d" % k)(x)
            x = layers.BatchNormalization(axis=3, name=prefix + "_sepconv%d_bn" % k)(x)
        x = layers.add([x, residual])
    residual = layers.Conv2D(1024, 1, strides=2, padding="same", use_bias=False)(x)
    residual = layers.BatchNormalization(axis=3)(residual)
    x = layers.Activation("relu", name="block13_sepconv1_act")(x)
    x = layers.SeparableConv2D(728, 3, padding="same", use_bias=False, name="block13_sepconv1")(x)
    x = layers.BatchNormalization(axis=3, name="block13_sepconv1_bn")(x)
    x = layers.Activation("relu", name="block13_sepconv2_act")(x)
    x = layers.SeparableConv2D(1024, 3, padding="same", use_bias=False, name="block13_sepconv2")(x)
    x = layers.BatchNormalization(axis=3, name="block13_sepconv2_bn")(x)
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="block13_pool")(x)
    x = layers.add([x, residual])
    for k, width in ((1, 1536), (2, 2048)):
        x = layers.SeparableConv2D(width, 3, padding="same", use_bias=False, name="block14_sepconv%d" % k)(x)
        x = layers.BatchNormalization(axis=3, name="block14_sepconv%d_bn" % k)(x)
        x = layers.Activation("relu", name="block14_sepconv%d_act" % k)(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _pool(x, pooling)
    return keras.Model(image, x, name="xception")
`;
