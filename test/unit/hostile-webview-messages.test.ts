/**
 * Webview -> host: malformed, oversized and hostile messages (issue 9), each handed to
 * PanelSession.handleMessage, the handler the panel host registers on
 * webview.onDidReceiveMessage (src/vscode/panel/profilerPanel.ts). Each must be refused
 * without effect: no estimate, no remembered controls, no editor opened, no file saved,
 * nothing posted back, no change to Object.prototype; one log line says why. Messages
 * of a valid shape that name things the host did not offer (another file, another model,
 * a recommendation that does not exist) are refused by the host as well.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceSpec } from '../../src/core/hardware/types';
import type { ModelReport } from '../../src/core/report';
import { DEFAULT_CONTROLS } from '../../src/shared/controls';
import { LIMITS, type ControlsPatch, type CurvePoint, type HostToWebview, type ModelSummary, type PanelControls } from '../../src/shared/protocol';
import type { PanelChange, PanelDataSource } from '../../src/vscode/panel/dataSource';
import { PanelSession } from '../../src/vscode/panel/panelSession';

const FIXTURES = join(__dirname, '..', 'fixtures', 'reports');
const load = <T>(name: string): T => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;

const GPT: ModelSummary = { id: 'file:///w/gpt.py#GPT', name: 'GPT', kind: 'class', framework: 'pytorch', line: 81, file: 'gpt.py' };

interface Effects {
  estimates: Array<{ modelId: string; controls: PanelControls }>;
  posted: HostToWebview[];
  stored: Map<string, ControlsPatch | undefined>;
  reveals: unknown[];
  saved: string[];
  logs: string[];
}

function session(): { session: PanelSession; effects: Effects } {
  const effects: Effects = { estimates: [], posted: [], stored: new Map(), reveals: [], saved: [], logs: [] };
  const source: PanelDataSource = {
    listModels: async () => [GPT],
    preferredModelId: () => GPT.id,
    defaultControls: () => ({ ...DEFAULT_CONTROLS }),
    report: async (modelId, controls) => {
      effects.estimates.push({ modelId, controls });
      return modelId === GPT.id ? load<ModelReport>('gpt2-small.json') : undefined;
    },
    curve: async () => load<CurvePoint[]>('gpt2-small.batch-curve.json'),
    devices: async () => load<DeviceSpec[]>('devices.json'),
    targetChoices: () => [],
    hardware: () => undefined,
    documentUri: (id) => id.split('#')[0],
    onDidChange: (_l: (e: PanelChange) => unknown) => ({ dispose: () => undefined }),
  };
  const s = new PanelSession(
    { post: (m) => void effects.posted.push(m) },
    source,
    { get: (id) => effects.stored.get(id), set: (id, patch) => void effects.stored.set(id, patch) },
    {
      reveal: async (t) => void effects.reveals.push(t),
      saveFile: async (name) => {
        effects.saved.push(name);
        return name;
      },
      log: (m) => void effects.logs.push(m),
      themeKind: () => 'dark',
    },
    { refreshDebounceMs: 5 },
  );
  return { session: s, effects };
}

/** What a structured clone of JSON text gives the host: the form every webview message arrives in. */
const json = (text: string): unknown => JSON.parse(text);

const SCRIPT = '<img src=x onerror=alert(1)><script>alert(1)</script>';
const HUGE = 'x'.repeat(LIMITS.errorMessageLength * 1000);

