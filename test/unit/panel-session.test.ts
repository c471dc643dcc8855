import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceSpec } from '../../src/core/hardware/types';
import type { ModelReport } from '../../src/core/report';
import { DEFAULT_CONTROLS, optionsWithControls } from '../../src/shared/controls';
import type {
  ControlsPatch,
  CurvePoint,
  HostToWebview,
  InitMessage,
  ModelSummary,
  PanelControls,
  UpdateMessage,
} from '../../src/shared/protocol';
import type { PanelChange, PanelDataSource } from '../../src/vscode/panel/dataSource';
import { PanelSession, type PanelActions } from '../../src/vscode/panel/panelSession';

const FIXTURES = join(__dirname, '..', 'fixtures', 'reports');
const load = <T>(name: string): T => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;

// A 1×1 PNG as canvas.toDataURL encodes one.
const TINY_PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const GPT: ModelSummary = { id: 'file:///w/gpt.py#GPT', name: 'GPT', kind: 'class', framework: 'pytorch', line: 81, file: 'gpt.py' };
const MLP: ModelSummary = { id: 'file:///w/mlp.py#MLP', name: 'MLP', kind: 'class', framework: 'pytorch', line: 4, file: 'mlp.py' };

/** A data source over the fixtures; records what the session asked for. */
class FakeSource implements PanelDataSource {
  models: ModelSummary[] = [GPT, MLP];
  preferred: string | undefined = GPT.id;
  reportCalls: Array<{ modelId: string; controls: PanelControls }> = [];
  reportDelayMs = 0;
  failReport: string | undefined;
  private listeners: Array<(e: PanelChange) => unknown> = [];

  async listModels() {
    return [...this.models];
  }
  /** What the session passed as its selection on the last call. */
  preferredAsked: Array<string | undefined> = [];
  preferredModelId(current?: string) {
    this.preferredAsked.push(current);
    return this.preferred;
  }
  /** What the settings say, before the panel's own changes. */
  defaults: PanelControls = { ...DEFAULT_CONTROLS, targetDevices: ['a100-80gb'] };
  defaultControls(): PanelControls {
    return { ...this.defaults, targetDevices: [...this.defaults.targetDevices] };
  }
  async report(modelId: string, controls: PanelControls): Promise<ModelReport | undefined> {
    this.reportCalls.push({ modelId, controls });
    if (this.reportDelayMs > 0) await new Promise((r) => setTimeout(r, this.reportDelayMs));
    if (this.failReport) throw new Error(this.failReport);
    const base = load<ModelReport>(modelId === GPT.id ? 'gpt2-small.json' : 'mlp-mnist.json');
    if (!this.models.some((m) => m.id === modelId)) return undefined;
    return { ...base, options: optionsWithControls(base.options, controls) };
  }
  async curve(): Promise<CurvePoint[]> {
    return load<CurvePoint[]>('gpt2-small.batch-curve.json');
  }
  async devices(): Promise<DeviceSpec[]> {
    return load<DeviceSpec[]>('devices.json');
  }
  targetChoices() {
    return [{ id: 'a100-80gb', name: 'A100 80GB', memoryBytes: 85_899_345_920 }];
  }
  hardware() {
    return undefined;
  }
  documentUri(modelId: string) {
    return modelId.split('#')[0];
  }
  onDidChange = (listener: (e: PanelChange) => unknown) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(kind: PanelChange['kind']) {
    for (const l of this.listeners) l({ kind });
  }
  get listenerCount() {
    return this.listeners.length;
  }
}

interface Harness {
  session: PanelSession;
  source: FakeSource;
  posted: HostToWebview[];
  store: Map<string, ControlsPatch>;
  logs: string[];
  reveals: Array<{ documentUri?: string; file?: string; line: number }>;
  saved: Array<{ name: string; content: Uint8Array; extension: string }>;
}

