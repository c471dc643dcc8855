/**
 * One torch package per interpreter session, built on the first `import torch`
 * (or torch.nn ...) and kept: its classes are shared by every cached module.
 */
import type { Interp } from '../../python/interp';
import type { ModuleFactory } from '../../python/stdlib';
import { perInterpreter } from '../perInterpreter';
import { buildTorch, torchModuleFactories, type TorchPackage } from './torchModules';

const packages = perInterpreter((interp) => buildTorch(interp), (pkg) => pkg.runPrelude?.());

export function torchPackage(interp: Interp): TorchPackage {
  return packages.get(interp);
}

export function torchFactories(): Map<string, ModuleFactory> {
  return torchModuleFactories(torchPackage);
}
