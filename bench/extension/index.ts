/**
 * The extension-host share of `npm run bench`: runs inside a real VS Code extension
 * host (code-server, started by scripts/bench.mjs like the integration suite) and
 * measures what a user feels there:
 *   - activation: `Extension.activate()` wall time (loading the bundle and running
 *     activate()) and activate()'s own figure;
 *   - the first hover after opening a model file (parser load and first analysis);
 *   - hover latency on an unchanged document, and right after a one-character edit
 *     inside the hovered class, through `vscode.executeHoverProvider`.
 * The figures go to `.bench/extension.json` in the workspace folder.
 */
import * as vscode from 'vscode';

/** `publisher.name` of the extension under test (package.json). */
const EXTENSION_ID = 'model-resource-profiler.model-resource-profiler';
/** The documents hovered, with the class whose name is hovered (copied into the workspace by the launcher). */
const TARGETS = [
  { file: 'gpt.py', model: 'GPT' },
  { file: 'resnet.py', model: 'ResNet' },
];
const UNCHANGED_RUNS = 30;
const EDITED_RUNS = 15;
const FIRST_HOVER_TIMEOUT_MS = 60_000;

interface Summary {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

function summarize(xs: number[]): Summary {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  const median = s.length === 0 ? NaN : s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
  const p95 = s.length === 0 ? NaN : s[Math.min(s.length, Math.ceil(0.95 * s.length)) - 1]!;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { n: s.length, median: r(median), p95: r(p95), min: r(s[0] ?? NaN), max: r(s[s.length - 1] ?? NaN) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function hoverText(hovers: vscode.Hover[] | undefined): string {
  const parts: string[] = [];
  for (const h of hovers ?? []) {
    for (const c of h.contents) parts.push(typeof c === 'string' ? c : 'value' in c ? c.value : '');
  }
  return parts.join('\n').trim();
}

async function hover(uri: vscode.Uri, at: vscode.Position): Promise<[string, number]> {
  const t = performance.now();
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, at);
  return [hoverText(hovers), performance.now() - t];
}

/** Where the class name is written: `class GPT(` -> the position of `GPT`. */
function classNamePosition(doc: vscode.TextDocument, model: string): vscode.Position {
  const at = doc.getText().search(new RegExp(`^class ${model}\\b`, 'm'));
  if (at < 0) throw new Error(`class ${model} not found in ${doc.uri.fsPath}`);
  return doc.positionAt(at + 'class '.length + 1);
}

/** What the extension's analysis holds for a document, where its API offers it (to explain a missing hover). */
interface AnalysisPeek {
  peek?(document: vscode.TextDocument, options?: { allowStale?: boolean }): { models?: unknown[]; findings?: Array<{ code: string; message: string }> } | undefined;
}

function analysisState(api: { analysis?: AnalysisPeek } | undefined, doc: vscode.TextDocument): string | undefined {
  const report = api?.analysis?.peek?.(doc, { allowStale: true });
  if (!report) return undefined;
  const findings = (report.findings ?? []).slice(0, 3).map((f) => `${f.code}: ${f.message}`);
  return `${report.models?.length ?? 0} models; findings: ${findings.join(' | ') || 'none'}`;
}

async function measureDocument(folder: vscode.Uri, target: { file: string; model: string }, api: { analysis?: AnalysisPeek } | undefined) {
  const uri = vscode.Uri.joinPath(folder, target.file);
  const opened = performance.now();
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc);
  const at = classNamePosition(doc, target.model);

  // First answer with content: the parser loads and the file is analysed for the first time.
  let text = '';
  let firstHoverMs = NaN;
  while (performance.now() - opened < FIRST_HOVER_TIMEOUT_MS) {
    [text] = await hover(uri, at);
    if (text) {
      firstHoverMs = performance.now() - opened;
      break;
    }
    await sleep(20);
  }
  if (!text) {
    const state = analysisState(api, doc);
    const note = `no hover over the class name within ${FIRST_HOVER_TIMEOUT_MS / 1000} s${state ? `; the extension's analysis holds ${state}` : ''}`;
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    return { file: target.file, model: target.model, hoverAvailable: false, note };
  }

  const unchanged: number[] = [];
  for (let i = 0; i < UNCHANGED_RUNS; i++) unchanged.push((await hover(uri, at))[1]);

  // Type into a comment at the top of the class body: a new version whose model text changed.
  const line = at.line + 1;
  await editor.edit((e) => e.insert(new vscode.Position(line, 0), '    # edited\n'));
  const edited: number[] = [];
  let answeredAfterEdit = 0;
  for (let i = 0; i < EDITED_RUNS; i++) {
    const ok = await editor.edit((e) => e.insert(new vscode.Position(line, '    # edited'.length), 'x'));
    if (!ok) throw new Error('the edit was not applied');
    const [t, ms] = await hover(uri, at);
    edited.push(ms);
    if (t) answeredAfterEdit++;
    await sleep(50);
  }
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  return {
    file: target.file,
    model: target.model,
    hoverAvailable: true,
    hoverPreview: text.split('\n').slice(0, 3).join(' | '),
    firstHoverMs: Math.round(firstHoverMs * 1000) / 1000,
    unchangedMs: summarize(unchanged),
    editedMs: summarize(edited),
    answeredAfterEdit: `${answeredAfterEdit}/${EDITED_RUNS}`,
  };
}

export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) throw new Error('the benchmark opens a workspace folder');
  const ext = vscode.extensions.getExtension<{ activationMs?: number; analysis?: AnalysisPeek }>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded in the extension host`);

  const wasActive = ext.isActive;
  const t = performance.now();
  const api = await ext.activate();
  const activateWallMs = performance.now() - t;

  const documents = [];
  for (const target of TARGETS) documents.push(await measureDocument(folder, target, api));

  const result = {
    vscodeVersion: vscode.version,
    activation: { wasActiveBefore: wasActive, activateWallMs: Math.round(activateWallMs * 1000) / 1000, activateBodyMs: api?.activationMs ?? null },
    documents,
  };
  const out = vscode.Uri.joinPath(folder, '.bench', 'extension.json');
  await vscode.workspace.fs.writeFile(out, new TextEncoder().encode(JSON.stringify(result, null, 2)));
}
