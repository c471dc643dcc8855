/**
 * transformers models from configs: `from_pretrained("id")`, AutoConfig values and
 * config.json files -> ModelGraphs, through one architecture rule per model_type
 * and a catalog of well-known model ids.
 *
 * Public API (stable; the evaluator, the CLI and the extension call it):
 *   graphFromHfConfig(config, meta)             a config dictionary -> ModelGraph
 *   findKnownModel(id)                          a well-known Hub id -> its config values
 *   resolvePretrained(idOrPath, host, baseDir)  from_pretrained's argument -> config (catalog or local folder)
 *   analyzeConfigJson(text, file, options)      a config.json file -> graphs and findings
 */
export { graphFromHfConfig, type HfGraphMeta } from './fromConfig';
export { findKnownModel, findCatalogEntry, CATALOG, type CatalogEntry } from './catalog';
export { resolvePretrained, type PretrainedResolution } from './resolve';
export { analyzeConfigJson } from './configJson';
export { headOfClass } from './heads';
export { ARCHITECTURES, findRule } from './families';
export { readWeightFormat } from './weightFormat';
export type { HfHead, ArchitectureRule } from './types';
