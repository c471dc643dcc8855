import { strict as assert } from 'node:assert';
import { LIMITS, type WebviewToHost } from '../../src/shared/protocol';
import { sanitizeControlsPatch, validateWebviewMessage } from '../../src/shared/validate';

/** The message when accepted; fails the test with the reason otherwise. */
function accept(raw: unknown): { value: WebviewToHost; adjusted: string[] } {
  const r = validateWebviewMessage(raw);
  if (!r.ok) assert.fail(`rejected: ${r.reason}`);
  return { value: r.value, adjusted: r.adjusted };
}

function reject(raw: unknown): string {
  const r = validateWebviewMessage(raw);
  if (r.ok) assert.fail(`accepted a message of type ${String((r.value as { type: unknown }).type)}`);
  return r.reason;
}

// A 1×1 transparent PNG, as canvas.toDataURL encodes one.
const TINY_PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe('protocol guards: valid messages', () => {
  it('accepts every message type the webview sends', () => {
    const valid: WebviewToHost[] = [
      { type: 'ready' },
      { type: 'selectModel', modelId: 'file:///w/model.py#GPT' },
      { type: 'setControls', modelId: 'm', controls: { batch: 16, mode: 'infer', precision: 'bf16-mixed' } },
      { type: 'resetControls', modelId: 'm' },
      { type: 'revealLayer', modelId: 'm', line: 33, layerPath: 'transformer.h.0.attn.c_attn' },
      { type: 'revealLayer', modelId: 'm', line: 5, file: '/w/layers.py' },
      { type: 'applyRecommendation', modelId: 'm', deviceId: 'local-gpu-0', recommendationId: 'gradient-checkpointing' },
      { type: 'export', modelId: 'm', format: 'markdown' },
      { type: 'export', modelId: 'm', format: 'csv' },
      { type: 'savePng', modelId: 'm', chartId: 'memory', dataUrl: TINY_PNG },
      { type: 'error', message: 'TypeError: x is undefined' },
    ];
    for (const msg of valid) assert.deepEqual(accept(msg).value, msg);
  });

  it('accepts a full controls patch and keeps every value', () => {
    const controls = {
      mode: 'train',
      batch: 32,
      seq: 2048,
      input: [3, 224, 224],
      precision: 'nf4',
      optimizer: 'adam-8bit',
      gradientCheckpointing: true,
      attention: 'flash',
      fineTuning: 'qlora',
      loraRank: 64,
      sharding: 'zero3',
      gpuCount: 8,
      cpuOffload: true,
      targetDevices: ['a100-80gb', 'h100-sxm'],
      curveAxis: 'seq',
    };
    const { value, adjusted } = accept({ type: 'setControls', modelId: 'm', controls });
    assert.deepEqual(value, { type: 'setControls', modelId: 'm', controls });
    assert.deepEqual(adjusted, []);
  });

  it('takes null for "the model default" sequence length and input shape', () => {
    const { value } = accept({ type: 'setControls', modelId: 'm', controls: { seq: null, input: null } });
    assert.deepEqual(value, { type: 'setControls', modelId: 'm', controls: { seq: null, input: null } });
  });

  it('treats fields holding undefined as absent (structured clone keeps them)', () => {
    const { value } = accept({ type: 'revealLayer', modelId: 'm', line: 3, file: undefined });
    assert.deepEqual(value, { type: 'revealLayer', modelId: 'm', line: 3 });
  });

  it('returns a fresh object, not the input', () => {
    const raw = { type: 'selectModel', modelId: 'm' };
    const { value } = accept(raw);
    assert.notEqual(value, raw);
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
  });

  it('removes duplicate target devices', () => {
    const { value } = accept({ type: 'setControls', modelId: 'm', controls: { targetDevices: ['a', 'b', 'a'] } });
    assert.deepEqual((value as { controls: { targetDevices: string[] } }).controls.targetDevices, ['a', 'b']);
  });
});