function harness(opts: { initialModelId?: string; source?: FakeSource } = {}): Harness {
  const source = opts.source ?? new FakeSource();
  const posted: HostToWebview[] = [];
  const store = new Map<string, ControlsPatch>();
  const logs: string[] = [];
  const reveals: Harness['reveals'] = [];
  const saved: Harness['saved'] = [];
  const actions: PanelActions = {
    reveal: async (t) => void reveals.push(t),
    saveFile: async (name, content, filter) => {
      saved.push({ name, content, extension: filter.extension });
      return `out/${name}`;
    },
    log: (m) => void logs.push(m),
    themeKind: () => 'dark',
  };
  const session = new PanelSession(
    { post: (m) => void posted.push(m) },
    source,
    { get: (id) => store.get(id), set: (id, patch) => void (patch ? store.set(id, patch) : store.delete(id)) },
    actions,
    { initialModelId: opts.initialModelId, refreshDebounceMs: 5 },
  );
  return { session, source, posted, store, logs, reveals, saved };
}

const ofType = <T extends HostToWebview['type']>(posted: HostToWebview[], type: T) =>
  posted.filter((m): m is Extract<HostToWebview, { type: T }> => m.type === type);

async function ready(h: Harness): Promise<InitMessage> {
  await h.session.handleMessage({ type: 'ready' });
  await h.session.idle();
  const init = ofType(h.posted, 'init').at(-1);
  assert.ok(init, 'init posted');
  return init;
}

describe('panel session: handshake', () => {
  it('posts nothing before ready, then init with everything the panel needs', async () => {
    const h = harness();
    h.source.fire('document');
    h.source.fire('settings');
    await h.session.idle();
    assert.deepEqual(h.posted, []);
    const init = await ready(h);
    assert.equal(h.posted[0], init);
    assert.equal(init.protocolVersion, 1);
    assert.deepEqual(init.models.map((m) => m.id), [GPT.id, MLP.id]);
    assert.equal(init.selectedModelId, GPT.id);
    // GPT-2 small: 124,439,808 parameters (published count).
    assert.equal(init.report?.params.total, 124_439_808);
    assert.equal(init.curve?.axis, 'batch');
    assert.equal(init.curve?.points.length, 7);
    assert.deepEqual(init.controls, { ...DEFAULT_CONTROLS, targetDevices: ['a100-80gb'] });
    assert.deepEqual(init.devices.map((d) => d.id), ['local-gpu-0', 'local-cpu', 'a100-80gb']);
    assert.equal(init.theme, 'dark');
    assert.equal(init.emptyReason, undefined);
  });

  it('opens on the model the serializer remembered', async () => {
    const init = await ready(harness({ initialModelId: MLP.id }));
    assert.equal(init.selectedModelId, MLP.id);
    // The MLP of the fixtures: 235,402 parameters (torch 1.13).
    assert.equal(init.report?.params.total, 235_402);
  });

  it('falls back to the preferred model when the remembered one is gone', async () => {
    const init = await ready(harness({ initialModelId: 'file:///w/deleted.py#Old' }));
    assert.equal(init.selectedModelId, GPT.id);
  });

  it('says why there is no report when no editor has a model', async () => {
    const source = new FakeSource();
    source.models = [];
    source.preferred = undefined;
    const init = await ready(harness({ source }));
    assert.equal(init.report, undefined);
    assert.match(init.emptyReason ?? '', /^No PyTorch or Keras models in the open editors/);
  });

  it('says why when the estimate fails, instead of a blank panel', async () => {
    const source = new FakeSource();
    source.failReport = 'budget exhausted';
    const h = harness({ source });
    const init = await ready(h);
    assert.equal(init.emptyReason, 'Could not estimate this model: budget exhausted');
    assert.ok(h.logs.some((l) => l.includes('estimate failed')));
  });

  it('sends a fresh init when the page comes back after being hidden', async () => {
    const h = harness();
    await ready(h);
    h.session.onVisibilityChanged(false);
    h.posted.length = 0;
    h.source.fire('document');
    await h.session.idle();
    assert.equal(h.posted.length, 0, 'a hidden page gets nothing');
    await ready(h);
    assert.deepEqual(h.posted.map((m) => m.type), ['init']);
  });

  it('stops listening when disposed', async () => {
    const h = harness();
    await ready(h);
    h.session.dispose();
    assert.equal(h.source.listenerCount, 0);
    h.posted.length = 0;
    await h.session.handleMessage({ type: 'setControls', modelId: GPT.id, controls: { batch: 4 } });
    assert.deepEqual(h.posted, []);
  });
});

