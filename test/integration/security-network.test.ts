/**
 * The extension makes no network requests (issue 9). When the suites are loaded, before
 * the extension activates, every way the extension host can reach the network is
 * recorded (test/fixtures/hostile/network/guard.cjs): net, tls, http, https, http2, dns,
 * dgram, fetch and WebSocket, in the host's main thread and in every worker thread it
 * starts afterwards, so the analysis worker too. The record therefore covers activation
 * and every suite of this launch; this suite, which runs late, exercises the features
 * once more (the examples, hover, CodeLens, the panel, Check Fits, Refresh Hardware,
 * Export Report) and then reads it.
 *
 * "From our extension" means a call with a frame of the extension's bundles (dist/) on
 * its stack, or any call in a worker thread started from dist/. Other extensions share
 * the host, so their calls are reported but not held against us.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { ModelProfilerApi } from '../../src/extension';
import type { CheckFitsResult } from '../../src/vscode/fitCheck';
import { codeLenses, eventually, hoverText, positionOf, restoreBudget, useGenerousBudget } from './lib/editor';
import { activateWith, extension, openInEditor, waitFor, workspaceFile } from './lib/extension';

interface Attempt {
  api: string;
  target: string;
  thread: string;
  stack: string;
}

const EXTENSION_PATH = extension().extensionPath;
const DIST = path.join(EXTENSION_PATH, 'dist') + path.sep;
const RECORD = path.join(os.tmpdir(), `model-profiler-network-${process.pid}.jsonl`);

// Installed as this file loads: mocha loads every suite file before the first test runs.
{
  rmSync(RECORD, { force: true });
  const guard = createRequire(__filename)(path.join(EXTENSION_PATH, 'test', 'fixtures', 'hostile', 'network', 'guard.cjs')) as {
    install(file: string): void;
    guardWorkers(file: string): void;
  };
  guard.install(RECORD);
  guard.guardWorkers(RECORD);
}

function readRecord(): Attempt[] {
  if (!existsSync(RECORD)) return [];
  return readFileSync(RECORD, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Attempt);
}

/** Worker threads started from the extension's bundles, by the thread name the record uses. */
function extensionWorkers(record: Attempt[]): Set<string> {
  return new Set(record.filter((a) => a.api === 'worker started' && a.target.startsWith(DIST)).map((a) => a.thread));
}

function fromExtension(a: Attempt, workers: Set<string>): boolean {
  if (a.api === 'worker started') return false;
  return workers.has(a.thread) || a.stack.includes(DIST);
}

function summary(attempts: Attempt[]): string {
  return attempts.map((a) => `${a.api} ${a.target} (${a.thread})\n${a.stack.split('\n').slice(1, 8).join('\n')}`).join('\n\n');
}

/** Await `work`, failing with its name if it takes longer than `ms`. */
async function step<T>(what: string, work: () => Thenable<T> | Promise<T>, ms = 45_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve(work()),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A connection attempt to a closed local port, awaited until it fails. */
function touchClosedPort(): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(9, '127.0.0.1');
    socket.on('error', () => resolve());
    socket.on('connect', () => {
      socket.destroy();
      resolve();
    });
  });
}

