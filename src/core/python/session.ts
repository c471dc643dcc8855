/**
 * Wires the interpreter together: builtins, the standard library, the import
 * loader and the framework modules registered by plug-ins. One session is kept
 * and reused across analyses (cached imports stay valid because every native
 * closes over the same interpreter); `begin` resets it for a new document.
 */
import type { SourceHost } from '../sourceHost';
import { installBuiltins } from './builtins';
import { ModuleLoader } from './imports';
import { Interp, newSink, type Budgets } from './interp';
import { parseModule, type ParsedModule } from './parseModule';
import { stdlibModules, type ModuleFactory } from './stdlib';
import type { ModuleV } from './values';

export class PySession {
  readonly interp: Interp;
  readonly loader: ModuleLoader;

  constructor(budgets: Budgets, frameworkModules: Map<string, ModuleFactory>) {
    this.interp = new Interp(budgets);
    installBuiltins(this.interp);
    const factories = stdlibModules();
    for (const [k, v] of frameworkModules) factories.set(k, v);
    this.loader = new ModuleLoader(this.interp, factories);
    this.interp.importer = this.loader;
  }

  /** Reset per-document state: budgets, clock, findings sink, import bookkeeping. */
  begin(file: string, host: SourceHost, budgets: Budgets): void {
    this.interp.undoSharedWrites();
    Object.assign(this.interp.budgets, budgets);
    this.interp.sink = newSink();
    this.interp.depth = 0;
    this.interp.startClock(Date.now());
    this.interp.resetSteps();
    this.loader.begin(host, file);
  }

  /** Parse and run a document as the `__main__` module. */
  runMain(file: string, text: string): { module: ModuleV; ast: ParsedModule } {
    const ast = parseModule(text);
    const module: ModuleV = { t: 'module', name: '__main__', dict: new Map(), file };
    module.dict.set('__name__', { t: 'str', v: '__main__' });
    module.dict.set('__package__', { t: 'str', v: '' });
    this.interp.runModule(module, ast.body);
    return { module, ast };
  }
}
