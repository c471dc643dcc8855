/**
 * The what-if controls. Built once and updated in place, so focus and typing survive
 * a re-estimate; a control being edited is not overwritten by the host's echo.
 * Changes are collected into one patch and posted (debounced) as `setControls`.
 */
import { formatBytes } from '../../src/core/format';
import {
  ATTENTION_KERNELS,
  FINE_TUNING,
  MODES,
  OPTIMIZERS,
  PRECISIONS,
  SHARDING,
} from '../../src/core/options';
import { formatInputShape, parseInputShape, parseNameList } from '../../src/shared/controls';
import { CURVE_AXES, LIMITS, type ControlsPatch, type DeviceChoice, type PanelControls } from '../../src/shared/protocol';
import { button, debounce, h, icon, replaceChildren } from '../dom';

type Key = keyof PanelControls;

type Spec =
  | { key: Key; label: string; kind: 'select'; options: readonly string[]; names?: Record<string, string>; help?: string }
  | { key: Key; label: string; kind: 'int'; min: number; max: number; nullable?: boolean; placeholder?: string; help?: string }
  | { key: Key; label: string; kind: 'shape'; placeholder: string; help?: string }
  | { key: Key; label: string; kind: 'names'; placeholder: string; help?: string }
  | { key: Key; label: string; kind: 'checkbox'; help?: string };

/** One row per control, in display order. */
const SPECS: Spec[] = [
  { key: 'mode', label: 'Mode', kind: 'select', options: MODES, names: { train: 'Training step', infer: 'Inference' } },
  { key: 'batch', label: 'Batch size', kind: 'int', ...LIMITS.batch },
  { key: 'seq', label: 'Sequence length', kind: 'int', ...LIMITS.seq, nullable: true, placeholder: 'model default' },
  { key: 'input', label: 'Input shape', kind: 'shape', placeholder: 'inferred, e.g. 3, 224, 224', help: 'Without the batch dimension' },
  {
    key: 'precision',
    label: 'Precision',
    kind: 'select',
    options: PRECISIONS,
    names: { 'fp16-mixed': 'fp16 mixed', 'bf16-mixed': 'bf16 mixed', nf4: 'nf4 (QLoRA)' },
  },
  {
    key: 'optimizer',
    label: 'Optimizer',
    kind: 'select',
    options: OPTIMIZERS,
    names: { sgd: 'SGD', 'sgd-momentum': 'SGD + momentum', adam: 'Adam', adamw: 'AdamW', 'adam-8bit': '8-bit Adam', adafactor: 'Adafactor', lion: 'Lion' },
  },
  { key: 'gradientCheckpointing', label: 'Gradient checkpointing', kind: 'checkbox' },
  { key: 'attention', label: 'Attention', kind: 'select', options: ATTENTION_KERNELS, names: { auto: 'As in the source', flash: 'Fused (flash)', eager: 'Eager' } },
  { key: 'fineTuning', label: 'Fine-tuning', kind: 'select', options: FINE_TUNING, names: { full: 'Full', lora: 'LoRA', qlora: 'QLoRA' } },
  { key: 'loraRank', label: 'LoRA rank', kind: 'int', ...LIMITS.loraRank },
  { key: 'loraTargets', label: 'LoRA targets', kind: 'names', placeholder: 'all-linear', help: 'Module names LoRA adapts, e.g. q_proj, v_proj; all-linear for every Linear but the head' },
  {
    key: 'sharding',
    label: 'Sharding',
    kind: 'select',
    options: SHARDING,
    names: { none: 'None (one GPU)', ddp: 'DDP', zero1: 'ZeRO-1', zero2: 'ZeRO-2', zero3: 'ZeRO-3', fsdp: 'FSDP' },
  },
  { key: 'gpuCount', label: 'GPUs', kind: 'int', ...LIMITS.gpuCount },
  { key: 'cpuOffload', label: 'CPU offload', kind: 'checkbox' },
  { key: 'utilizationPercent', label: 'Utilisation (MFU %)', kind: 'int', ...LIMITS.utilizationPercent, help: 'Share of the dense peak FLOP/s the time estimates assume' },
  { key: 'trainingTokens', label: 'Training tokens / samples', kind: 'int', ...LIMITS.trainingTokens, help: 'A whole run, for its total FLOPs and time; 0 leaves it out' },
  { key: 'curveAxis', label: 'What-if axis', kind: 'select', options: CURVE_AXES, names: { batch: 'Batch size', seq: 'Sequence length' } },
];

