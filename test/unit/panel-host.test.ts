/**
 * registerProfilerPanel against a stand-in of the `vscode` module: the panel's
 * options, its HTML and CSP, the handshake through a real PanelSession, the
 * serializer, and the editor actions. (The real editor runs it in the e2e suite.)
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import type { DeviceSpec } from '../../src/core/hardware/types';
import type { ModelReport } from '../../src/core/report';
import { DEFAULT_CONTROLS } from '../../src/shared/controls';
import type { HostToWebview, ModelSummary } from '../../src/shared/protocol';
import type { PanelChange, PanelDataSource } from '../../src/vscode/panel/dataSource';
import type * as PanelModule from '../../src/vscode/panel/profilerPanel';

const FIXTURES = join(__dirname, '..', 'fixtures', 'reports');
const load = <T>(name: string): T => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;

type Listener<T> = (e: T) => unknown;

class FakeUri {
  constructor(readonly scheme: string, readonly path: string) {}
  static file(path: string) {
    return new FakeUri('file', path);
  }
  static parse(value: string) {
    const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(value);
    return m ? new FakeUri(m[1], m[2].replace(/^[^/]*/, '')) : new FakeUri('file', value);
  }
  static joinPath(base: FakeUri, ...parts: string[]) {
    return new FakeUri(base.scheme, [base.path, ...parts].join('/'));
  }
  toString() {
    return `${this.scheme}://${this.path}`;
  }
}

class FakeEvent<T> {
  listeners: Array<Listener<T>> = [];
  event = (l: Listener<T>) => {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T) {
    for (const l of this.listeners) l(e);
  }
}

/** What the stand-in recorded. */
const calls: string[] = [];
const posted: HostToWebview[] = [];
const shown: Array<{ uri: string; line: number; column: unknown }> = [];
const written: Array<{ uri: string; text: string }> = [];
let serializer: { deserializeWebviewPanel(panel: unknown, state: unknown): Promise<void> } | undefined;

function fakePanel(viewType: string, options: Record<string, unknown>) {
  const received = new FakeEvent<unknown>();
  const disposed = new FakeEvent<void>();
  const viewState = new FakeEvent<{ webviewPanel: { visible: boolean } }>();
  let html = '';
  const webview = {
    options,
    cspSource: 'https://*.vscode-cdn.net',
    asWebviewUri: (u: FakeUri) => new FakeUri('https', `file+.vscode-resource.vscode-cdn.net${u.path}`),
    postMessage: async (m: HostToWebview) => {
      posted.push(m);
      return true;
    },
    onDidReceiveMessage: (l: Listener<unknown>) => {
      calls.push('onDidReceiveMessage');
      return received.event(l);
    },
    get html() {
      return html;
    },
    set html(v: string) {
      calls.push('html');
      html = v;
    },
  };
  return {
    viewType,
    webview,
    visible: true,
    reveal: () => calls.push('reveal'),
    onDidDispose: disposed.event,
    onDidChangeViewState: viewState.event,
    dispose: () => disposed.fire(),
    receive: (m: unknown) => received.fire(m),
  };
}
type FakePanel = ReturnType<typeof fakePanel>;
let created: Array<{ panel: FakePanel; title: string; column: unknown; options: Record<string, unknown> }> = [];

