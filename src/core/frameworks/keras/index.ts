/**
 * TensorFlow/Keras support: the layer catalog, keras.applications, and the
 * runtime that evaluates Keras source on the Python interpreter. Importing this
 * module registers the Keras plug-in with the framework registry, so that
 * evaluateModels() returns Keras models (framework 'keras').
 */
import { registerFramework } from '../registry';
import { KERAS_PLUGIN } from './discover';

registerFramework(KERAS_PLUGIN);

export { KERAS_PLUGIN } from './discover';
export { KERAS_LAYERS, findKerasLayer } from './catalog';
export { KERAS_APPLICATIONS, findKerasApplication, planApplication } from './applications';