/** Controls that mean nothing in the current set-up are disabled, not hidden (layout stays put). */
const DISABLED_WHEN: Partial<Record<Key, (c: PanelControls) => boolean>> = {
  optimizer: (c) => c.mode === 'infer',
  gradientCheckpointing: (c) => c.mode === 'infer',
  loraRank: (c) => c.fineTuning === 'full',
  loraTargets: (c) => c.fineTuning === 'full',
  trainingTokens: (c) => c.mode === 'infer',
  gpuCount: (c) => c.sharding === 'none',
  cpuOffload: (c) => c.mode === 'infer',
};

const DEBOUNCE_MS = 300;

type Input = HTMLInputElement | HTMLSelectElement;

export class ControlsSection {
  readonly el: HTMLElement;
  private readonly inputs = new Map<Key, Input>();
  private readonly errors = new Map<Key, HTMLElement>();
  private readonly targets: HTMLElement;
  private readonly targetSummary: HTMLElement;
  private pending: ControlsPatch = {};
  private current: PanelControls | undefined;
  private readonly send: ReturnType<typeof debounce<[]>>;

  constructor(onPatch: (patch: ControlsPatch) => void, onReset: () => void) {
    this.send = debounce(() => {
      const patch = this.pending;
      this.pending = {};
      if (Object.keys(patch).length > 0) onPatch(patch);
    }, DEBOUNCE_MS);

    const grid = h('div', { class: 'controls-grid' }, ...SPECS.map((s) => this.buildControl(s)));
    this.targetSummary = h('span', { class: 'target-summary' });
    this.targets = h('div', { class: 'target-list', role: 'group', 'aria-label': 'Target devices' });
    const details = h(
      'details',
      { class: 'targets', 'data-testid': 'control-targetDevices' },
      h('summary', {}, icon('server'), h('span', {}, 'Target devices'), this.targetSummary),
      this.targets,
    );
    this.el = h(
      'section',
      { id: 'controls', class: 'section', 'aria-labelledby': 'controls-title' },
      h(
        'div',
        { class: 'section-head' },
        h('h2', { id: 'controls-title' }, icon('settings'), 'What if'),
        h('div', { class: 'spacer' }),
        button({ label: 'Reset to settings', icon: 'discard', 'data-testid': 'control-reset', class: 'secondary' }, () => {
          this.send.cancel();
          this.pending = {};
          onReset();
        }),
      ),
      grid,
      details,
    );
  }

  private buildControl(spec: Spec): HTMLElement {
    const id = `control-${spec.key}`;
    const error = h('div', { class: 'control-error', id: `${id}-error`, role: 'alert' });
    this.errors.set(spec.key, error);
    let input: Input;
    if (spec.kind === 'select') {
      input = h('select', { id, 'data-testid': id }, ...spec.options.map((o) => h('option', { value: o }, spec.names?.[o] ?? o)));
      input.addEventListener('change', () => this.queue(spec.key, input.value, true));
    } else if (spec.kind === 'checkbox') {
      input = h('input', { id, 'data-testid': id, type: 'checkbox' });
      input.addEventListener('change', () => this.queue(spec.key, (input as HTMLInputElement).checked, true));
    } else if (spec.kind === 'int') {
      input = h('input', {
        id,
        'data-testid': id,
        type: 'number',
        inputmode: 'numeric',
        min: spec.min,
        max: spec.max,
        step: 1,
        placeholder: spec.placeholder,
        'aria-describedby': `${id}-error`,
      });
      input.addEventListener('input', () => this.onNumber(spec, input as HTMLInputElement));
      input.addEventListener('change', () => this.send.flush());
    } else {
      input = h('input', { id, 'data-testid': id, type: 'text', placeholder: spec.placeholder, spellcheck: 'false', 'aria-describedby': `${id}-error` });
      const onText = spec.kind === 'names' ? () => this.onNames(spec.key, input as HTMLInputElement) : () => this.onShape(spec.key, input as HTMLInputElement);
      input.addEventListener('input', onText);
      input.addEventListener('change', () => this.send.flush());
    }
    this.inputs.set(spec.key, input);
    const label = h('label', { for: id }, spec.label);
    if (spec.help) input.setAttribute('title', spec.help);
    const body = spec.kind === 'checkbox' ? h('div', { class: 'check' }, input, label) : h('div', { class: 'stack' }, label, input);
    return h('div', { class: `control control-${spec.kind}` }, body, error);
  }

  private setError(key: Key, message: string | undefined): void {
    const input = this.inputs.get(key);
    const error = this.errors.get(key);
    if (!input || !error) return;
    input.setAttribute('aria-invalid', message ? 'true' : 'false');
    error.textContent = message ?? '';
  }