const activeEditor = new FakeEvent<unknown>();
const fakeVscode = {
  Uri: FakeUri,
  ViewColumn: { One: 1, Beside: -2 },
  ColorThemeKind: { Light: 1, Dark: 2, HighContrast: 3 },
  TextEditorRevealType: { InCenterIfOutsideViewport: 2 },
  Range: class {
    constructor(
      readonly startLine: number,
      readonly startChar: number,
      readonly endLine: number,
      readonly endChar: number,
    ) {}
  },
  window: {
    activeColorTheme: { kind: 3 },
    visibleTextEditors: [] as unknown[],
    onDidChangeActiveTextEditor: activeEditor.event,
    createWebviewPanel: (viewType: string, title: string, column: unknown, options: Record<string, unknown>) => {
      const panel = fakePanel(viewType, { ...options });
      created.push({ panel, title, column, options });
      return panel;
    },
    registerWebviewPanelSerializer: (viewType: string, s: typeof serializer) => {
      calls.push(`serializer:${viewType}`);
      serializer = s;
      return { dispose: () => calls.push('serializer disposed') };
    },
    showTextDocument: async (doc: { uri: FakeUri }, opts: { selection: { startLine: number }; viewColumn: unknown }) => {
      shown.push({ uri: doc.uri.toString(), line: opts.selection.startLine, column: opts.viewColumn });
      return { revealRange: () => undefined };
    },
    showSaveDialog: async (opts: { defaultUri?: FakeUri }) => opts.defaultUri,
  },
  workspace: {
    workspaceFolders: [{ uri: FakeUri.file('/w') }],
    getConfiguration: () => ({ get: (_k: string, d: unknown) => (_k === 'analysis.debounceMs' ? 5 : d) }),
    onDidChangeTextDocument: new FakeEvent<unknown>().event,
    onDidChangeConfiguration: new FakeEvent<unknown>().event,
    openTextDocument: async (uri: FakeUri) => ({
      uri,
      lineCount: 200,
      lineAt: (i: number) => ({ firstNonWhitespaceCharacterIndex: 4, range: { end: { character: 40 + i } } }),
    }),
    fs: {
      writeFile: async (uri: FakeUri, content: Uint8Array) => void written.push({ uri: uri.toString(), text: new TextDecoder().decode(content) }),
    },
    asRelativePath: (uri: FakeUri) => uri.path.replace(/^\/w\//, ''),
  },
};

const GPT: ModelSummary = { id: 'file:///w/gpt.py#GPT', name: 'GPT', kind: 'class', framework: 'pytorch', line: 81, file: 'gpt.py' };
const MLP: ModelSummary = { id: 'file:///w/mlp.py#MLP', name: 'MLP', kind: 'class', framework: 'pytorch', line: 4, file: 'mlp.py' };

const source: PanelDataSource = {
  listModels: async () => [GPT, MLP],
  preferredModelId: () => GPT.id,
  defaultControls: () => DEFAULT_CONTROLS,
  report: async (id) => load<ModelReport>(id === GPT.id ? 'gpt2-small.json' : 'mlp-mnist.json'),
  curve: async () => [],
  devices: async () => load<DeviceSpec[]>('devices.json'),
  targetChoices: () => [],
  hardware: () => undefined,
  documentUri: (id) => id.split('#')[0],
  onDidChange: new FakeEvent<PanelChange>().event,
};

const memento = new Map<string, unknown>();
const context = {
  extensionUri: FakeUri.file('/ext'),
  workspaceState: {
    get: (k: string) => memento.get(k),
    update: async (k: string, v: unknown) => void memento.set(k, v),
  },
  subscriptions: [] as unknown[],
};

const settle = () => new Promise((r) => setTimeout(r, 30));

describe('profiler panel host (stand-in vscode)', () => {
  let panelModule: typeof PanelModule;
  const resolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const originalResolve = resolver._resolveFilename;

  before(() => {
    resolver._resolveFilename = function (request: string, ...rest: unknown[]) {
      return request === 'vscode' ? 'vscode' : originalResolve.call(this, request, ...rest);
    };
    require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: fakeVscode } as unknown as NodeJS.Module;
    panelModule = require('../../src/vscode/panel/profilerPanel') as typeof PanelModule;
  });

  after(() => {
    resolver._resolveFilename = originalResolve;
    delete require.cache.vscode;
  });

  beforeEach(() => {
    calls.length = 0;
    posted.length = 0;
    shown.length = 0;
    written.length = 0;
    created = [];
  });

  it('creates the panel with scripts, local roots limited to dist/ and media/, and no retained context', async () => {
    const controller = panelModule.registerProfilerPanel(context as never, source, { log: () => undefined });
    assert.ok(calls.includes('serializer:modelProfiler.panel'));
    await controller.open();
    assert.equal(created.length, 1);
    const { panel, title, options } = created[0];
    assert.equal(panel.viewType, 'modelProfiler.panel');
    assert.equal(title, 'Model Profiler');
    assert.equal(options.enableScripts, true);
    assert.equal(options.retainContextWhenHidden, undefined);
    assert.deepEqual((options.localResourceRoots as FakeUri[]).map(String), ['file:///ext/dist', 'file:///ext/media']);
    assert.deepEqual((panel.webview.options.localResourceRoots as FakeUri[]).map(String), ['file:///ext/dist', 'file:///ext/media']);
    // The message listener is in place before the page can load and say `ready`.
    assert.ok(calls.indexOf('onDidReceiveMessage') < calls.indexOf('html'));
    controller.dispose();
  });

  it('writes the strict CSP with a fresh nonce per page', async () => {
    const controller = panelModule.registerProfilerPanel(context as never, source, { log: () => undefined });
    await controller.open();
    const first = created[0].panel.webview.html;
    created[0].panel.dispose();
    assert.equal(controller.isOpen, false);
    await controller.open();
    const second = created[1].panel.webview.html;
    const nonceOf = (html: string) => /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(html)?.[1];
    assert.equal(nonceOf(first)?.length, 24); // 18 random bytes in base64
    assert.notEqual(nonceOf(first), nonceOf(second));
    assert.ok(first.includes(`content="default-src 'none'; img-src https://*.vscode-cdn.net data:; style-src https://*.vscode-cdn.net; font-src https://*.vscode-cdn.net; script-src 'nonce-${nonceOf(first)}'"`));
    assert.ok(first.includes('src="https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js"'));
    controller.dispose();
  });

  it('answers ready with init, and reveals a layer in the editor', async () => {
    const controller = panelModule.registerProfilerPanel(context as never, source, { log: () => undefined });
    await controller.open();
    const { panel } = created[0];
    panel.receive({ type: 'ready' });
    await settle();
    const init = posted.find((m) => m.type === 'init');
    assert.equal(init?.type === 'init' && init.selectedModelId, GPT.id);
    assert.equal(init?.type === 'init' && init.theme, 'high-contrast');
    panel.receive({ type: 'revealLayer', modelId: GPT.id, line: 1, layerPath: 'transformer.h.0.mlp.c_fc' });
    await settle();
    // c_fc is on line 60 of the model's file (fixture); the editor counts from 0.
    assert.deepEqual(shown, [{ uri: 'file:///w/gpt.py', line: 59, column: 1 }]);
    controller.dispose();
  });

  it('exports through a save dialog and the workspace file system', async () => {
    const controller = panelModule.registerProfilerPanel(context as never, source, { log: () => undefined });
    await controller.open();
    const { panel } = created[0];
    panel.receive({ type: 'ready' });
    await settle();
    panel.receive({ type: 'export', modelId: GPT.id, format: 'csv' });
    await settle();
    assert.equal(written.length, 1);
    assert.equal(written[0].uri, 'file:///w/GPT.csv');
    assert.ok(written[0].text.startsWith('path,name,type,'));
    assert.deepEqual(posted.at(-1), { type: 'notice', level: 'info', message: 'Saved GPT.csv' });
    controller.dispose();
  });

  it('restores a panel after a reload on the model it showed', async () => {
    const controller = panelModule.registerProfilerPanel(context as never, source, { log: () => undefined });
    const panel = fakePanel('modelProfiler.panel', {});
    await serializer!.deserializeWebviewPanel(panel, { v: 1, selectedModelId: MLP.id, collapsed: {}, sort: null, shownTables: [], scrollY: 0 });
    assert.equal(panel.webview.options.enableScripts, true);
    assert.ok(panel.webview.html.includes("default-src 'none'"));
    panel.receive({ type: 'ready' });
    await settle();
    const init = posted.find((m) => m.type === 'init');
    assert.equal(init?.type === 'init' && init.selectedModelId, MLP.id);
    assert.equal(controller.isOpen, true);
    controller.dispose();
  });
});
