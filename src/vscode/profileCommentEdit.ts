/**
 * Writing values into a model's `# profile:` comment (the apply-recommendation
 * command). The comment is read with the engine's own parser and written back in
 * one canonical form, so what is written is exactly what the engine reads next.
 * Pure text in, text out.
 */
import type { ProfileOverrides } from '../core/graph';
import { PROFILE_COMMENT_KEYS, parseProfileComment, type ProfileCommentKey } from '../core/profileComment';

export type ProfileCommentValues = Partial<Pick<ProfileOverrides, ProfileCommentKey>>;

const MARKER = /#\s*profile\s*:/;

function valueText(key: ProfileCommentKey, value: NonNullable<ProfileCommentValues[ProfileCommentKey]>): string {
  return key === 'input' && Array.isArray(value) ? `(${value.join(',')})` : String(value);
}

/**
 * The line with `changes` written into its `# profile:` comment: values the comment
 * already holds are kept unless changed, new keys are added, and a further comment
 * after the settings (`# profile: batch=8  # fits the 4090`) stays. Values the parser
 * rejects are dropped (they were errors on the comment). Undefined when the line holds
 * no `# profile:` comment.
 */
export function writeProfileComment(line: string, changes: ProfileCommentValues): string | undefined {
  const marker = MARKER.exec(line);
  if (!marker) return undefined;
  const { overrides } = parseProfileComment(line, 0);
  const values: ProfileCommentValues = {};
  for (const key of PROFILE_COMMENT_KEYS) {
    const v = changes[key] ?? overrides?.[key];
    if (v !== undefined) (values as Record<string, unknown>)[key] = v;
  }
  const settings = line.slice(marker.index + marker[0].length);
  const tail = /\s+#.*$/.exec(settings)?.[0] ?? '';
  const pairs = PROFILE_COMMENT_KEYS.filter((k) => values[k] !== undefined).map((k) => `${k}=${valueText(k, values[k]!)}`);
  return `${line.slice(0, marker.index)}# profile: ${pairs.join(' ')}${tail}`;
}