  private onNumber(spec: Extract<Spec, { kind: 'int' }>, input: HTMLInputElement): void {
    const text = input.value.trim();
    if (text === '' && spec.nullable) {
      this.setError(spec.key, undefined);
      this.queue(spec.key, null, false);
      return;
    }
    const n = Number(text);
    if (text === '' || !Number.isInteger(n) || n < spec.min || n > spec.max) {
      this.setError(spec.key, `A whole number from ${spec.min.toLocaleString('en-US')} to ${spec.max.toLocaleString('en-US')}`);
      return;
    }
    this.setError(spec.key, undefined);
    this.queue(spec.key, n, false);
  }

  private onShape(key: Key, input: HTMLInputElement): void {
    const parsed = parseInputShape(input.value);
    if (!parsed.ok) {
      this.setError(key, parsed.reason);
      return;
    }
    this.setError(key, undefined);
    this.queue(key, parsed.shape, false);
  }

  private onNames(key: Key, input: HTMLInputElement): void {
    const parsed = parseNameList(input.value);
    if (!parsed.ok) {
      this.setError(key, parsed.reason);
      return;
    }
    this.setError(key, undefined);
    this.queue(key, parsed.names, false);
  }

  private queue(key: Key, value: unknown, immediate: boolean): void {
    (this.pending as Record<string, unknown>)[key] = value;
    if (this.current) {
      (this.current as unknown as Record<string, unknown>)[key] = value;
      this.applyDisabled(this.current);
    }
    this.send();
    if (immediate) this.send.flush();
  }

  /** Shows the host's controls, except where the person is typing or has unsent edits. */
  render(controls: PanelControls, targetChoices: readonly DeviceChoice[]): void {
    this.current = { ...controls, targetDevices: [...controls.targetDevices] };
    for (const spec of SPECS) {
      const input = this.inputs.get(spec.key);
      if (!input) continue;
      if (document.activeElement === input || spec.key in this.pending) continue;
      const value = controls[spec.key];
      if (spec.kind === 'checkbox') (input as HTMLInputElement).checked = value === true;
      else if (spec.kind === 'shape') input.value = formatInputShape(value as number[] | null);
      else if (spec.kind === 'names') input.value = Array.isArray(value) ? value.join(', ') : '';
      else input.value = value === null || value === undefined ? '' : String(value);
      this.setError(spec.key, undefined);
    }
    this.applyDisabled(controls);
    this.renderTargets(controls.targetDevices, targetChoices);
  }

  private applyDisabled(controls: PanelControls): void {
    for (const [key, when] of Object.entries(DISABLED_WHEN) as Array<[Key, (c: PanelControls) => boolean]>) {
      const input = this.inputs.get(key);
      if (input) input.disabled = when(controls);
    }
  }

  private renderTargets(selected: readonly string[], choices: readonly DeviceChoice[]): void {
    const chosen = new Set(selected);
    this.targetSummary.textContent = chosen.size === 0 ? ' · none' : ` · ${chosen.size} selected`;
    if (choices.length === 0) {
      replaceChildren(this.targets, h('p', { class: 'muted' }, 'No device catalog available.'));
      return;
    }
    // Keep the list (and its scroll and focus) when the choices are the same.
    const ids = choices.map((c) => c.id).join('\u0000');
    if (this.targets.dataset.ids !== ids) {
      this.targets.dataset.ids = ids;
      replaceChildren(
        this.targets,
        ...choices.map((c) => {
          const id = `target-${c.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
          const box = h('input', { type: 'checkbox', id, value: c.id, 'data-testid': id });
          box.addEventListener('change', () => this.onTargetsChanged());
          return h('div', { class: 'check' }, box, h('label', { for: id }, c.name, h('span', { class: 'muted' }, ` ${formatBytes(c.memoryBytes)}`)));
        }),
      );
    }
    if ('targetDevices' in this.pending) return;
    for (const box of Array.from(this.targets.querySelectorAll<HTMLInputElement>('input[type=checkbox]'))) box.checked = chosen.has(box.value);
  }

  private onTargetsChanged(): void {
    const ids = Array.from(this.targets.querySelectorAll<HTMLInputElement>('input[type=checkbox]'))
      .filter((b) => b.checked)
      .map((b) => b.value);
    this.targetSummary.textContent = ids.length === 0 ? ' · none' : ` · ${ids.length} selected`;
    this.queue('targetDevices', ids, false);
  }

  /** Sends what is pending now (before the panel goes away). */
  flush(): void {
    this.send.flush();
  }
}
