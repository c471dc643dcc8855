/**
 * How the engine reads other files (imports, notebooks' sibling modules, config.json)
 * without touching Node APIs: the host (CLI, extension) passes an implementation.
 * Paths are absolute and use forward slashes.
 */
export interface SourceHost {
  /** File contents as text, or undefined when missing or unreadable. */
  readFile(path: string): string | undefined;
  /** True when the path is an existing regular file. */
  isFile(path: string): boolean;
  /** True when the path is an existing directory. */
  isDirectory(path: string): boolean;
  /**
   * Roots for absolute imports, in search order: the workspace folders, then
   * installed packages (site-packages of `.venv`, the active virtualenv).
   */
  importRoots: string[];
}

/** A host with no file system: single-document analysis (virtual workspaces, tests). */
export const NO_FILES: SourceHost = {
  readFile: () => undefined,
  isFile: () => false,
  isDirectory: () => false,
  importRoots: [],
};