/** Each hostile message and the reason the guard gives (src/shared/validate.ts). */
const REJECTED: Array<{ what: string; message: unknown; reason: string }> = [
  { what: 'null', message: null, reason: 'message must be an object' },
  { what: 'a string', message: '{"type":"ready"}', reason: 'message must be an object' },
  { what: 'a number', message: 42, reason: 'message must be an object' },
  { what: 'an array', message: [{ type: 'ready' }], reason: 'message must be an object' },
  { what: 'no type', message: { modelId: GPT.id }, reason: 'message.type must be a string' },
  { what: 'an unknown type', message: { type: 'eval', code: 'process.exit(1)' }, reason: 'unknown message type "eval"' },
  { what: 'a type that is script', message: { type: SCRIPT }, reason: 'unknown message type "<img src=x onerror=alert(1)><script>aler…"' },
  { what: 'a type of the other direction', message: { type: 'init', protocolVersion: 1 }, reason: 'unknown message type "init"' },
  { what: 'a number for the model id', message: { type: 'selectModel', modelId: 7 }, reason: 'message.modelId must be a string' },
  { what: 'an empty model id', message: { type: 'selectModel', modelId: '' }, reason: 'message.modelId must not be empty' },
  { what: 'an oversized model id', message: { type: 'selectModel', modelId: 'm'.repeat(LIMITS.idLength + 1) }, reason: 'message.modelId is longer than 1024 characters' },
  { what: 'a string for the batch', message: { type: 'setControls', modelId: GPT.id, controls: { batch: '8; rm -rf /' } }, reason: 'message.controls.batch must be a finite number' },
  { what: 'NaN for the batch', message: { type: 'setControls', modelId: GPT.id, controls: { batch: NaN } }, reason: 'message.controls.batch is not a finite number' },
  { what: 'Infinity for the batch', message: { type: 'setControls', modelId: GPT.id, controls: { batch: Infinity } }, reason: 'message.controls.batch is not a finite number' },
  { what: 'a BigInt for the batch', message: { type: 'setControls', modelId: GPT.id, controls: { batch: 10n ** 30n } }, reason: 'message.controls.batch is a bigint, not plain data' },
  { what: 'an unknown precision', message: { type: 'setControls', modelId: GPT.id, controls: { precision: SCRIPT } }, reason: 'message.controls.precision must be one of fp32, tf32, fp16-mixed, bf16-mixed, fp16, bf16, fp8, int8, int4, nf4' },
  { what: 'an unknown control', message: { type: 'setControls', modelId: GPT.id, controls: { pythonPath: '/bin/sh' } }, reason: 'message.controls has an unknown field "pythonPath"' },
  { what: '__proto__ in the controls', message: json(`{"type":"setControls","modelId":"${GPT.id}","controls":{"__proto__":{"batch":2,"polluted":true}}}`), reason: 'message.controls has a forbidden key "__proto__"' },
  { what: '__proto__ at the top', message: json('{"type":"ready","__proto__":{"polluted":true}}'), reason: 'message has a forbidden key "__proto__"' },
  { what: 'constructor.prototype', message: json(`{"type":"setControls","modelId":"${GPT.id}","controls":{"constructor":{"prototype":{"polluted":true}}}}`), reason: 'message.controls has a forbidden key "constructor"' },
  { what: 'prototype deep inside', message: json(`{"type":"setControls","modelId":"${GPT.id}","controls":{"input":[3,{"prototype":1}]}}`), reason: 'message.controls.input[1] has a forbidden key "prototype"' },
  { what: 'a fractional shape of a million dimensions', message: { type: 'setControls', modelId: GPT.id, controls: { input: Array.from({ length: 1_000_000 }, () => 0.5) } }, reason: 'message.controls.input has more than 512 items' },
  { what: 'deep nesting', message: { type: 'setControls', modelId: GPT.id, controls: { input: JSON.parse('['.repeat(5000) + ']'.repeat(5000)) } }, reason: 'message.controls.input[0][0][0][0] is nested deeper than 6 levels' },
  { what: 'too many devices', message: { type: 'setControls', modelId: GPT.id, controls: { targetDevices: Array.from({ length: LIMITS.targetDevices + 1 }, (_, i) => `d${i}`) } }, reason: 'message.controls.targetDevices has more than 64 items' },
  { what: 'a Map', message: { type: 'setControls', modelId: GPT.id, controls: new Map([['batch', 2]]) }, reason: 'message.controls is a Map, not plain data' },
  { what: 'a Date for the line', message: { type: 'revealLayer', modelId: GPT.id, line: new Date() }, reason: 'message.line is a Date, not plain data' },
  { what: 'a line that is not a number', message: { type: 'revealLayer', modelId: GPT.id, line: '1 || true' }, reason: 'message.line must be a finite number' },
  { what: 'an export format that is not one', message: { type: 'export', modelId: GPT.id, format: 'html' }, reason: 'message.format must be one of markdown, json, csv' },
  { what: 'a PNG that is HTML', message: { type: 'savePng', modelId: GPT.id, chartId: 'memory', dataUrl: `data:text/html,${SCRIPT}` }, reason: 'message.dataUrl must be a base64 PNG data URL' },
  { what: 'a chart id that is a path', message: { type: 'savePng', modelId: GPT.id, chartId: '../../.bashrc', dataUrl: 'data:image/png;base64,iVBORw0KGgo=' }, reason: 'message.chartId must be one of memory, whatif, formats' },
  { what: 'an oversized error message', message: { type: 'error', message: HUGE }, reason: 'message.message is longer than 4000 characters' },
  { what: 'extra fields', message: { type: 'ready', then: 'exportAll' }, reason: 'message has an unknown field "then"' },
  {
    what: 'a getter that throws',
    message: Object.defineProperty({ type: 'ready' }, 'modelId', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    }),
    reason: 'message.modelId is an accessor, not data',
  },
];

