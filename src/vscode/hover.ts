/**
 * Hovers: a card over a model (its name, a module-level instantiation, a builder
 * function, or any use of a model class's name) and a short summary over a layer
 * construction line. Text comes from src/core/hoverText.ts; this file only finds
 * what is under the mouse. On an unchanged document it answers from the analysis
 * cache without waiting.
 */
import * as vscode from 'vscode';
import {
  CHECK_FITS_COMMAND,
  OPEN_PANEL_COMMAND,
  layerHoverMarkdown,
  layersOnLine,
  modelHoverMarkdown,
} from '../core/hoverText';
import type { LayerRow, ModelReport } from '../core/report';
import type { SourceRange } from '../core/source';
import { modelRef, type AnalysisService } from './analysis';

/** Kinds whose range is one statement (`model = Net()`), where the whole statement means the model. */
const STATEMENT_KINDS = new Set<ModelReport['kind']>(['instance', 'sequential', 'functional', 'pretrained', 'application']);
/** Kinds whose name is global, so every use of the name means the model. */
const NAMED_KINDS = new Set<ModelReport['kind']>(['class', 'builder']);

export function toRange(r: SourceRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

function contains(r: SourceRange, p: vscode.Position): boolean {
  return toRange(r).contains(p);
}

function markdown(text: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(text);
  md.isTrusted = { enabledCommands: [OPEN_PANEL_COMMAND, CHECK_FITS_COMMAND] };
  return md;
}

export type HoverTarget =
  | { kind: 'model'; model: ModelReport; range: vscode.Range }
  | { kind: 'layer'; model: ModelReport; rows: LayerRow[]; range: vscode.Range };

/** The layer rows built on a line, from the model that defines them (the innermost model around the line), else the first that has any. */
function layerTarget(models: readonly ModelReport[], line: number): { model: ModelReport; rows: LayerRow[] } | undefined {
  const around = models
    .filter((m) => m.range.start.line <= line && line <= m.range.end.line)
    .sort((a, b) => b.range.start.line - a.range.start.line);
  for (const m of [...around, ...models]) {
    const rows = layersOnLine(m, line + 1);
    if (rows.length > 0) return { model: m, rows };
  }
  return undefined;
}

/** What the hover at `position` is about, if anything. */
export function hoverTarget(document: vscode.TextDocument, models: readonly ModelReport[], position: vscode.Position): HoverTarget | undefined {
  const onName = models.find((m) => contains(m.nameRange, position));
  if (onName) return { kind: 'model', model: onName, range: toRange(onName.nameRange) };

  const lineText = document.lineAt(position.line).text;
  const indent = lineText.length - lineText.trimStart().length;
  const inCode = position.character >= indent && !lineText.trimStart().startsWith('#');

  if (inCode) {
    const layer = layerTarget(models, position.line);
    if (layer) {
      const range = new vscode.Range(position.line, indent, position.line, lineText.trimEnd().length);
      return { kind: 'layer', model: layer.model, rows: layer.rows, range };
    }
  }

  const statement = models.find((m) => STATEMENT_KINDS.has(m.kind) && contains(m.range, position));
  if (statement) return { kind: 'model', model: statement, range: toRange(statement.range) };

  const word = document.getWordRangeAtPosition(position, /[A-Za-z_][A-Za-z0-9_]*/);
  if (word) {
    const name = document.getText(word);
    const named = models.find((m) => NAMED_KINDS.has(m.kind) && m.name === name);
    if (named) return { kind: 'model', model: named, range: word };
  }
  return undefined;
}

export class ModelHoverProvider implements vscode.HoverProvider {
  constructor(private readonly analysis: AnalysisService) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    if (!this.analysis.isSupported(document) || !this.analysis.config(document.uri).hover.enabled) return undefined;
    const report = this.analysis.peek(document) ?? (await this.analysis.getReports(document));
    // The document may have changed while the analysis ran; VS Code then cancels this request.
    if (token.isCancellationRequested || report.models.length === 0 || position.line >= document.lineCount) return undefined;
    const target = hoverTarget(document, report.models, position);
    if (!target) return undefined;
    if (target.kind === 'layer') return new vscode.Hover(markdown(layerHoverMarkdown(target.model, target.rows)), target.range);
    const ref = modelRef(document.uri, target.model.name);
    const text = modelHoverMarkdown(target.model, { openPanelArgs: [ref], checkFitsArgs: [ref] });
    return new vscode.Hover(markdown(text), target.range);
  }
}

/** Hovers on Python files and notebook cells. */
export function registerHover(analysis: AnalysisService): vscode.Disposable {
  return vscode.languages.registerHoverProvider({ language: 'python' }, new ModelHoverProvider(analysis));
}
