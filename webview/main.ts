/**
 * Entry of the profiler panel's browser bundle (dist/webview.js).
 *
 * It talks to the extension only through src/shared/protocol.ts: it posts `ready`,
 * renders the `init` answer, and posts what the person does. No network, no HTML
 * strings: every user-derived string is set as text.
 *
 * Stable hooks for tests (ids and data-testid attributes):
 *   #app[data-state]                 "loading" | "empty" | "ready"; aria-busy while estimating
 *   model-picker                     <select> of the models (value = model id)
 *   busy                             progress bar, hidden when idle
 *   notice                           status / alert line ("Saved …", errors)
 *   export-markdown|json|csv         export buttons
 *   empty                            the message shown instead of a report
 *   summary-<id>                     summary card; <id> is params, weights, train-memory,
 *                                    infer-memory, forward-flops, forward-macs, checkpoint, time
 *   summary-<id>-value               its value; data-exact holds the exact number
 *   time-device                      <select> of the device the time card uses
 *   control-<key>                    one per PanelControls key: mode, batch, seq, input,
 *                                    precision, optimizer, gradientCheckpointing, attention,
 *                                    fineTuning, loraRank, sharding, gpuCount, cpuOffload,
 *                                    curveAxis; control-targetDevices is the <details> of
 *                                    target checkboxes (target-<id>); control-reset resets
 *   fit-<deviceId>                   fit card; data-verdict = fits | fits-with-changes | does-not-fit
 *   recommendation-<deviceId>-<id>   a recommendation; apply-<deviceId>-<id> its Apply button
 *   chart-memory|whatif|formats      the chart canvases (role=img, aria-label describes them)
 *   data-table-<chart>               the data table behind a chart; table-toggle-<chart> shows it
 *   save-png-<chart>                 saves a chart as PNG through the host
 *   layer-table                      the treegrid; layer-row rows carry data-path and data-line
 *   sort-<column>                    column sort buttons: name, type, outputShape, params,
 *                                    macs, activationBytes, paramShare
 *   layers-expand-all / layers-collapse-all, layer-count
 *   findings / finding / finding-reveal, assumptions
 */
import { App } from './app';
import { h } from './dom';
import { connect } from './vscodeApi';
import type { PanelViewState } from '../src/shared/viewState';

function boot(): void {
  let root = document.getElementById('app');
  if (!root) {
    root = h('main', { id: 'app' });
    document.body.appendChild(root);
  }
  const app = new App(root, connect<PanelViewState>());
  app.start();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
else boot();
