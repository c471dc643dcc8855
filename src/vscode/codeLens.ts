/**
 * A CodeLens above each model: "124.4M params · train 7.9 GB (b=8, bf16-mixed) · ✓ fits
 * RTX 4090". A click opens the profiler panel on that model. Lenses follow edits
 * (after the analysis debounce) and settings; modelProfiler.codeLens.enabled turns
 * them off.
 */
import * as vscode from 'vscode';
import { fitSummaryLine } from '../core/estimate/summary';
import { formatExact } from '../core/format';
import { OPEN_PANEL_COMMAND, codeLensTitle } from '../core/hoverText';
import { modelRef, type AnalysisService } from './analysis';

export class ModelCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly analysis: AnalysisService) {
    this.subscriptions = [
      analysis.onDidUpdate(() => this.emitter.fire()),
      analysis.onDidChangeConfig(() => this.emitter.fire()),
    ];
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!this.analysis.isSupported(document) || !this.analysis.config(document.uri).codeLens.enabled) return [];
    const report = this.analysis.peek(document) ?? (await this.analysis.getReports(document, { afterDebounce: true }));
    if (token.isCancellationRequested) return [];
    return report.models.map((m) => {
      const line = Math.min(m.nameRange.start.line, document.lineCount - 1);
      return new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
        title: codeLensTitle(m),
        tooltip: `${formatExact(m.params.total)} parameters. ${fitSummaryLine(m)}. Click to open the profiler panel.`,
        command: OPEN_PANEL_COMMAND,
        arguments: [modelRef(document.uri, m.name)],
      });
    });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }
}

export function registerCodeLens(analysis: AnalysisService): vscode.Disposable {
  const provider = new ModelCodeLensProvider(analysis);
  return vscode.Disposable.from(provider, vscode.languages.registerCodeLensProvider({ language: 'python' }, provider));
}
