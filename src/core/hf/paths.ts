/**
 * Path handling for local checkpoints without Node's path module (src/core is pure):
 * forward slashes, "." and ".." resolved, Windows drive letters kept.
 */

/** True for "/x", "C:/x", "C:\\x" and "\\\\server\\share". */
export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

/** Backslashes to slashes, "." and ".." segments resolved, no trailing slash. */
export function normalisePath(p: string): string {
  const slashed = p.replace(/\\/g, '/');
  const leading = slashed.startsWith('/') ? '/' : '';
  const out: string[] = [];
  for (const seg of slashed.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..' && !/^[A-Za-z]:$/.test(out[out.length - 1])) out.pop();
      else if (!leading) out.push('..');
      continue;
    }
    out.push(seg);
  }
  return leading + out.join('/');
}

/** `rel` resolved against `base` (unless it is absolute). */
export function resolvePath(base: string, rel: string): string {
  return normalisePath(isAbsolutePath(rel) ? rel : `${base.replace(/\\/g, '/')}/${rel}`);
}

/** Last path segment: "/a/b/config.json" -> "config.json". */
export function baseName(p: string): string {
  const parts = normalisePath(p).split('/');
  return parts[parts.length - 1] ?? '';
}

/** Everything before the last segment: "/a/b/config.json" -> "/a/b". */
export function dirName(p: string): string {
  const norm = normalisePath(p);
  const i = norm.lastIndexOf('/');
  return i <= 0 ? (norm.startsWith('/') ? '/' : '.') : norm.slice(0, i);
}
