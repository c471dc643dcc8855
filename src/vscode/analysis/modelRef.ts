/**
 * How views name a model to a command (openPanel, checkFits, exportReport): the
 * document's URI and the model's name, which stay valid while the person types above
 * the model. Commands also accept the panel's model id, `<document URI>#<name>`.
 *
 * No runtime `vscode` here, so it is unit-tested directly.
 */

/** A model as commands receive it: its document's URI (string) and its name in the source. */
export interface ModelRef {
  uri: string;
  model: string;
}

/** The argument CodeLens and hover links pass to openPanel, checkFits and exportReport. */
export function modelRef(uri: { toString(): string } | string, name: string): ModelRef {
  return { uri: uri.toString(), model: name };
}

/**
 * A ModelRef from a command argument: `{ uri, model }` (a Uri object works too), or the
 * panel's model id `<document URI>#<name>` (with `~2` for a second model of that name).
 */
export function readModelRef(arg: unknown): ModelRef | undefined {
  if (typeof arg === 'string') {
    const at = arg.lastIndexOf('#');
    if (at <= 0 || at + 1 >= arg.length) return undefined;
    return { uri: arg.slice(0, at), model: arg.slice(at + 1).replace(/~\d+$/, '') };
  }
  if (!arg || typeof arg !== 'object') return undefined;
  const { uri, model } = arg as Record<string, unknown>;
  if (typeof model !== 'string' || model === '') return undefined;
  if (typeof uri === 'string' && uri !== '') return { uri, model };
  // A vscode.Uri (or anything else whose string form is a URI).
  if (uri && typeof uri === 'object' && typeof (uri as { scheme?: unknown }).scheme === 'string') return { uri: String(uri), model };
  return undefined;
}
