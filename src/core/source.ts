/**
 * Source positions and findings shared by every stage of the engine.
 * Positions are 0-based (line and UTF-16 character, as the editor counts them);
 * the CLI's JSON adds a 1-based `line` for people.
 */

export interface SourcePos {
  line: number;
  character: number;
}

export interface SourceRange {
  start: SourcePos;
  end: SourcePos;
}

export type FindingSeverity = 'error' | 'warning' | 'info';

/**
 * Something the engine could not do, or did with an assumption, that a person
 * should know about: "could not evaluate X at line N", "unknown layer Foo".
 * `code` is stable (tests and quick fixes key on it); `message` is for people.
 */
export interface Finding {
  severity: FindingSeverity;
  code: string;
  message: string;
  range?: SourceRange;
  /** Absolute path or URI string of the file the range refers to, when not the analysed file. */
  file?: string;
}

export function rangeOf(
  startLine: number,
  startChar: number,
  endLine: number,
  endChar: number,
): SourceRange {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
}
