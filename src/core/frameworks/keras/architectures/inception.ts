/**
 * Inception-v3 (Szegedy et al., arXiv:1512.00567: factorised 7x7 and 3x3
 * convolutions, grid-size reductions), convolutions without bias followed by
 * BatchNormalization without scale, as Keras builds it.
 */
export const INCEPTION_SOURCE = `
def _conv_bn(x, filters, rows, cols, padding="same", strides=(1, 1)):
    x = layers.Conv2D(filters, (rows, cols), strides=strides, padding=padding, use_bias=False)(x)
    x = layers.BatchNormalization(axis=3, scale=False)(x)
    return layers.Activation("relu")(x)


def _avg_branch(x, filters):
    return _conv_bn(layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x), filters, 1, 1)


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax"):
    image = _image_input(input_tensor, input_shape, 299, include_top)
    x = _conv_bn(image, 32, 3, 3, strides=(2, 2), padding="valid")
    x = _conv_bn(x, 32, 3, 3, padding="valid")
    x = _conv_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _conv_bn(x, 80, 1, 1, padding="valid")
    x = _conv_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    # 35x35 modules: mixed0-2
    for i, pool_filters in enumerate((32, 64, 64)):
        b1 = _conv_bn(x, 64, 1, 1)
        b5 = _conv_bn(_conv_bn(x, 48, 1, 1), 64, 5, 5)
        b3 = _conv_bn(_conv_bn(_conv_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
        x = layers.concatenate([b1, b5, b3, _avg_branch(x, pool_filters)], axis=3, name="mixed%d" % i)
    # reduction to 17x17: mixed3
    b3 = _conv_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    bd = _conv_bn(_conv_bn(_conv_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3, strides=(2, 2), padding="valid")
    x = layers.concatenate([b3, bd, layers.MaxPooling2D((3, 3), strides=(2, 2))(x)], axis=3, name="mixed3")
    # 17x17 modules with factorised 7x7: mixed4-7
    for i, width in enumerate((128, 160, 160, 192)):
        b1 = _conv_bn(x, 192, 1, 1)
        b7 = _conv_bn(_conv_bn(_conv_bn(x, width, 1, 1), width, 1, 7), 192, 7, 1)
        bd = _conv_bn(x, width, 1, 1)
        bd = _conv_bn(_conv_bn(_conv_bn(bd, width, 7, 1), width, 1, 7), width, 7, 1)
        bd = _conv_bn(bd, 192, 1, 7)
        x = layers.concatenate([b1, b7, bd, _avg_branch(x, 192)], axis=3, name="mixed%d" % (4 + i))
    # reduction to 8x8: mixed8
    b3 = _conv_bn(_conv_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2), padding="valid")
    b7 = _conv_bn(_conv_bn(_conv_bn(x, 192, 1, 1), 192, 1, 7), 192, 7, 1)
    b7 = _conv_bn(b7, 192, 3, 3, strides=(2, 2), padding="valid")
    x = layers.concatenate([b3, b7, layers.MaxPooling2D((3, 3), strides=(2, 2))(x)], axis=3, name="mixed8")
    # 8x8 modules: mixed9-10
    for i in range(2):
        b1 = _conv_bn(x, 320, 1, 1)
        b3 = _conv_bn(x, 384, 1, 1)
        b3 = layers.concatenate([_conv_bn(b3, 384, 1, 3), _conv_bn(b3, 384, 3, 1)], axis=3, name="mixed9_%d" % i)
        bd = _conv_bn(_conv_bn(x, 448, 1, 1), 384, 3, 3)
        bd = layers.concatenate([_conv_bn(bd, 384, 1, 3), _conv_bn(bd, 384, 3, 1)], axis=3)
        x = layers.concatenate([b1, b3, bd, _avg_branch(x, 192)], axis=3, name="mixed%d" % (9 + i))
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _pool(x, pooling)
    return keras.Model(image, x, name="inception_v3")
`;