describe('panel session: controls', () => {
  it('merges a patch, remembers what differs from the settings, and posts the new report', async () => {
    const h = harness();
    await ready(h);
    h.posted.length = 0;
    await h.session.handleMessage({ type: 'setControls', modelId: GPT.id, controls: { batch: 16, precision: 'bf16-mixed' } });
    await h.session.idle();
    assert.deepEqual(h.store.get(GPT.id), { batch: 16, precision: 'bf16-mixed' });
    const update = ofType(h.posted, 'update').at(-1) as UpdateMessage;
    assert.equal(update.modelId, GPT.id);
    assert.equal(update.controls.batch, 16);
    assert.equal(update.report.options.batch, 16);
    assert.equal(update.report.options.precision, 'bf16-mixed');
    assert.deepEqual(h.posted[0], { type: 'busy', busy: true });
    // A second patch keeps the first.
    await h.session.handleMessage({ type: 'setControls', modelId: GPT.id, controls: { gradientCheckpointing: true } });
    await h.session.idle();
    assert.deepEqual(h.store.get(GPT.id), { batch: 16, precision: 'bf16-mixed', gradientCheckpointing: true });
  });

  it('clamps huge numbers before the engine sees them, and logs it', async () => {
    const h = harness();
    await ready(h);
    await h.session.handleMessage({ type: 'setControls', modelId: GPT.id, controls: { batch: 1e12 } });
    await h.session.idle();
    assert.equal(h.source.reportCalls.at(-1)?.controls.batch, 1_048_576);
    assert.ok(h.logs.includes('Profiler panel: clamped message.controls.batch 1000000000000 -> 1048576'));
  });

  it('rejects hostile messages without touching state', async () => {
    const h = harness();
    await ready(h);
    const calls = h.source.reportCalls.length;
    await h.session.handleMessage(JSON.parse(`{"type":"setControls","modelId":"${GPT.id}","controls":{"__proto__":{"batch":2}}}`));
    await h.session.handleMessage({ type: 'setControls', modelId: GPT.id, controls: { batch: '8; rm -rf /' } });
    await h.session.handleMessage({ type: 'eval', code: 'process.exit()' });
    await h.session.idle();
    assert.equal(h.source.reportCalls.length, calls);
    assert.equal(h.store.size, 0);
    assert.deepEqual(h.logs, [
      'Profiler panel: rejected a message: message.controls has a forbidden key "__proto__"',
      'Profiler panel: rejected a message: message.controls.batch must be a finite number',
      'Profiler panel: rejected a message: unknown message type "eval"',
    ]);
  });

  it('keeps both of two quick patches when the store persists later', async () => {
    const source = new FakeSource();
    const persisted = new Map<string, ControlsPatch>();
    const posted: HostToWebview[] = [];
    const session = new PanelSession(
      { post: (m) => void posted.push(m) },
      source,
      // Like a Memento whose update lands after a while.
      { get: (id) => persisted.get(id), set: (id, patch) => new Promise<void>((r) => setTimeout(() => (patch && persisted.set(id, patch), r()), 10)) },
      { reveal: async () => {}, saveFile: async () => undefined, log: () => {}, themeKind: () => 'light' },
      { refreshDebounceMs: 1 },
    );
    await session.handleMessage({ type: 'ready' });
    await Promise.all([
      session.handleMessage({ type: 'setControls', modelId: GPT.id, controls: { batch: 2 } }),
      session.handleMessage({ type: 'setControls', modelId: GPT.id, controls: { optimizer: 'sgd' } }),
    ]);
    await session.idle();
    assert.deepEqual(persisted.get(GPT.id), { batch: 2, optimizer: 'sgd' });
    const last = ofType(posted, 'update').at(-1) as UpdateMessage;
    assert.deepEqual([last.controls.batch, last.controls.optimizer], [2, 'sgd']);
  });

  it('checks remembered controls from an older version like a message', async () => {
    const h = harness();
    h.store.set(GPT.id, { batch: 5e9, precision: 'fp64', colour: 'red' } as unknown as ControlsPatch);
    const init = await ready(h);
    assert.equal(init.controls?.batch, 1_048_576);
    assert.equal(init.controls?.precision, DEFAULT_CONTROLS.precision);
  });

  it('ignores controls for a model that is not shown', async () => {
    const h = harness();
    await ready(h);
    await h.session.handleMessage({ type: 'setControls', modelId: MLP.id, controls: { batch: 2 } });
    assert.equal(h.store.size, 0);
  });

  it('runs one estimate at a time and posts only the newest result', async () => {
    const h = harness();
    await ready(h);
    h.source.reportDelayMs = 20;
    h.source.reportCalls.length = 0;
    h.posted.length = 0;
    await Promise.all([1, 2, 3, 4, 5].map((b) => h.session.handleMessage({ type: 'setControls', modelId: GPT.id, controls: { batch: b } })));
    await h.session.idle();
    const updates = ofType(h.posted, 'update');
    assert.deepEqual(updates.map((u) => u.controls.batch), [5]);
    assert.ok(h.source.reportCalls.length <= 2, `${h.source.reportCalls.length} estimates`);
  });

  it('forgets a model\'s controls on reset', async () => {
    const h = harness();
    await ready(h);
    await h.session.handleMessage({ type: 'setControls', modelId: GPT.id, controls: { batch: 64 } });
    await h.session.handleMessage({ type: 'resetControls', modelId: GPT.id });
    await h.session.idle();
    assert.equal(h.store.has(GPT.id), false);
    assert.equal((ofType(h.posted, 'update').at(-1) as UpdateMessage).controls.batch, DEFAULT_CONTROLS.batch);
  });

  it('applies a recommendation from its own report, not from the message', async () => {
    const h = harness();
    await ready(h);
    await h.session.handleMessage({ type: 'applyRecommendation', modelId: GPT.id, deviceId: 'local-gpu-0', recommendationId: 'gradient-checkpointing' });
    await h.session.idle();
    // The fixture's recommendation sets { gradientCheckpointing: true }.
    assert.deepEqual(h.store.get(GPT.id), { gradientCheckpointing: true });
    assert.deepEqual(ofType(h.posted, 'notice').at(-1), { type: 'notice', level: 'info', message: 'Applied: Turn on gradient checkpointing' });
    await h.session.handleMessage({ type: 'applyRecommendation', modelId: GPT.id, deviceId: 'local-gpu-0', recommendationId: 'buy-a-bigger-gpu' });
    assert.deepEqual(ofType(h.posted, 'notice').at(-1), {
      type: 'notice',
      level: 'error',
      message: 'That recommendation no longer applies: the estimate has changed.',
    });
  });
});