describe('protocol guards: numbers are clamped', () => {
  const controlsOf = (controls: Record<string, unknown>) => {
    const r = accept({ type: 'setControls', modelId: 'm', controls });
    return { controls: (r.value as { controls: Record<string, unknown> }).controls, adjusted: r.adjusted };
  };

  it('clamps batch to 1..1,048,576 (the modelProfiler.batchSize setting bounds)', () => {
    assert.equal(controlsOf({ batch: 1e12 }).controls.batch, 1_048_576);
    assert.equal(controlsOf({ batch: 0 }).controls.batch, 1);
    assert.equal(controlsOf({ batch: -5 }).controls.batch, 1);
    assert.equal(controlsOf({ batch: Number.MAX_VALUE }).controls.batch, 1_048_576);
    assert.deepEqual(controlsOf({ batch: 1e12 }).adjusted, ['message.controls.batch 1000000000000 -> 1048576']);
  });

  it('rounds fractions and clamps the other numeric controls', () => {
    assert.equal(controlsOf({ batch: 2.6 }).controls.batch, 3);
    assert.equal(controlsOf({ seq: 1e9 }).controls.seq, LIMITS.seq.max);
    assert.equal(controlsOf({ loraRank: 1e6 }).controls.loraRank, 4096);
    assert.equal(controlsOf({ gpuCount: 0 }).controls.gpuCount, 1);
    assert.deepEqual(controlsOf({ input: [3, 1e9, -1] }).controls.input, [3, LIMITS.inputDim.max, 1]);
  });

  it('clamps line numbers of revealLayer', () => {
    const { value } = accept({ type: 'revealLayer', modelId: 'm', line: -3 });
    assert.equal((value as { line: number }).line, 1);
  });
});

