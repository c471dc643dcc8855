/**
 * keras.applications architectures written out in Python (our own code, after
 * the papers and Keras' layer names), run on the interpreter when a file calls
 * the constructor: the model then has its real layers, output shapes, MACs and
 * the activations each layer keeps. The catalog (../applications.ts) holds the
 * published counts these must reproduce (test/unit/keras-architectures.test.ts);
 * applications not written here stay one catalogued node.
 */
import { COMMON_SOURCE } from './common';
import { CONVNEXT_SOURCE } from './convnext';
import { DENSENET_SOURCE } from './densenet';
import { EFFICIENTNET_SOURCE } from './efficientnet';
import { EFFICIENTNETV2_SOURCE } from './efficientnetv2';
import { INCEPTION_SOURCE } from './inception';
import { MOBILENET_SOURCE } from './mobilenet';
import { MOBILENETV3_SOURCE } from './mobilenetv3';
import { RESNET_SOURCE } from './resnet';
import { VGG_SOURCE } from './vgg';
import { XCEPTION_SOURCE } from './xception';

/** Where their layers are made, as the interpreter names the file (never a path on disk). */
export const ARCHITECTURES_FILE = '<keras.applications>';

/** One module for all of them: the constructors are its top-level functions. */
export const ARCHITECTURES_SOURCE = [
  COMMON_SOURCE,
  VGG_SOURCE,
  RESNET_SOURCE,
  MOBILENET_SOURCE,
  MOBILENETV3_SOURCE,
  DENSENET_SOURCE,
  EFFICIENTNET_SOURCE,
  EFFICIENTNETV2_SOURCE,
  XCEPTION_SOURCE,
  INCEPTION_SOURCE,
  CONVNEXT_SOURCE,
].join('\n');

/** keras.applications constructors with an architecture here (the function of the same name). */
export const ARCHITECTURES = new Set([
  'VGG16',
  'VGG19',
  'ResNet50',
  'ResNet101',
  'ResNet152',
  'ResNet50V2',
  'ResNet101V2',
  'ResNet152V2',
  'MobileNet',
  'MobileNetV2',
  'DenseNet121',
  'DenseNet169',
  'DenseNet201',
  'EfficientNetB0',
  'EfficientNetB1',
  'EfficientNetB2',
  'EfficientNetB3',
  'EfficientNetB4',
  'EfficientNetB5',
  'EfficientNetB6',
  'EfficientNetB7',
  'MobileNetV3Small',
  'MobileNetV3Large',
  'EfficientNetV2B0',
  'EfficientNetV2B1',
  'EfficientNetV2B2',
  'EfficientNetV2B3',
  'EfficientNetV2S',
  'EfficientNetV2M',
  'EfficientNetV2L',
  'Xception',
  'InceptionV3',
  'ConvNeXtTiny',
  'ConvNeXtSmall',
  'ConvNeXtBase',
  'ConvNeXtLarge',
  'ConvNeXtXLarge',
]);
