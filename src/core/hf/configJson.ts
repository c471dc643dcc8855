/**
 * Profiling a transformers config.json opened in the editor or given to the CLI.
 * A JSON file that is not a transformers config (no model_type, no architectures)
 * yields no model and an info finding, so other config.json files stay quiet.
 */
import type { ModelGraph } from '../graph';
import type { EstimateOptions } from '../options';
import { type Finding, rangeOf, type SourceRange } from '../source';
import { graphFromHfConfig } from './fromConfig';
import { baseName, dirName } from './paths';
import { parseConfigText } from './resolve';

/** 0-based line and character of a UTF-16 offset. */
function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: end - lineStart };
}

function wholeDocument(text: string): SourceRange {
  const end = positionAt(text, text.length);
  return rangeOf(0, 0, end.line, end.character);
}

/** The range of a top-level key's name ("model_type"), for diagnostics and hovers. */
function keyRange(text: string, key: string): SourceRange | undefined {
  const at = text.indexOf(`"${key}"`);
  if (at < 0) return undefined;
  const start = positionAt(text, at);
  return rangeOf(start.line, start.character, start.line, start.character + key.length + 2);
}

/** Where JSON.parse stopped, from its message ("... at position 42"). */
function errorRange(text: string, message: string): SourceRange {
  const m = /position (\d+)/.exec(message);
  const pos = positionAt(text, m ? Number(m[1]) : 0);
  return rangeOf(pos.line, pos.character, pos.line, pos.character + 1);
}

/** "…/checkpoints/my-llama/config.json" -> "my-llama"; falls back to the model type. */
function modelName(file: string, config: Record<string, unknown>): string {
  const folder = baseName(dirName(file));
  if (folder && folder !== '.' && folder !== '/') return folder;
  const fromConfig = config._name_or_path;
  if (typeof fromConfig === 'string' && fromConfig.trim() !== '') return baseName(fromConfig);
  return typeof config.model_type === 'string' ? config.model_type : baseName(file);
}

export function analyzeConfigJson(text: string, file: string, options: EstimateOptions): { graphs: ModelGraph[]; findings: Finding[] } {
  const parsed = parseConfigText(text, file);
  if (!parsed.config) {
    const finding = parsed.finding as Finding;
    finding.range = errorRange(text, finding.message);
    delete finding.file;
    return { graphs: [], findings: [finding] };
  }
  const config = parsed.config;
  const looksLikeTransformers = typeof config.model_type === 'string' || Array.isArray(config.architectures);
  if (!looksLikeTransformers) {
    return {
      graphs: [],
      findings: [
        {
          severity: 'info',
          code: 'hf-not-a-config',
          message: `${baseName(file)} has no "model_type" or "architectures": not a transformers model config.`,
          range: rangeOf(0, 0, 0, 0),
        },
      ],
    };
  }
  const range = wholeDocument(text);
  const nameRange = keyRange(text, 'model_type') ?? keyRange(text, 'architectures') ?? rangeOf(0, 0, 0, 1);
  const graph = graphFromHfConfig(config, { name: modelName(file, config), kind: 'pretrained', range, nameRange, options });
  return { graphs: [graph], findings: [] };
}