describe('panel session: following the editor', () => {
  it('follows the active editor to its model', async () => {
    const h = harness();
    await ready(h);
    h.posted.length = 0;
    h.source.preferred = MLP.id;
    h.source.fire('activeEditor');
    await h.session.idle();
    assert.deepEqual(h.posted.map((m) => m.type), ['modelsChanged', 'busy', 'update']);
    assert.equal((h.posted[0] as { selectedModelId?: string }).selectedModelId, MLP.id);
    assert.equal((h.posted[2] as UpdateMessage).modelId, MLP.id);
  });

  it('tells the data source which model it shows, so a return to that document keeps it', async () => {
    const h = harness();
    await ready(h);
    h.source.preferredAsked.length = 0;
    h.source.fire('activeEditor');
    await h.session.idle();
    assert.deepEqual(h.source.preferredAsked, [GPT.id]);
  });

  it('keeps its model when the active editor has none (the panel itself has focus)', async () => {
    const h = harness();
    await ready(h);
    h.source.preferred = undefined;
    h.source.fire('activeEditor');
    await h.session.idle();
    assert.equal(h.session.selectedModelId, GPT.id);
  });

  it('re-estimates at changed settings, keeping the controls the person changed in the panel', async () => {
    const h = harness();
    await ready(h);
    await h.session.handleMessage({ type: 'setControls', modelId: GPT.id, controls: { precision: 'bf16-mixed' } });
    await h.session.idle();
    // modelProfiler.batchSize goes from 8 to 32 in the settings.
    h.source.defaults = { ...h.source.defaults, batch: 32 };
    const calls = h.source.reportCalls.length;
    h.source.fire('settings');
    await h.session.idle();
    assert.equal(h.source.reportCalls.length, calls + 1, 'one re-estimate for the settings change');
    const update = ofType(h.posted, 'update').at(-1);
    assert.deepEqual([update?.controls.batch, update?.controls.precision], [32, 'bf16-mixed']);
    assert.equal(update?.report.options.batch, 32);
  });

  it('re-estimates once for a burst of edits', async () => {
    const h = harness();
    await ready(h);
    const calls = h.source.reportCalls.length;
    for (let i = 0; i < 10; i++) h.source.fire('document');
    await h.session.idle();
    assert.equal(h.source.reportCalls.length, calls + 1);
  });

  it('moves to another model when the shown one disappears', async () => {
    const h = harness();
    await ready(h);
    h.source.models = [MLP];
    h.source.preferred = MLP.id;
    h.source.fire('document');
    await h.session.idle();
    assert.equal(h.session.selectedModelId, MLP.id);
  });

  it('refuses to select a model that is not in the list', async () => {
    const h = harness();
    await ready(h);
    h.posted.length = 0;
    await h.session.handleMessage({ type: 'selectModel', modelId: 'file:///etc/passwd#x' });
    await h.session.idle();
    assert.deepEqual(h.posted.map((m) => m.type), ['modelsChanged', 'busy', 'update']);
    assert.equal((h.posted[2] as UpdateMessage).modelId, GPT.id);
    assert.equal(h.session.selectedModelId, GPT.id);
  });
});

