/**
 * ConvNeXt Tiny to XLarge (Liu et al., arXiv:2201.03545: 4x4 patchify stem, 7x7
 * depthwise convolutions, inverted MLPs, LayerNorm, layer scale), as Keras builds
 * it: the depthwise convolution is a grouped Conv2D with bias, layer scale a
 * per-channel weight.
 */
export const CONVNEXT_SOURCE = `
class LayerScale(layers.Layer):
    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, input_shape):
        self.gamma = self.add_weight(shape=(self.projection_dim,), trainable=True)

    def call(self, x):
        return x * self.gamma


class StochasticDepth(layers.Layer):
    def __init__(self, drop_path_rate, **kwargs):
        super().__init__(**kwargs)
        self.drop_path_rate = drop_path_rate

    def call(self, x, training=None):
        return x


def _convnext_block(x, dim, drop_path_rate, name):
    h = layers.Conv2D(dim, 7, padding="same", groups=dim, name=name + "_depthwise_conv")(x)
    h = layers.LayerNormalization(epsilon=1e-6, name=name + "_layernorm")(h)
    h = layers.Dense(4 * dim, name=name + "_pointwise_conv_1")(h)
    h = layers.Activation("gelu", name=name + "_gelu")(h)
    h = layers.Dense(dim, name=name + "_pointwise_conv_2")(h)
    h = LayerScale(1e-6, dim, name=name + "_layer_scale")(h)
    if drop_path_rate:
        h = StochasticDepth(drop_path_rate, name=name + "_stochastic_depth")(h)
    else:
        h = layers.Activation("linear", name=name + "_identity")(h)
    return x + h


def _convnext(depths, dims, name, include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
              input_shape=None, pooling=None, classes=1000, classifier_activation="softmax"):
    image = _image_input(input_tensor, input_shape, 224, include_top)
    x = image
    if include_preprocessing:
        x = layers.Normalization(mean=[0.485 * 255, 0.456 * 255, 0.406 * 255],
                                 variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2],
                                 name=name + "_prestem_normalization")(x)
    x = keras.Sequential([layers.Conv2D(dims[0], 4, strides=4, name=name + "_stem_conv"),
                          layers.LayerNormalization(epsilon=1e-6, name=name + "_stem_layernorm")], name=name + "_stem")(x)
    rates = [0.0] * sum(depths)
    cursor = 0
    for i in range(4):
        if i > 0:
            x = keras.Sequential([layers.LayerNormalization(epsilon=1e-6, name=name + "_downsampling_layernorm_%d" % (i - 1)),
                                  layers.Conv2D(dims[i], 2, strides=2, name=name + "_downsampling_conv_%d" % (i - 1))],
                                 name=name + "_downsampling_block_%d" % (i - 1))(x)
        for j in range(depths[i]):
            x = _convnext_block(x, dims[i], rates[cursor + j], name + "_stage_%d_block_%d" % (i, j))
        cursor += depths[i]
    if include_top:
        x = layers.GlobalAveragePooling2D(name=name + "_head_gap")(x)
        x = layers.LayerNormalization(epsilon=1e-6, name=name + "_head_layernorm")(x)
        x = layers.Dense(classes, activation=classifier_activation, name=name + "_head_dense")(x)
    else:
        x = _pool(x, pooling)
        x = layers.LayerNormalization(epsilon=1e-6)(x)
    return keras.Model(image, x, name=name)


def ConvNeXtTiny(**kwargs):
    return _convnext((3, 3, 9, 3), (96, 192, 384, 768), "convnext_tiny", **kwargs)


def ConvNeXtSmall(**kwargs):
    return _convnext((3, 3, 27, 3), (96, 192, 384, 768), "convnext_small", **kwargs)


def ConvNeXtBase(**kwargs):
    return _convnext((3, 3, 27, 3), (128, 256, 512, 1024), "convnext_base", **kwargs)


def ConvNeXtLarge(**kwargs):
    return _convnext((3, 3, 27, 3), (192, 384, 768, 1536), "convnext_large", **kwargs)


def ConvNeXtXLarge(**kwargs):
    return _convnext((3, 3, 27, 3), (256, 512, 1024, 2048), "convnext_xlarge", **kwargs)
`;
