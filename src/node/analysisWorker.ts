/**
 * The analysis worker thread (bundled as dist/analysisWorker.js). The engine is
 * synchronous and can take hundreds of milliseconds on a large file; here it runs
 * off the extension host's thread, one job at a time, so typing, hovers and other
 * extensions never wait for it. The parser loads when the worker starts, which the
 * host does on the first Python document, never at activation.
 *
 * The engine lives only in this bundle, which keeps the extension's own bundle small
 * (fast to load at activation). Loaded with `require` on the main thread, the module
 * exports the engine instead, for the client's in-thread fallback.
 */
import { isMainThread, parentPort, type MessagePort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './analysisProtocol';
import { prepareEngine, runAnalysisJob } from './analysisJob';

export { prepareEngine, runAnalysisJob };

function serve(port: MessagePort): void {
  const post = (message: FromWorker): void => port.postMessage(message);
  const started = performance.now();
  const ready = prepareEngine().then(() => post({ type: 'ready', initMs: performance.now() - started }));
  port.on('message', (message: ToWorker) => {
    if (message?.type !== 'analyze') return;
    void ready.then(
      () => {
        const t0 = performance.now();
        try {
          const report = runAnalysisJob(message.job);
          post({ type: 'result', id: message.id, report, ms: performance.now() - t0 });
        } catch (e) {
          post({ type: 'error', id: message.id, message: e instanceof Error ? e.message : String(e) });
        }
      },
      (e: unknown) => post({ type: 'error', id: message.id, message: `the Python parser did not load: ${e instanceof Error ? e.message : String(e)}` }),
    );
  });
}

if (!isMainThread && parentPort) serve(parentPort);
