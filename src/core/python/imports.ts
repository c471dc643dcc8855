/**
 * `import` resolution: framework runtimes and the standard library first, then
 * files of the workspace (relative and absolute, packages with __init__.py),
 * then installed packages through the host's import roots. Anything else is an
 * unknown library: a module whose attributes are unknown values, reported once.
 *
 * Evaluated files are cached by path and content, and re-run when a file they
 * imported changed. Circular imports see the partially executed module, as in
 * Python.
 */
import type { SourceHost } from '../sourceHost';
import type { Loc } from './ast';
import type { Importer, Interp } from './interp';
import { parseModule } from './parseModule';
import type { ModuleFactory } from './stdlib';
import type { ModuleV } from './values';

interface CachedFile {
  content: string;
  module: ModuleV;
  /** Files read while executing it, with the content seen. */
  deps: Map<string, string | undefined>;
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : p.slice(0, i);
}

function join(...parts: string[]): string {
  return parts.filter((p) => p).join('/').replace(/\/+/g, '/');
}

/** Top-level names of packages that provide models the engine cannot read (shown in findings). */
export class ModuleLoader implements Importer {
  host!: SourceHost;
  /** Directory of the analysed file: the first import root, as `python file.py` would have it. */
  mainDir = '';
  private builtinCache = new Map<string, ModuleV>();
  private fileCache = new Map<string, CachedFile>();
  /** Modules being executed right now (circular imports). */
  private loading = new Map<string, ModuleV>();
  /** Per evaluation: paths already validated or executed. */
  private fresh = new Map<string, ModuleV>();
  private depStack: Array<Map<string, string | undefined>> = [];
  private reportedLibs = new Set<string>();

  constructor(
    private readonly interp: Interp,
    private readonly factories: Map<string, ModuleFactory>,
  ) {}

  /** Called at the start of each evaluation. */
  begin(host: SourceHost, file: string): void {
    this.host = host;
    this.mainDir = dirname(file);
    this.fresh.clear();
    this.loading.clear();
    this.reportedLibs.clear();
    this.depStack = [];
  }

  builtin(name: string): ModuleV | undefined {
    const hit = this.builtinCache.get(name);
    if (hit) return hit;
    const f = this.factories.get(name);
    if (!f) return undefined;
    const m = f(this.interp);
    this.builtinCache.set(name, m);
    return m;
  }

  importModule(name: string, level: number, from: ModuleV, loc: Loc): ModuleV {
    if (level === 0) {
      const b = this.builtinPath(name);
      if (b) return b;
    }
    const file = level > 0 ? this.resolveRelative(name, level, from) : this.resolveAbsolute(name);
    if (file) return file;
    const top = name.split('.')[0] || name;
    const libName = level > 0 ? `${'.'.repeat(level)}${name}` : top;
    if (loc.sl >= 0 && !this.reportedLibs.has(libName)) {
      this.reportedLibs.add(libName);
      const what = level > 0 ? `Relative import '${libName}' was not found next to this file` : `Library '${libName}' is not modelled and was not found in the workspace or installed packages: values from it are unknown`;
      this.interp.finding('info', 'unknown-library', what, loc);
    }
    return { t: 'module', name, dict: new Map(), unknownLib: libName };
  }

  /** `torch.nn.functional`: a registered module, or an attribute path from a registered parent. */
  private builtinPath(name: string): ModuleV | undefined {
    const direct = this.builtin(name);
    if (direct) return direct;
    const parts = name.split('.');
    for (let i = parts.length - 1; i > 0; i--) {
      const parent = this.builtin(parts.slice(0, i).join('.'));
      if (!parent) continue;
      let cur: ModuleV | undefined = parent;
      for (const p of parts.slice(i)) {
        const next: unknown = cur?.dict.get(p) ?? cur?.getattr?.(p);
        cur = next && (next as ModuleV).t === 'module' ? (next as ModuleV) : undefined;
        if (!cur) break;
      }
      if (cur) return cur;
      if (parent.unknownLib) return { t: 'module', name, dict: new Map(), unknownLib: parent.unknownLib };
      return undefined;
    }
    return undefined;
  }

  private read(path: string): string | undefined {
    const text = this.host.readFile(path);
    for (const deps of this.depStack) deps.set(path, text);
    return text;
  }

  private isFile(path: string): boolean {
    return this.host.isFile(path);
  }

