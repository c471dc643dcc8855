// Whole-process figures: the engine's cold start, and `model-profiler profile` against
// the Python a user would otherwise run (import torch, build the model, count it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../scripts/lib/paths.mjs';
import { summarize, timeSync } from './stats.mjs';

/** Debian's python3-torch: the reference torch of the test corpus (not the pyenv python on PATH). */
export const PYTHON = process.env.MODEL_PROFILER_BENCH_PYTHON ?? '/usr/bin/python3';

/** The models compared: a ResNet built by a builder function, and GPT-2 small built at module level. */
export const COMPARISONS = [
  { id: 'resnet50', style: 'ResNet-style', fixture: 'test/fixtures/pytorch/resnet.py', model: 'resnet50', build: 'ns["resnet50"]()' },
  { id: 'gpt2_small', style: 'GPT-style', fixture: 'test/fixtures/pytorch/gpt.py', model: 'gpt2_small', build: 'ns["gpt2_small"]' },
];

/** GNU time: the CPU a child process used (user + system), which load on the machine does not inflate. */
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const scratch = mkdtempSync(join(tmpdir(), 'model-profiler-bench-time-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/** Run to completion: [stdout, wall ms, cpu ms or undefined]. */
function run(command, args, what) {
  const timeFile = join(scratch, 'time.txt');
  const [cmd, argv] = GNU_TIME ? [GNU_TIME, ['-f', '%U %S', '-o', timeFile, command, ...args]] : [command, args];
  const [r, ms] = timeSync(() => spawnSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} exited with ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-5).join('\n')}`);
  let cpu;
  if (GNU_TIME) {
    const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(/\s+/).map(Number);
    if (Number.isFinite(user) && Number.isFinite(sys)) cpu = (user + sys) * 1000;
  }
  return [r.stdout, ms, cpu];
}

function cpuSummary(samples) {
  return samples.every((x) => typeof x === 'number') ? summarize(samples) : null;
}

/** Parser init and first analysis, each in a new Node process. */
export function coldStarts(bundle, runs) {
  const file = join(ROOT, 'test/fixtures/pytorch/resnet.py');
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const [out, wallMs, cpuMs] = run(process.execPath, [bundle, file], 'cold start');
    samples.push({ ...JSON.parse(out.trim().split('\n').pop()), wallMs, cpuMs });
  }
  const field = (k) => summarize(samples.map((s) => s[k]));
  return {
    document: 'test/fixtures/pytorch/resnet.py',
    runs,
    processStartToEngineLoadedMs: field('processToBundleMs'),
    parserInitMs: field('parserInitMs'),
    firstAnalysisMs: field('firstAnalysisMs'),
    processWallMs: field('wallMs'),
    processCpuMs: cpuSummary(samples.map((s) => s.cpuMs)),
    models: samples[0]?.models ?? 0,
  };
}

function torchScript(c) {
  return [
    'import runpy, torch',
    `ns = runpy.run_path(${JSON.stringify(join(ROOT, c.fixture))})`,
    `model = ${c.build}`,
    'print(sum(p.numel() for p in model.parameters()))',
  ].join('\n');
}

/** Is Debian's torch importable? (Reported, not fatal: the comparison is then left out.) */
export function torchVersion() {
  if (!existsSync(PYTHON)) return undefined;
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export function compareWithTorch({ cliRuns, pythonRuns, withTorch }) {
  const cli = join(ROOT, 'dist', 'cli.js');
  const rows = [];
  for (const c of COMPARISONS) {
    const file = join(ROOT, c.fixture);
    const args = [cli, 'profile', file, '--model', c.model];
    // Warm the file cache once, as a user's second run would find it.
    run(process.execPath, [...args, '--json'], 'model-profiler');
    const [json] = run(process.execPath, [...args, '--json'], 'model-profiler --json');
    const ours = JSON.parse(json).models.find((m) => m.name === c.model)?.params.total;
    const cliMs = [];
    const cliCpu = [];
    const noDetectMs = [];
    const noDetectCpu = [];
    for (let i = 0; i < cliRuns; i++) {
      const [, ms, cpu] = run(process.execPath, args, 'model-profiler');
      cliMs.push(ms);
      cliCpu.push(cpu);
      const [, ms2, cpu2] = run(process.execPath, [...args, '--no-detect'], 'model-profiler --no-detect');
      noDetectMs.push(ms2);
      noDetectCpu.push(cpu2);
    }
    const row = {
      id: c.id,
      style: c.style,
      fixture: c.fixture,
      model: c.model,
      cli: { command: `node dist/cli.js profile ${c.fixture} --model ${c.model}`, wallMs: summarize(cliMs), cpuMs: cpuSummary(cliCpu), params: ours },
      cliNoDetect: { command: `node dist/cli.js profile ${c.fixture} --model ${c.model} --no-detect`, wallMs: summarize(noDetectMs), cpuMs: cpuSummary(noDetectCpu) },
    };
    if (withTorch) {
      const script = torchScript(c);
      const pyMs = [];
      const pyCpu = [];
      let theirs;
      for (let i = 0; i < pythonRuns; i++) {
        const [out, ms, cpu] = run(PYTHON, ['-c', script], `${PYTHON} -c`);
        pyMs.push(ms);
        pyCpu.push(cpu);
        theirs = Number(out.trim().split('\n').pop());
      }
      const py = summarize(pyMs);
      row.python = { command: `${PYTHON} -c '${script.replace(/\n/g, '; ')}'`, wallMs: py, cpuMs: cpuSummary(pyCpu), params: theirs };
      row.speedup = Math.round((py.median / row.cli.wallMs.median) * 10) / 10;
      const cpuRatio = row.python.cpuMs && row.cli.cpuMs ? row.python.cpuMs.median / row.cli.cpuMs.median : undefined;
      if (cpuRatio !== undefined) row.cpuSpeedup = Math.round(cpuRatio * 10) / 10;
      row.paramsEqual = theirs === ours;
    }
    rows.push(row);
  }
  return rows;
}