describe('security: the extension makes no network requests', function () {
  this.timeout(180_000);
  let api: ModelProfilerApi;

  before(async () => {
    await useGenerousBudget();
    api = await activateWith('mlp.py');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await restoreBudget();
  });

  it('the record sees a connection made in the host, and one made in a worker thread', async () => {
    await touchClosedPort();
    const worker = new Worker(`const s = require('node:net').connect(9, '127.0.0.1'); s.on('error', () => process.exit(0)); s.on('connect', () => process.exit(0));`, { eval: true });
    await new Promise((resolve) => worker.on('exit', resolve));
    const record = readRecord();
    const mine = record.filter((a) => a.api === 'net.connect' && a.target === 'port 9 on 127.0.0.1');
    assert.equal(mine.filter((a) => a.thread === 'main').length, 1, summary(record));
    assert.match(mine.find((a) => a.thread === 'main')!.stack, /security-network\.test/);
    assert.equal(mine.filter((a) => a.thread.startsWith('worker ')).length, 1, summary(record));
    // Neither is the extension's.
    assert.deepEqual(mine.filter((a) => fromExtension(a, extensionWorkers(record))), []);
  });

  it('the features run: examples analysed, hover, CodeLens, the panel, Check Fits, Refresh Hardware, Export Report', async () => {
    for (const example of ['mnist_cnn.py', 'gpt_mini.py']) {
      const document = await vscode.workspace.openTextDocument(path.join(EXTENSION_PATH, 'examples', example));
      await vscode.window.showTextDocument(document);
      const report = await step(`analysing ${example}`, () => api.analysis.getReports(document));
      assert.ok(report.models.length > 0, `${example}: ${JSON.stringify(report.findings)}`);
    }
    const cnn = await vscode.workspace.openTextDocument(path.join(EXTENSION_PATH, 'examples', 'mnist_cnn.py'));
    await vscode.window.showTextDocument(cnn);
    const report = await step('analysing mnist_cnn.py', () => api.analysis.getReports(cnn));
    // torch 1.13: sum(p.numel() for p in MnistCNN().parameters()) = 421,834.
    assert.equal(report.models.find((m) => m.name === 'MnistCNN')?.params.total, 421_834);

    const hover = await eventually(async () => {
      const text = await hoverText(cnn.uri, positionOf(cnn, 'class MnistCNN', 8));
      return text.includes('421,834') ? text : undefined;
    }, 'the hover over MnistCNN');
    assert.match(hover, /421,834/);

    const lenses = await eventually(async () => {
      const l = await codeLenses(cnn.uri);
      return l.length > 0 ? l : undefined;
    }, 'the CodeLens over MnistCNN');
    assert.ok(lenses.some((l) => l.command.startsWith('modelProfiler.')));

    await step('Open Profiler Panel', () => vscode.commands.executeCommand('modelProfiler.openPanel'));
    await waitFor(
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Model Profiler'),
      'the profiler panel',
    );
    // Give the webview time to load and ask the host for its data.
    await new Promise((resolve) => setTimeout(resolve, 2000));

    // The model named, as the CodeLens passes it: the file also makes an instance, and a picker would wait for a person.
    const check = await step('Check Fits', () => vscode.commands.executeCommand<CheckFitsResult>('modelProfiler.checkFits', { uri: cnn.uri.toString(), model: 'MnistCNN' }));
    assert.ok(check && ['fits', 'tight', 'exceeds'].includes(check.status), JSON.stringify(check));

    const profile = await step('Refresh Hardware', () => vscode.commands.executeCommand<{ gpus?: unknown[] }>('modelProfiler.refreshHardware'));
    assert.ok(profile, 'Refresh Hardware answers with the profile');

    const target = workspaceFile('exports/network-check.json');
    await openInEditor('mlp.py');
    const written = await step('Export Report', () => vscode.commands.executeCommand<vscode.Uri>('modelProfiler.exportReport', { uri: cnn.uri.toString(), model: 'MnistCNN', format: 'json', target }));
    assert.equal(written?.toString(), target.toString());
    const exported = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(target))) as { params: { total: number } };
    assert.equal(exported.params.total, 421_834); // torch 1.13, as above
  });

  it('nothing in the record comes from the extension, in the host or in its analysis worker', async () => {
    // Anything started by the features above has had time to begin.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const record = readRecord();
    const workers = extensionWorkers(record);
    assert.ok(
      [...record].some((a) => a.api === 'worker started' && a.target === path.join(EXTENSION_PATH, 'dist', 'analysisWorker.js')),
      'the analysis worker ran under the guard',
    );
    assert.ok(workers.size >= 1);
    const ours = record.filter((a) => fromExtension(a, workers));
    assert.deepEqual(ours.map((a) => `${a.api} ${a.target} (${a.thread})`), [], summary(ours));
    const others = record.filter((a) => a.api !== 'worker started' && !a.stack.includes('security-network.test'));
    console.log(`      network record: ${record.length} lines; attempts by other code in the host: ${others.length}${others.length ? `\n${summary(others)}` : ''}`);
  });
});
