/* global window, document, location, fetch, sessionStorage, structuredClone, URLSearchParams */
// A stand-in for the extension in the standalone panel preview (scripts/panel-preview.mjs).
// It provides acquireVsCodeApi(), answers `ready` with `init` from a fixture report, and
// fakes re-estimation when controls change by scaling the batch-dependent terms. The
// numbers it makes up are for looking at the panel, not for checking the engine.
// Tests drive it through window.__preview: `sent` (messages from the panel),
// `post(message)` (a message to the panel) and `pngs` (saved chart images).
(function () {
  'use strict';
  const params = new URLSearchParams(location.search);
  const theme = params.get('theme') || 'dark';
  const fixture = params.get('fixture') || 'gpt2-small';
  const bodyClass = {
    dark: 'vscode-dark',
    light: 'vscode-light',
    hc: 'vscode-high-contrast',
  }[theme] || 'vscode-dark';
  const themeKind = { dark: 'dark', light: 'light', hc: 'high-contrast' }[theme] || 'dark';

  const preview = { sent: [], pngs: {}, exports: [], reveals: [], ready: false, post: deliver, setTheme };
  window.__preview = preview;

  function setTheme(name) {
    document.body.classList.remove('vscode-dark', 'vscode-light', 'vscode-high-contrast');
    document.body.classList.add({ dark: 'vscode-dark', light: 'vscode-light', hc: 'vscode-high-contrast' }[name] || 'vscode-dark');
  }

  document.addEventListener('DOMContentLoaded', () => document.body.classList.add(bodyClass));
  if (document.body) document.body.classList.add(bodyClass);

  function deliver(message) {
    window.postMessage(message, '*');
  }

  const load = (name) => fetch(`/fixtures/${name}`).then((r) => (r.status === 200 ? r.json() : undefined));
  const data = Promise.all([load(`${fixture}.json`), load('devices.json'), load(`${fixture}.batch-curve.json?optional`)]);

  const TARGETS = [
    { id: 'a100-80gb', name: 'A100 80GB', memoryBytes: 85899345920 },
    { id: 'h100-sxm', name: 'H100 SXM 80GB', memoryBytes: 85520809984 },
    { id: 'rtx-4090', name: 'RTX 4090', memoryBytes: 25757220864 },
    { id: 'l4', name: 'L4', memoryBytes: 24152899584 },
    { id: 't4', name: 'T4', memoryBytes: 16106127360 },
  ];

  let base;
  let devices;
  let baseCurve;
  let controls;

  function controlsOf(report) {
    const o = report.options;
    return {
      mode: o.mode,
      batch: o.batch,
      seq: o.seq ?? null,
      input: o.input ?? null,
      precision: o.precision,
      optimizer: o.optimizer,
      gradientCheckpointing: o.gradientCheckpointing,
      attention: o.attention,
      fineTuning: o.fineTuning,
      loraRank: o.loraRank,
      sharding: o.sharding,
      gpuCount: o.gpuCount,
      cpuOffload: o.cpuOffload,
      targetDevices: ['a100-80gb'],
      curveAxis: 'batch',
    };
  }

  const TERMS = ['weightsBytes', 'gradientsBytes', 'optimizerBytes', 'masterWeightsBytes', 'activationsBytes', 'kvCacheBytes', 'overheadBytes', 'fragmentationBytes'];

  function rescale(breakdown, k) {
    const b = { ...breakdown };
    b.activationsBytes = Math.round(b.activationsBytes * k);
    b.kvCacheBytes = Math.round(b.kvCacheBytes * k);
    const tensors = b.weightsBytes + b.gradientsBytes + b.optimizerBytes + b.masterWeightsBytes + b.activationsBytes + b.kvCacheBytes;
    b.fragmentationBytes = Math.round(0.1 * tensors);
    b.totalBytes = TERMS.reduce((a, t) => a + b[t], 0);
    return b;
  }

  function reestimate() {
    const r = structuredClone(base);
    const k = controls.batch / base.options.batch;
    Object.assign(r.options, {
      mode: controls.mode,
      batch: controls.batch,
      seq: controls.seq ?? base.options.seq,
      precision: controls.precision,
      optimizer: controls.optimizer,
      gradientCheckpointing: controls.gradientCheckpointing,
    });
    r.memory.train = rescale(r.memory.train, controls.gradientCheckpointing ? k * 0.25 : k);
    r.memory.inference = rescale(r.memory.inference, k);
    for (const key of ['forward', 'backward', 'trainStep']) {
      r.macs[key] = Math.round(r.macs[key] * k);
      r.flops[key] = Math.round(r.flops[key] * k);
    }
    for (const row of r.layers) {
      row.macs = Math.round(row.macs * k);
      row.activationBytes = Math.round(row.activationBytes * k);
      if (row.outputShape) row.outputShape = row.outputShape.map((s) => (s.length > 1 ? [controls.batch, ...s.slice(1)] : s));
    }
    const need = controls.mode === 'train' ? r.memory.train.totalBytes : r.memory.inference.totalBytes;
    const deviceIds = new Set(['local-gpu-0', 'local-cpu', ...controls.targetDevices]);
    const known = new Map(r.fit.map((f) => [f.deviceId, f]));
    r.fit = [...deviceIds].map((id) => {
      const f = known.get(id) || {
        device: (TARGETS.find((t) => t.id === id) || { name: id }).name,
        deviceId: id,
        local: false,
        availableBytes: Math.floor(0.9 * (TARGETS.find((t) => t.id === id) || { memoryBytes: 0 }).memoryBytes),
        minGpus: {},
        maxBatch: 0,
        recommendations: [],
        reason: '',
      };
      const fits = need <= f.availableBytes;
      return {
        ...f,
        requiredBytes: need,
        verdict: fits ? 'fits' : 'does-not-fit',
        recommendations: fits ? [] : f.recommendations,
        reason: `needs ${(need / 1e9).toFixed(1)} GB, has ${(f.availableBytes / 1e9).toFixed(1)} GB (${f.device})`,
      };
    });
    return r;
  }

  function devicesFor() {
    const local = devices.filter((d) => d.local);
    const targets = controls.targetDevices.map((id) => {
      const known = devices.find((d) => d.id === id);
      if (known) return known;
      const t = TARGETS.find((x) => x.id === id) || { id, name: id, memoryBytes: 0 };
      return { id: t.id, name: t.name, kind: 'gpu', vendor: 'nvidia', memoryBytes: t.memoryBytes, peakTflops: {}, local: false };
    });
    return [...local, ...targets];
  }

  function curveFor(report) {
    if (controls.curveAxis === 'batch' && baseCurve) return { axis: 'batch', points: baseCurve };
    // Sequence axis (or no curve file): memory linear in x around the current point.
    const xs = controls.curveAxis === 'seq' ? [128, 256, 512, 1024, 2048, 4096] : [1, 2, 4, 8, 16, 32, 64];
    const now = controls.curveAxis === 'seq' ? report.options.seq || 1024 : report.options.batch;
    const fixedTrain = report.memory.train.totalBytes - report.memory.train.activationsBytes * 1.1;
    const fixedInfer = report.memory.inference.totalBytes - (report.memory.inference.activationsBytes + report.memory.inference.kvCacheBytes) * 1.1;
    return {
      axis: controls.curveAxis,
      points: xs.map((x) => ({
        x,
        trainBytes: Math.round(fixedTrain + (report.memory.train.activationsBytes * 1.1 * x) / now),
        inferBytes: Math.round(fixedInfer + ((report.memory.inference.activationsBytes + report.memory.inference.kvCacheBytes) * 1.1 * x) / now),
      })),
    };
  }

  function models() {
    return [
      { id: 'fixture#model', name: base.name, kind: base.kind, framework: base.framework, line: base.line, file: `${fixture}.py`, detail: `${(base.params.total / 1e6).toFixed(1)}M params` },
      { id: 'fixture#Other', name: 'TinyCNN', kind: 'class', framework: 'pytorch', line: 140, file: `${fixture}.py`, detail: '0.1M params' },
    ];
  }

  function sendUpdate() {
    const report = reestimate();
    deliver({ type: 'busy', busy: true });
    setTimeout(() => deliver({ type: 'update', modelId: models()[0].id, report, curve: curveFor(report), controls, devices: devicesFor() }), 60);
  }

  function handle(msg) {
    preview.sent.push(msg);
    switch (msg.type) {
      case 'ready':
        data.then(([report, devs, curve]) => {
          base = report;
          devices = devs;
          baseCurve = curve;
          controls = controls || controlsOf(report);
          if (params.get('name')) {
            // A hostile or odd model name, as the source could spell it.
            base.name = params.get('name');
            base.layers[0].name = params.get('name');
          }
          const r = reestimate();
          preview.ready = true;
          deliver({
            type: 'init',
            protocolVersion: 1,
            models: models(),
            selectedModelId: models()[0].id,
            report: r,
            curve: curveFor(r),
            controls,
            devices: devicesFor(),
            targetChoices: TARGETS,
            hardware: {
              platform: 'linux',
              arch: 'x64',
              cpu: { model: 'AMD Ryzen 7 5800X', cores: 16, physicalCores: 8 },
              ram: { totalBytes: 34359738368, availableBytes: 20000000000 },
              gpus: [{ index: 0, vendor: 'nvidia', model: 'NVIDIA GeForce GTX 1650', memoryTotalBytes: 4294967296 }],
              sources: ['nvidia-smi'],
              notes: [],
              detectedAt: Date.now(),
            },
            theme: themeKind,
          });
        });
        break;
      case 'setControls':
        controls = { ...controls, ...msg.controls };
        sendUpdate();
        break;
      case 'resetControls':
        controls = controlsOf(base);
        sendUpdate();
        break;
      case 'applyRecommendation': {
        const rec = reestimate().fit.find((f) => f.deviceId === msg.deviceId)?.recommendations.find((x) => x.id === msg.recommendationId);
        if (rec) {
          controls = { ...controls, ...rec.apply };
          sendUpdate();
          deliver({ type: 'notice', level: 'info', message: `Applied: ${rec.title}` });
        }
        break;
      }
      case 'selectModel':
        deliver({ type: 'notice', level: 'info', message: 'The preview has one model with a report.' });
        deliver({ type: 'modelsChanged', models: models(), selectedModelId: models()[0].id });
        break;
      case 'revealLayer':
        preview.reveals.push(msg);
        deliver({ type: 'notice', level: 'info', message: `Would reveal line ${msg.line}${msg.layerPath ? ` (${msg.layerPath})` : ''}` });
        break;
      case 'export':
        preview.exports.push(msg.format);
        deliver({ type: 'notice', level: 'info', message: `Would export ${msg.format}` });
        break;
      case 'savePng':
        preview.pngs[msg.chartId] = msg.dataUrl;
        deliver({ type: 'notice', level: 'info', message: `Saved ${msg.chartId}.png` });
        break;
      default:
        break;
    }
  }

  let state;
  try {
    state = JSON.parse(sessionStorage.getItem('panel-state') || 'null') || undefined;
  } catch {
    state = undefined;
  }
  let acquired = false;
  window.acquireVsCodeApi = function () {
    if (acquired) throw new Error('acquireVsCodeApi may be called once');
    acquired = true;
    return {
      postMessage: (msg) => setTimeout(() => handle(structuredClone(msg)), 0),
      getState: () => state,
      setState: (s) => {
        state = s;
        sessionStorage.setItem('panel-state', JSON.stringify(s));
      },
    };
  };
})();
