/**
 * The hover card as a person meets it: the installed .vsix in code-server, the mouse
 * over a model class in examples/mnist_cnn.py, the rendered widget read back from the
 * DOM. Counts: torch 1.13 on the example (MnistCNN 421,834 parameters; fc1 401,536
 * with output [64, 128] at the file's `# profile: batch=64`).
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { hoverOver, openFile, openWorkbench, poll, screenshot, screenshotOnFailure, type Workbench } from './lib/workbench';

/** The page's own DOM, typed loosely: these callbacks run in the browser. */
declare const getComputedStyle: (element: unknown) => { opacity: string };
declare const document: {
  querySelectorAll(selector: string): ArrayLike<{ textContent: string | null; querySelectorAll(s: string): ArrayLike<DomNode> }>;
  createRange(): { setStart(n: DomNode, o: number): void; setEnd(n: DomNode, o: number): void; getBoundingClientRect(): { x: number; y: number; width: number; height: number } };
};
interface DomNode {
  textContent: string | null;
  firstChild: DomNode | null;
}

/**
 * Hover `word` on the visible editor line that starts (after indentation) with `lineStart`,
 * and return the hover's text. `hoverAtWord` takes the topmost occurrence of a word, which
 * in the example is the docstring's mention of the class, not the class itself.
 */
async function hoverWordOnLine(page: Page, lineStart: string, word: string): Promise<string> {
  const find = () =>
    page.evaluate(
      ([start, w]) => {
        const lines = document.querySelectorAll('.editor-group-container.active .monaco-editor .view-lines .view-line');
        for (let i = 0; i < lines.length; i++) {
          const line = lines[i]!;
          if (!(line.textContent ?? '').replace(/\u00a0/g, ' ').trimStart().startsWith(start)) continue;
          const spans = line.querySelectorAll('span > span');
          for (let j = 0; j < spans.length; j++) {
            const text = spans[j]!.firstChild;
            const at = (text?.textContent ?? '').indexOf(w);
            if (!text || at < 0) continue;
            const range = document.createRange();
            range.setStart(text, at);
            range.setEnd(text, at + w.length);
            const r = range.getBoundingClientRect();
            return { x: r.x, y: r.y, width: r.width, height: r.height };
          }
        }
        return undefined;
      },
      [lineStart, word] as const,
    );
  return hoverOver(page, find, `"${word}" on the line "${lineStart}…"`);
}

/** Wait until the hover has finished fading in, so the screenshot shows it as a person sees it. */
async function settledHover(wb: Workbench): Promise<void> {
  const hover = wb.page.locator('.monaco-editor .monaco-hover:not(.hidden)').first();
  await poll(async () => (await hover.evaluate((el) => getComputedStyle(el).opacity)) === '1', 'the hover to finish fading in', 5000);
}

describe('hover in the workbench', () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
    await openFile(wb.page, 'mnist_cnn.py');
    // The CodeLens above the class moves every line below it when it arrives: hover after it.
    const lens = wb.page.locator('.editor-group-container.active .monaco-editor .codelens-decoration', { hasText: 'params' }).first();
    await lens.waitFor({ timeout: 60_000 });
  });

  afterEach(async function () {
    // Move away so one test's hover never answers the next.
    await wb?.page.mouse.move(5, 5);
    await screenshotOnFailure(wb?.page, this.currentTest);
  });

  after(async () => {
    await wb?.close();
  });

  it('shows the model card over a class name', async () => {
    const text = await hoverWordOnLine(wb.page, 'class MnistCNN', 'MnistCNN');
    assert.match(text, /MnistCNN · PyTorch class/);
    assert.match(text, /Parameters\s+421\.8K \(421,834\), all trainable/);
    // 421,834 × 4 bytes (fp32) = 1,687,336 bytes.
    assert.match(text, /Weights\s+1\.7 MB \(fp32\)/);
    assert.match(text, /Memory\s+train [\d.]+ [kMG]B · inference [\d.]+ [kMG]B \(batch 64, fp32, AdamW\)/);
    assert.match(text, /Fit\s+[✓⚠✗] .+: needs [\d.]+ [kMG]B/);
    assert.match(text, /Largest layers \(training\): /);
    assert.match(text, /Open Profiler Panel · Check Fits/);
    await settledHover(wb);
    await screenshot(wb.page, 'hover-model-card');
  });

  it('shows a layer summary over a layer construction line', async () => {
    // The definition line: `fc1` also appears in forward, whose hover describes the outer call.
    const text = await hoverWordOnLine(wb.page, 'self.fc1 = nn.Linear', 'fc1');
    assert.match(text, /Linear fc1 in MnistCNN/);
    // torch 1.13: Linear(3136, 128) has 401,536 parameters; 64 × 3136 × 128 = 25,690,112 MACs.
    assert.match(text, /Parameters\s+401\.5K \(401,536\)/);
    assert.match(text, /Output\s+\[64, 128\]/);
    assert.match(text, /Forward\s+25\.69 MMACs = 51\.38 MFLOPs at batch 64/);
    await settledHover(wb);
    await screenshot(wb.page, 'hover-layer-line');
  });
});
