/**
 * `# profile:` comments: per-model overrides written next to the model.
 *
 *   # profile: batch=64 input=(3,32,32) seq=1024 precision=bf16-mixed optimizer=adamw mode=train
 *
 * Parsed strictly: an unknown key, a repeated key or a bad value is an error
 * whose range covers exactly the offending text (the editor shows it on the
 * comment). Valid keys still apply when others are wrong.
 */
import type { ProfileOverrides } from './graph';
import { MODES, OPTIMIZERS, PRECISIONS, isOneOf, type EstimateOptions } from './options';
import { rangeOf, type Finding } from './source';

const MARKER = /^#\s*profile\s*:/;

/**
 * Where the line's comment starts: the first `#` outside a string literal. A `# profile:` counts
 * only when it opens the comment, so prose such as "# set it with a # profile: comment" is not one.
 */
function commentStart(line: string): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return i;
  }
  return -1;
}

function findMarker(line: string): { index: number; length: number } | undefined {
  const start = commentStart(line);
  if (start < 0) return undefined;
  const m = MARKER.exec(line.slice(start));
  return m ? { index: start, length: m[0].length } : undefined;
}

const KEYS = ['batch', 'input', 'seq', 'precision', 'optimizer', 'mode'] as const;
type Key = (typeof KEYS)[number];

/** The keys a `# profile:` comment accepts, in the order the comment is written back. */
export const PROFILE_COMMENT_KEYS: readonly Key[] = KEYS;
export type ProfileCommentKey = Key;

/** Largest batch or sequence length accepted (the settings' own maxima). */
const MAX_BATCH = 1_048_576;
const MAX_SEQ = 10_485_760;
const MAX_DIM = 1_000_000;

function error(lineNumber: number, start: number, end: number, message: string): Finding {
  return { severity: 'error', code: 'profile-comment', message, range: rangeOf(lineNumber, start, lineNumber, end) };
}

function positiveInt(text: string, max: number): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= max ? n : undefined;
}

/** `(3,32,32)`, `[3, 32, 32]`, `3,32,32` or `3x32x32`: positive ints. */
function parseShape(text: string): number[] | undefined {
  let t = text.trim();
  if ((t.startsWith('(') && t.endsWith(')')) || (t.startsWith('[') && t.endsWith(']'))) t = t.slice(1, -1);
  const parts = t.split(/\s*[,x×]\s*/).filter((p, i, all) => p !== '' || i !== all.length - 1);
  if (!parts.length) return undefined;
  const dims = parts.map((p) => positiveInt(p.trim(), MAX_DIM));
  return dims.every((d) => d !== undefined) ? (dims as number[]) : undefined;
}

/** True when the line holds a `# profile:` comment. */
export function hasProfileComment(line: string): boolean {
  return findMarker(line) !== undefined;
}

export function parseProfileComment(line: string, lineNumber: number): { overrides?: ProfileOverrides; errors: Finding[] } {
  const m = findMarker(line);
  if (!m) return { errors: [] };
  const hash = m.index;
  const errors: Finding[] = [];
  const overrides: ProfileOverrides = { range: rangeOf(lineNumber, hash, lineNumber, line.trimEnd().length) };
  const seen = new Set<string>();
  let i = hash + m.length;
  let pairs = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && /[\s,]/.test(line[i]!)) i++;
    if (i >= n) break;
    if (line[i] === '#') break; // a further comment after the settings
    const keyStart = i;
    while (i < n && /[A-Za-z_-]/.test(line[i]!)) i++;
    const key = line.slice(keyStart, i);
    if (!key || line[i] !== '=') {
      let end = i;
      while (end < n && !/\s/.test(line[end]!)) end++;
      const bad = line.slice(keyStart, Math.max(end, keyStart + 1));
      errors.push(error(lineNumber, keyStart, Math.max(end, keyStart + 1), `Expected key=value in # profile:, got '${bad}'. Keys: ${KEYS.join(', ')}`));
      i = Math.max(end, keyStart + 1);
      continue;
    }
    i++; // '='
    const valueStart = i;
    if (line[i] === '(' || line[i] === '[') {
      const close = line[i] === '(' ? ')' : ']';
      const j = line.indexOf(close, i);
      i = j < 0 ? n : j + 1;
    } else {
      while (i < n && !/[\s,]/.test(line[i]!)) i++;
      // `input=3,32,32`: a shape written without brackets keeps its commas.
      if (key === 'input') while (i < n && /[,\d]/.test(line[i]!) && /\d/.test(line[i + 1] ?? '')) {
        i++;
        while (i < n && /\d/.test(line[i]!)) i++;
      }
    }
    const value = line.slice(valueStart, i);
    pairs++;
    if (!(KEYS as readonly string[]).includes(key)) {
      errors.push(error(lineNumber, keyStart, keyStart + key.length, `Unknown key '${key}' in # profile:. Keys: ${KEYS.join(', ')}`));
      continue;
    }
    if (seen.has(key)) {
      errors.push(error(lineNumber, keyStart, i, `'${key}' is given twice in # profile:`));
      continue;
    }
    seen.add(key);
    const bad = (what: string): void => {
      errors.push(error(lineNumber, valueStart, Math.max(i, valueStart + 1), `Bad value for ${key}: '${value}' (${what})`));
    };
    switch (key as Key) {
      case 'batch': {
        const v = positiveInt(value, MAX_BATCH);
        if (v === undefined) bad(`a whole number from 1 to ${MAX_BATCH}`);
        else overrides.batch = v;
        break;
      }
      case 'seq': {
        const v = positiveInt(value, MAX_SEQ);
        if (v === undefined) bad(`a whole number from 1 to ${MAX_SEQ}`);
        else overrides.seq = v;
        break;
      }
      case 'input': {
        const v = parseShape(value);
        if (!v) bad('a shape without the batch, such as (3,224,224)');
        else overrides.input = v;
        break;
      }
      case 'precision':
        if (!isOneOf(PRECISIONS, value)) bad(`one of ${PRECISIONS.join(', ')}`);
        else overrides.precision = value;
        break;
      case 'optimizer':
        if (!isOneOf(OPTIMIZERS, value)) bad(`one of ${OPTIMIZERS.join(', ')}`);
        else overrides.optimizer = value;
        break;
      case 'mode':
        if (!isOneOf(MODES, value)) bad(`one of ${MODES.join(', ')}`);
        else overrides.mode = value;
        break;
    }
  }
  if (!pairs && !errors.length) {
    errors.push(error(lineNumber, hash, line.trimEnd().length, `# profile: has no settings. Keys: ${KEYS.join(', ')}`));
  }
  return { overrides, errors };
}

/** A `# profile:` comment less the values a person set for this run (`options.overridesProfile`). */
export function withoutPinned(profile: ProfileOverrides | undefined, options: EstimateOptions): ProfileOverrides | undefined {
  const pinned = options.overridesProfile;
  if (!profile || !pinned || pinned.length === 0) return profile;
  const out: ProfileOverrides = { ...profile };
  for (const key of ['batch', 'seq', 'input', 'precision', 'optimizer', 'mode'] as const) if (pinned.includes(key)) delete out[key];
  return out;
}
