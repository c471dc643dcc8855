/**
 * `from_pretrained("id or path")` -> a config. Like transformers, an existing local
 * folder wins over a Hub id of the same name; a folder is read through the SourceHost
 * (config.json inside it), a Hub id through the catalog of well-known models.
 */
import type { Finding } from '../source';
import type { SourceHost } from '../sourceHost';
import { findKnownModel } from './catalog';
import { baseName, isAbsolutePath, resolvePath } from './paths';

export interface PretrainedResolution {
  config?: Record<string, unknown>;
  source: 'catalog' | 'local';
  /** Absolute path of the config.json that was read, for local checkpoints. */
  file?: string;
  finding?: Finding;
}

/** Spellings that can only be a file-system path, never a Hub id ("org/name"). */
function looksLikePath(s: string): boolean {
  return (
    isAbsolutePath(s) ||
    s.startsWith('./') ||
    s.startsWith('../') ||
    s.startsWith('.\\') ||
    s.startsWith('..\\') ||
    s.startsWith('~') ||
    s.includes('\\') ||
    s.split('/').length > 2 ||
    s === '.' ||
    s === '..'
  );
}

/** Parses config.json text; a syntax error or a non-object becomes a finding. */
export function parseConfigText(text: string, file: string): { config?: Record<string, unknown>; finding?: Finding } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return {
      finding: {
        severity: 'error',
        code: 'hf-bad-config-json',
        message: `${file} is not valid JSON: ${(e as Error).message}`,
        file,
      },
    };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      finding: { severity: 'error', code: 'hf-bad-config-json', message: `${file} does not hold a JSON object.`, file },
    };
  }
  return { config: value as Record<string, unknown> };
}

function readLocal(configFile: string, host: SourceHost): PretrainedResolution {
  const text = host.readFile(configFile);
  if (text === undefined) {
    return {
      source: 'local',
      finding: { severity: 'warning', code: 'hf-config-unreadable', message: `Could not read ${configFile}.`, file: configFile },
    };
  }
  const parsed = parseConfigText(text, configFile);
  return { source: 'local', file: configFile, ...parsed };
}

/**
 * Resolves a `from_pretrained` argument. Never throws: an unknown id, a missing folder or a
 * broken config.json gives a finding (the caller adds the source range).
 */
export function resolvePretrained(idOrPath: string, host: SourceHost, baseDir: string): PretrainedResolution {
  const spec = idOrPath.trim();
  if (spec === '') {
    return {
      source: 'catalog',
      finding: { severity: 'warning', code: 'hf-unknown-model', message: 'from_pretrained was given an empty model id.' },
    };
  }
  if (spec.startsWith('~')) {
    return {
      source: 'local',
      finding: {
        severity: 'info',
        code: 'hf-config-missing',
        message: `Cannot resolve "${spec}": home-relative paths are not expanded; use an absolute or workspace-relative path.`,
      },
    };
  }
  const local = resolvePath(baseDir, spec);
  if (host.isDirectory(local)) {
    const configFile = `${local}/config.json`;
    if (host.isFile(configFile)) return readLocal(configFile, host);
    return {
      source: 'local',
      finding: {
        severity: 'warning',
        code: 'hf-config-missing',
        message: `The checkpoint folder ${local} has no config.json.`,
        file: local,
      },
    };
  }
  // AutoConfig.from_pretrained also accepts the path of a JSON file.
  if (host.isFile(local) && baseName(local).toLowerCase().endsWith('.json')) return readLocal(local, host);
  if (looksLikePath(spec)) {
    return {
      source: 'local',
      finding: { severity: 'warning', code: 'hf-config-missing', message: `No checkpoint folder at ${local}.`, file: local },
    };
  }
  const config = findKnownModel(spec);
  if (config) return { source: 'catalog', config };
  return {
    source: 'catalog',
    finding: {
      severity: 'info',
      code: 'hf-unknown-model',
      message:
        `"${spec}" is not in the catalog of well-known models and no local folder has that name. ` +
        'Point from_pretrained at a folder with its config.json, or open the config.json, to profile it.',
    },
  };
}