describe('protocol guards: hostile and malformed messages are rejected', () => {
  it('rejects non-objects', () => {
    for (const raw of [null, undefined, 42, 'ready', true, [], [{ type: 'ready' }]]) {
      assert.match(reject(raw), /message must be an object|message is a/);
    }
  });

  it('rejects unknown and missing types', () => {
    assert.equal(reject({ type: 'runCommand', command: 'rm -rf /' }), 'unknown message type "runCommand"');
    assert.equal(reject({}), 'message.type must be a string');
    assert.equal(reject({ type: 7 }), 'message.type must be a string');
    // A type that is an Object.prototype member must not pass the lookup.
    assert.equal(reject({ type: 'toString' }), 'unknown message type "toString"');
    assert.equal(reject({ type: 'hasOwnProperty' }), 'unknown message type "hasOwnProperty"');
  });

  it('rejects wrong field types', () => {
    assert.equal(reject({ type: 'selectModel', modelId: 5 }), 'message.modelId must be a string');
    assert.equal(reject({ type: 'setControls', modelId: 'm', controls: { batch: '8' } }), 'message.controls.batch must be a finite number');
    assert.equal(
      reject({ type: 'setControls', modelId: 'm', controls: { gradientCheckpointing: 'yes' } }),
      'message.controls.gradientCheckpointing must be true or false',
    );
    assert.match(reject({ type: 'setControls', modelId: 'm', controls: { precision: 'fp64' } }), /^message\.controls\.precision must be one of fp32, /);
    assert.equal(reject({ type: 'setControls', modelId: 'm', controls: [] }), 'message.controls must be an object');
    assert.equal(reject({ type: 'setControls', modelId: 'm', controls: { input: [] } }), 'message.controls.input needs at least 1 item');
    assert.equal(reject({ type: 'export', modelId: 'm', format: 'html' }), 'message.format must be one of markdown, json, csv');
  });

  it('rejects missing required fields and empty ids', () => {
    assert.equal(reject({ type: 'selectModel' }), 'message.modelId is missing');
    assert.equal(reject({ type: 'selectModel', modelId: '' }), 'message.modelId must not be empty');
    assert.equal(reject({ type: 'revealLayer', modelId: 'm' }), 'message.line is missing');
    assert.equal(reject({ type: 'savePng', modelId: 'm', chartId: 'memory' }), 'message.dataUrl is missing');
  });

  it('rejects unknown fields instead of carrying them along', () => {
    assert.equal(reject({ type: 'ready', extra: 1 }), 'message has an unknown field "extra"');
    assert.equal(reject({ type: 'setControls', modelId: 'm', controls: { headroom: 0 } }), 'message.controls has an unknown field "headroom"');
  });

  it('rejects NaN and Infinity', () => {
    assert.equal(reject({ type: 'setControls', modelId: 'm', controls: { batch: NaN } }), 'message.controls.batch is not a finite number');
    assert.equal(reject({ type: 'setControls', modelId: 'm', controls: { batch: Infinity } }), 'message.controls.batch is not a finite number');
    assert.equal(reject({ type: 'revealLayer', modelId: 'm', line: -Infinity }), 'message.line is not a finite number');
  });

  it('rejects __proto__, constructor and prototype keys at any depth', () => {
    // JSON.parse makes "__proto__" an own key, as structured clone does.
    assert.equal(reject(JSON.parse('{"type":"ready","__proto__":{"polluted":true}}')), 'message has a forbidden key "__proto__"');
    assert.equal(
      reject(JSON.parse('{"type":"setControls","modelId":"m","controls":{"__proto__":{"batch":1}}}')),
      'message.controls has a forbidden key "__proto__"',
    );
    assert.equal(reject({ type: 'selectModel', modelId: 'm', constructor: { prototype: {} } }), 'message has a forbidden key "constructor"');
    assert.equal(
      reject({ type: 'setControls', modelId: 'm', controls: { targetDevices: [{ prototype: 1 }] } }),
      'message.controls.targetDevices[0] has a forbidden key "prototype"',
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('rejects objects that are not plain data', () => {
    assert.equal(reject({ type: 'selectModel', modelId: new String('m') }), 'message.modelId is a String, not plain data');
    assert.equal(reject({ type: 'error', message: new Date(0) }), 'message.message is a Date, not plain data');
    assert.equal(reject({ type: 'error', message: new Map() }), 'message.message is a Map, not plain data');
    assert.equal(reject(new (class Ready { type = 'ready'; })()), 'message is a Ready, not plain data');
    const getter = { type: 'selectModel', get modelId() { return 'm'; } };
    assert.equal(reject(getter), 'message.modelId is an accessor, not data');
  });

  it('never throws, even on a getter that throws or a proxy that lies', () => {
    const hostile = new Proxy({}, { ownKeys() { throw new Error('boom'); } });
    assert.match(reject(hostile), /^message could not be read \(Error: boom\)$/);
  });

  it('rejects oversized strings and payloads', () => {
    assert.equal(
      reject({ type: 'selectModel', modelId: 'x'.repeat(LIMITS.idLength + 1) }),
      `message.modelId is longer than ${LIMITS.idLength} characters`,
    );
    assert.equal(
      reject({ type: 'error', message: 'x'.repeat(LIMITS.errorMessageLength + 1) }),
      `message.message is longer than ${LIMITS.errorMessageLength} characters`,
    );
    assert.equal(
      reject({ type: 'savePng', modelId: 'm', chartId: 'memory', dataUrl: `data:image/png;base64,${'A'.repeat(LIMITS.dataUrlLength)}` }),
      `message.dataUrl is longer than ${LIMITS.dataUrlLength} characters`,
    );
    assert.equal(
      reject({ type: 'setControls', modelId: 'm', controls: { targetDevices: Array.from({ length: 65 }, (_, i) => `d${i}`) } }),
      'message.controls.targetDevices has more than 64 items',
    );
    const wide = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i]));
    assert.equal(reject({ type: 'ready', ...wide }), `message has more than ${LIMITS.keysPerObject} keys`);
    assert.equal(reject({ type: 'error', message: Array(600).fill(0) }), `message.message has more than ${LIMITS.totalValues} items`);
  });

  it('rejects deep nesting before reading fields', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 50; i++) deep = [deep];
    assert.match(reject({ type: 'error', message: deep }), /is nested deeper than 6 levels$/);
  });

  it('rejects a cyclic object without hanging', () => {
    const a: Record<string, unknown> = { type: 'error' };
    a.message = a;
    assert.match(reject(a), /nested deeper than|more than 512 values/);
  });

  it('accepts only PNG data URLs for savePng', () => {
    const bad = [
      'https://example.com/x.png',
      'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'data:image/png;base64,<script>',
      'data:image/png;base64,abc',
      'javascript:alert(1)',
    ];
    for (const dataUrl of bad) assert.match(reject({ type: 'savePng', modelId: 'm', chartId: 'memory', dataUrl }), /^message\.dataUrl /);
    assert.equal(reject({ type: 'savePng', modelId: 'm', chartId: '../../etc/passwd', dataUrl: TINY_PNG }), 'message.chartId must be one of memory, whatif, formats');
  });

  it('keeps script in strings as plain text (rendering escapes it, the guard does not drop it)', () => {
    const { value } = accept({ type: 'error', message: '<img src=x onerror=alert(1)>' });
    assert.deepEqual(value, { type: 'error', message: '<img src=x onerror=alert(1)>' });
  });
});

describe('sanitizeControlsPatch', () => {
  it('keeps the known, valid keys of a recommendation and drops the rest', () => {
    assert.deepEqual(sanitizeControlsPatch({ gradientCheckpointing: true, somethingNew: 3, batch: 'eight' }), { gradientCheckpointing: true });
    assert.deepEqual(sanitizeControlsPatch({ batch: 5e7, precision: 'bf16-mixed' }), { batch: 1_048_576, precision: 'bf16-mixed' });
  });

  it('returns nothing for hostile input', () => {
    assert.deepEqual(sanitizeControlsPatch(JSON.parse('{"__proto__":{"batch":2}}')), {});
    assert.deepEqual(sanitizeControlsPatch('batch=2'), {});
    assert.deepEqual(sanitizeControlsPatch(null), {});
  });
});