describe('hostile webview messages: refused by the panel host without effect', function () {
  this.timeout(30_000);

  for (const { what, message, reason } of REJECTED) {
    it(`refuses ${what}`, async () => {
      const { session: s, effects } = session();
      await s.handleMessage({ type: 'ready' });
      await s.idle();
      const before = { estimates: effects.estimates.length, posted: effects.posted.length };
      await s.handleMessage(message);
      await s.idle();
      assert.equal(effects.estimates.length, before.estimates, 'no estimate');
      assert.equal(effects.posted.length, before.posted, 'nothing posted back');
      assert.equal(effects.stored.size, 0, 'no controls remembered');
      assert.deepEqual(effects.reveals, []);
      assert.deepEqual(effects.saved, []);
      assert.equal(effects.logs.length, 1, effects.logs.join('\n'));
      assert.equal(effects.logs[0], `Profiler panel: rejected a message: ${reason}`);
      assert.ok(effects.logs[0]!.length < 1000, 'the log line stays short, whatever the message held');
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched');
      assert.equal(({} as Record<string, unknown>).batch, undefined, 'Object.prototype untouched');
      // The session still answers a valid message afterwards.
      await s.handleMessage({ type: 'setControls', modelId: GPT.id, controls: { batch: 4 } });
      await s.idle();
      assert.equal(effects.estimates.at(-1)?.controls.batch, 4);
    });
  }

  it('clamps huge numbers to the settings\' bounds before the engine sees them', async () => {
    const { session: s, effects } = session();
    await s.handleMessage({ type: 'ready' });
    await s.idle();
    await s.handleMessage({ type: 'setControls', modelId: GPT.id, controls: { batch: 1e308, gpuCount: -5, loraRank: 2 ** 60 } });
    await s.idle();
    const controls = effects.estimates.at(-1)!.controls;
    assert.equal(controls.batch, LIMITS.batch.max);
    assert.equal(controls.gpuCount, LIMITS.gpuCount.min);
    assert.equal(controls.loraRank, LIMITS.loraRank.max);
  });

  it('keeps script in strings as text: the error message is logged, nothing runs', async () => {
    const { session: s, effects } = session();
    await s.handleMessage({ type: 'error', message: SCRIPT });
    assert.deepEqual(effects.logs, [`Profiler panel (webview): ${SCRIPT}`]);
    assert.deepEqual(effects.posted, []);
  });

  describe('well-formed messages naming what the host did not offer', () => {
    it('opens no file the report does not name', async () => {
      const { session: s, effects } = session();
      await s.handleMessage({ type: 'ready' });
      await s.idle();
      await s.handleMessage({ type: 'revealLayer', modelId: GPT.id, line: 1, file: '/etc/passwd' });
      await s.handleMessage({ type: 'revealLayer', modelId: GPT.id, line: 1, file: '/w/../../etc/shadow' });
      await s.idle();
      assert.deepEqual(effects.reveals, []);
    });

    it('selects no model the host did not list, and estimates nothing for it', async () => {
      const { session: s, effects } = session();
      await s.handleMessage({ type: 'ready' });
      await s.idle();
      await s.handleMessage({ type: 'selectModel', modelId: 'file:///etc/passwd#root' });
      await s.handleMessage({ type: 'setControls', modelId: 'file:///etc/passwd#root', controls: { batch: 2 } });
      await s.handleMessage({ type: 'export', modelId: 'file:///etc/passwd#root', format: 'json' });
      await s.idle();
      // The picker is put back on the model shown, which is estimated again; the other never is.
      assert.deepEqual([...new Set(effects.estimates.map((e) => e.modelId))], [GPT.id]);
      assert.ok(effects.estimates.every((e) => e.controls.batch === DEFAULT_CONTROLS.batch));
      assert.deepEqual(effects.saved, []);
      assert.equal(effects.stored.size, 0);
    });

    it('applies no recommendation the report does not hold', async () => {
      const { session: s, effects } = session();
      await s.handleMessage({ type: 'ready' });
      await s.idle();
      const estimates = effects.estimates.length;
      await s.handleMessage({ type: 'applyRecommendation', modelId: GPT.id, deviceId: 'a100-80gb', recommendationId: 'batch=1e9' });
      await s.idle();
      assert.equal(effects.estimates.length, estimates);
      assert.equal(effects.stored.size, 0);
      const notices = effects.posted.filter((m) => m.type === 'notice');
      assert.deepEqual(notices.map((m) => m.type === 'notice' && m.message), ['That recommendation no longer applies: the estimate has changed.']);
    });
  });
});