  private resolveRelative(name: string, level: number, from: ModuleV): ModuleV | undefined {
    if (!from.file) return undefined;
    let base = dirname(from.file);
    for (let i = 1; i < level; i++) base = dirname(base);
    const pkgName = from.dict.get('__package__');
    const prefix = pkgName && pkgName.t === 'str' ? pkgName.v : '';
    return this.loadDotted(base, name, prefix);
  }

  private resolveAbsolute(name: string): ModuleV | undefined {
    const roots = [this.mainDir, ...(this.host?.importRoots ?? [])];
    for (const root of roots) {
      if (!root) continue;
      const m = this.loadDotted(root, name, '');
      if (m) return m;
    }
    return undefined;
  }

  /** Load `a.b.c` under `root`: executes package __init__ files on the way, returns the last module. */
  private loadDotted(root: string, dotted: string, pkgPrefix: string): ModuleV | undefined {
    const parts = dotted ? dotted.split('.') : [];
    if (!parts.length) {
      // `from . import x`: the package itself.
      const init = join(root, '__init__.py');
      return this.isFile(init) ? this.loadFile(init, pkgPrefix || baseName(root), true) : this.namespacePackage(root, pkgPrefix || baseName(root));
    }
    let dir = root;
    let parent: ModuleV | undefined;
    let modName = pkgPrefix;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      modName = modName ? `${modName}.${p}` : p;
      const last = i === parts.length - 1;
      const pkgDir = join(dir, p);
      const init = join(pkgDir, '__init__.py');
      const file = join(dir, `${p}.py`);
      let m: ModuleV | undefined;
      if (this.isFile(init)) m = this.loadFile(init, modName, true);
      else if (this.isFile(file)) m = last ? this.loadFile(file, modName, false) : undefined;
      else if (!last && this.host.isDirectory(pkgDir)) m = this.namespacePackage(pkgDir, modName);
      if (!m) return undefined;
      if (parent && !parent.dict.has(p)) parent.dict.set(p, m);
      parent = m;
      dir = pkgDir;
    }
    return parent;
  }

  private namespacePackage(dir: string, name: string): ModuleV {
    const key = `ns:${dir}`;
    const hit = this.fresh.get(key);
    if (hit) return hit;
    const m: ModuleV = { t: 'module', name, dict: new Map(), file: join(dir, '__init__.py') };
    m.dict.set('__package__', { t: 'str', v: name });
    this.fresh.set(key, m);
    return m;
  }

  private loadFile(path: string, name: string, isPackage: boolean): ModuleV | undefined {
    const inProgress = this.loading.get(path);
    if (inProgress) return inProgress;
    const done = this.fresh.get(path);
    if (done) return done;
    const text = this.read(path);
    if (text === undefined) return undefined;
    const cached = this.fileCache.get(path);
    if (cached && cached.content === text && [...cached.deps].every(([p, c]) => this.host.readFile(p) === c)) {
      this.fresh.set(path, cached.module);
      for (const deps of this.depStack) for (const [p, c] of cached.deps) deps.set(p, c);
      return cached.module;
    }
    const module: ModuleV = { t: 'module', name, dict: new Map(), file: path };
    const pkg = isPackage ? name : name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : '';
    module.dict.set('__package__', { t: 'str', v: pkg });
    module.dict.set('__name__', { t: 'str', v: name });
    const deps = new Map<string, string | undefined>();
    this.loading.set(path, module);
    this.depStack.push(deps);
    try {
      const ast = parseModule(text);
      for (const b of ast.brokenChunks) {
        this.interp.finding('warning', 'syntax-error', `Syntax error in ${path} at lines ${b.startLine + 1}-${b.endLine}: that part is skipped`, { sl: b.startLine, sc: 0, el: b.endLine, ec: 0 }, path);
      }
      this.interp.runModule(module, ast.body);
    } finally {
      this.depStack.pop();
      this.loading.delete(path);
    }
    this.fresh.set(path, module);
    this.fileCache.set(path, { content: text, module, deps });
    if (this.fileCache.size > 256) this.fileCache.delete(this.fileCache.keys().next().value as string);
    return module;
  }

  /** Forget evaluated files (a budget ran out while one was executing: it is incomplete). */
  dropFileCache(): void {
    this.fileCache.clear();
  }
}

function baseName(dir: string): string {
  const i = dir.lastIndexOf('/');
  return i >= 0 ? dir.slice(i + 1) : dir;
}
