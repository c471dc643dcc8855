// Extension-host figures: code-server (the real VS Code workbench and Node extension
// host, as the integration suite uses it) loads the extension from the repository and
// runs bench/extension/index.ts, which writes its measurements into the workspace.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCodeServer, isCodeServerInstalled, makeSandbox } from '../../scripts/lib/codeServer.mjs';
import { ROOT } from '../../scripts/lib/paths.mjs';
import { ensurePrerequisites } from '../../scripts/lib/system.mjs';
import { runSuiteInWorkbench } from '../../scripts/lib/workbench.mjs';
import { summarize } from './stats.mjs';

const FILES = ['test/fixtures/pytorch/gpt.py', 'test/fixtures/pytorch/resnet.py'];
const SESSION_TIMEOUT_MS = 5 * 60_000;

async function oneSession(entry, suite, verbose) {
  const sandbox = makeSandbox('model-profiler-bench');
  try {
    const folder = join(sandbox.dir, 'workspace');
    mkdirSync(folder, { recursive: true });
    for (const f of FILES) copyFileSync(join(ROOT, f), join(folder, f.split('/').pop()));
    const code = await runSuiteInWorkbench({
      entry,
      sandbox,
      folder,
      extensionDir: ROOT,
      testsModule: suite,
      timeoutMs: SESSION_TIMEOUT_MS,
      verbose,
    });
    if (code !== 0) throw new Error(`the extension-host benchmark exited with ${code}`);
    return JSON.parse(readFileSync(join(folder, '.bench', 'extension.json'), 'utf8'));
  } finally {
    sandbox.remove();
  }
}

/** Run `sessions` fresh extension hosts; activation is measured once per host, hovers many times. */
export async function measureExtensionHost({ suite, sessions, verbose }) {
  await ensurePrerequisites({ needBuild: !isCodeServerInstalled() });
  const entry = await ensureCodeServer();
  const runs = [];
  for (let i = 0; i < sessions; i++) runs.push(await oneSession(entry, suite, verbose));

  const perDocument = {};
  for (const r of runs) {
    for (const d of r.documents) {
      const acc = (perDocument[d.file] ??= { file: d.file, model: d.model, first: [], unchanged: [], edited: [], notes: [], without: 0 });
      if (!d.hoverAvailable) {
        acc.without++;
        acc.notes.push(d.note);
        continue;
      }
      acc.preview ??= d.hoverPreview;
      acc.first.push(d.firstHoverMs);
      acc.unchanged.push(d.unchangedMs.median);
      acc.edited.push(d.editedMs.median);
    }
  }
  return {
    vscodeVersion: runs[0]?.vscodeVersion,
    sessions,
    activation: {
      activateWallMs: summarize(runs.map((r) => r.activation.activateWallMs)),
      activateBodyMs: summarize(runs.map((r) => r.activation.activateBodyMs).filter((x) => typeof x === 'number')),
    },
    hover: Object.values(perDocument).map((d) => {
      const any = d.first.length > 0;
      return {
        file: d.file,
        model: d.model,
        hoverAvailable: any,
        sessionsWithoutHover: d.without,
        notes: d.notes,
        preview: d.preview,
        // Medians of each session's median (each session hovers 30 times unchanged, 15 times after an edit).
        firstHoverMs: any ? summarize(d.first) : null,
        unchangedMs: any ? summarize(d.unchanged) : null,
        editedMs: any ? summarize(d.edited) : null,
      };
    }),
    sessionsRaw: runs,
  };
}
