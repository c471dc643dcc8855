/**
 * Python helpers every architecture uses: the model input (input_tensor, input_shape
 * or the default size), the optional pooling without top, and the parity-corrected
 * padding Keras puts before strided "valid" convolutions.
 */
export const COMMON_SOURCE = `
import math
import keras
from keras import layers


def _image_input(input_tensor, input_shape, default_size, include_top):
    if input_tensor is not None:
        return input_tensor
    if input_shape is None:
        input_shape = (default_size, default_size, 3) if include_top else (None, None, 3)
    return layers.Input(shape=input_shape)


def _pool(x, pooling):
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x


def _correct_pad(x, kernel_size):
    # Padding that makes a strided "valid" convolution behave like "same" on even sizes.
    size = x.shape[1]
    adjust = 1 if size is None else 1 - size % 2
    half = kernel_size // 2
    return ((half - adjust, half), (half - adjust, half))
`;