describe('panel session: reveal, export, save', () => {
  it('reveals a layer at the host\'s own line for its path', async () => {
    const h = harness();
    await ready(h);
    await h.session.handleMessage({ type: 'revealLayer', modelId: GPT.id, line: 9999, layerPath: 'transformer.h.0.attn.c_attn' });
    assert.deepEqual(h.reveals, [{ documentUri: 'file:///w/gpt.py', file: undefined, line: 33 }]);
  });

  it('reveals a finding line in the model\'s document', async () => {
    const h = harness();
    await ready(h);
    await h.session.handleMessage({ type: 'revealLayer', modelId: GPT.id, line: 96 });
    assert.deepEqual(h.reveals, [{ documentUri: 'file:///w/gpt.py', file: undefined, line: 96 }]);
  });

  it('refuses to open a file the report does not name', async () => {
    const h = harness();
    await ready(h);
    await h.session.handleMessage({ type: 'revealLayer', modelId: GPT.id, line: 1, file: '/home/user/.ssh/id_rsa' });
    assert.deepEqual(h.reveals, []);
    assert.ok(h.logs.some((l) => l.startsWith('Profiler panel: refused to reveal a file the report does not name')));
  });

  it('exports the report as Markdown, JSON and CSV', async () => {
    const h = harness();
    await ready(h);
    for (const format of ['markdown', 'json', 'csv'] as const) await h.session.handleMessage({ type: 'export', modelId: GPT.id, format });
    assert.deepEqual(h.saved.map((s) => s.name), ['GPT.md', 'GPT.json', 'GPT.csv']);
    const text = (i: number) => new TextDecoder().decode(h.saved[i].content);
    assert.ok(text(0).startsWith('# GPT\n'));
    assert.equal(JSON.parse(text(1)).params.total, 124_439_808);
    assert.ok(text(2).startsWith('path,name,type,depth,line,'));
    assert.deepEqual(ofType(h.posted, 'notice').at(-1), { type: 'notice', level: 'info', message: 'Saved out/GPT.csv' });
  });

  it('saves a chart PNG after checking it is one', async () => {
    const h = harness();
    await ready(h);
    await h.session.handleMessage({ type: 'savePng', modelId: GPT.id, chartId: 'whatif', dataUrl: TINY_PNG });
    assert.equal(h.saved[0].name, 'GPT-what-if.png');
    assert.deepEqual([...h.saved[0].content.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    // Well-formed base64 that is not a PNG ("hello world!").
    await h.session.handleMessage({ type: 'savePng', modelId: GPT.id, chartId: 'memory', dataUrl: 'data:image/png;base64,aGVsbG8gd29ybGQh' });
    assert.equal(h.saved.length, 1);
    assert.deepEqual(ofType(h.posted, 'notice').at(-1), { type: 'notice', level: 'error', message: 'The chart image could not be read.' });
  });

  it('logs errors the webview reports', async () => {
    const h = harness();
    await ready(h);
    await h.session.handleMessage({ type: 'error', message: 'TypeError: x is undefined' });
    assert.deepEqual(h.logs, ['Profiler panel (webview): TypeError: x is undefined']);
  });
});
