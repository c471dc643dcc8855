/**
 * One torch package per interpreter session, built on the first `import torch`
 * (or torch.nn ...) and kept: its classes are shared by every cached module.
 */
import type { Interp } from '../../python/interp';
import type { ModuleFactory } from '../../python/stdlib';
import { buildTorch, torchModuleFactories, type TorchPackage } from './torchModules';

const packages = new WeakMap<Interp, TorchPackage>();

export function torchPackage(interp: Interp): TorchPackage {
  let pkg = packages.get(interp);
  if (!pkg) {
    pkg = buildTorch(interp);
    packages.set(interp, pkg);
    pkg.runPrelude?.();
  }
  return pkg;
}

export function torchFactories(): Map<string, ModuleFactory> {
  return torchModuleFactories(torchPackage);
}
