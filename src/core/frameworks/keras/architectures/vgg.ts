/** VGG16 and VGG19 (Simonyan & Zisserman, arXiv:1409.1556, configurations D and E), Keras' layer names. */
export const VGG_SOURCE = `
def _vgg(convs, name, include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
         pooling=None, classes=1000, classifier_activation="softmax"):
    image = _image_input(input_tensor, input_shape, 224, include_top)
    x = image
    for block, (count, width) in enumerate(zip(convs, (64, 128, 256, 512, 512)), 1):
        for i in range(1, count + 1):
            x = layers.Conv2D(width, 3, activation="relu", padding="same", name=f"block{block}_conv{i}")(x)
        x = layers.MaxPooling2D(2, strides=2, name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _pool(x, pooling)
    return keras.Model(image, x, name=name)


def VGG16(**kwargs):
    return _vgg((2, 2, 3, 3, 3), "vgg16", **kwargs)


def VGG19(**kwargs):
    return _vgg((2, 2, 4, 4, 4), "vgg19", **kwargs)
`;
