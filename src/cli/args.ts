/**
 * Command-line parsing for `model-profiler`. Strict: an unknown flag or a bad value is an
 * error with a one-line message (exit code 2), never a silent default.
 */
import {
  ATTENTION_KERNELS,
  DEFAULT_OPTIONS,
  FINE_TUNING,
  MODES,
  OPTIMIZERS,
  PRECISIONS,
  SHARDING,
  isOneOf,
  type EstimateOptions,
} from '../core/options';

export type Command = 'profile' | 'fits' | 'hardware' | 'help' | 'version';

export interface CliArgs {
  command: Command;
  file?: string;
  json: boolean;
  /** Only report models with these names. */
  models: string[];
  /** Catalog devices to check; when empty, the detected hardware is used. */
  devices: string[];
  options: EstimateOptions;
  /** Which options the user set explicitly (they override `# profile:` comments). */
  explicit: Set<keyof EstimateOptions>;
  /** Skip hardware detection (faster; fit is checked against --device only). */
  noDetect: boolean;
  /** Deepest layer level the text table shows (torchinfo's default is 3). */
  depth: number;
}

export class UsageError extends Error {}

function positiveInt(flag: string, v: string, max = 1 << 30): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`${flag} expects a positive integer, got "${v}"`);
  const n = Number(v);
  if (n < 1 || n > max) throw new UsageError(`${flag} must be between 1 and ${max}, got ${v}`);
  return n;
}

function nonNegativeInt(flag: string, v: string, max: number): number {
  if (!/^\d+$/.test(v) || Number(v) > max) throw new UsageError(`${flag} expects an integer from 0 to ${max}, got "${v}"`);
  return Number(v);
}

function fraction(flag: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${flag} must be a number in [${min}, ${max}], got "${v}"`);
  return n;
}

function choice<T extends string>(flag: string, list: readonly T[], v: string): T {
  if (!isOneOf(list, v)) throw new UsageError(`${flag} must be one of ${list.join(', ')}; got "${v}"`);
  return v;
}

/** "3,224,224", "(3, 224, 224)" or "3x224x224" -> [3, 224, 224]. */
export function parseShape(flag: string, v: string): number[] {
  const parts = v.replace(/[()[\]\s]/g, '').split(/[,x×]/).filter((p) => p !== '');
  if (parts.length === 0 || parts.length > 8 || parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) {
    throw new UsageError(`${flag} expects dimensions like 3,224,224 (without the batch); got "${v}"`);
  }
  return parts.map(Number);
}

type Setter = (a: CliArgs, v: string, flag: string) => void;

const VALUE_FLAGS: Record<string, [keyof EstimateOptions | undefined, Setter]> = {
  '--batch': ['batch', (a, v, f) => (a.options.batch = positiveInt(f, v, 1 << 20))],
  '--seq': ['seq', (a, v, f) => (a.options.seq = positiveInt(f, v, 1 << 24))],
  '--input': ['input', (a, v, f) => (a.options.input = parseShape(f, v))],
  '--precision': ['precision', (a, v, f) => (a.options.precision = choice(f, PRECISIONS, v))],
  '--optimizer': ['optimizer', (a, v, f) => (a.options.optimizer = choice(f, OPTIMIZERS, v))],
  '--mode': ['mode', (a, v, f) => (a.options.mode = choice(f, MODES, v))],
  '--attention': ['attention', (a, v, f) => (a.options.attention = choice(f, ATTENTION_KERNELS, v))],
  '--fine-tuning': ['fineTuning', (a, v, f) => (a.options.fineTuning = choice(f, FINE_TUNING, v))],
  '--lora-rank': ['loraRank', (a, v, f) => (a.options.loraRank = positiveInt(f, v, 4096))],
  '--lora-targets': ['loraTargets', (a, v) => (a.options.loraTargets = v.split(',').map((s) => s.trim()).filter(Boolean))],
  '--sharding': ['sharding', (a, v, f) => (a.options.sharding = choice(f, SHARDING, v))],
  '--gpus': ['gpuCount', (a, v, f) => (a.options.gpuCount = positiveInt(f, v, 4096))],
  '--utilization': ['utilization', (a, v, f) => (a.options.utilization = fraction(f, v, 0.01, 1))],
  '--headroom': ['headroom', (a, v, f) => (a.options.headroom = fraction(f, v, 0, 90) / 100)],
  '--training-tokens': ['trainingTokens', (a, v, f) => (a.options.trainingTokens = fraction(f, v, 0, 1e18))],
  '--device': [undefined, (a, v) => a.devices.push(v)],
  '--depth': [undefined, (a, v, f) => (a.depth = nonNegativeInt(f, v, 64))],
  '--model': [undefined, (a, v) => a.models.push(v)],
};

const BOOLEAN_FLAGS: Record<string, (a: CliArgs) => void> = {
  '--json': (a) => (a.json = true),
  '--checkpointing': (a) => {
    a.options.gradientCheckpointing = true;
    a.explicit.add('gradientCheckpointing');
  },
  '--cpu-offload': (a) => {
    a.options.cpuOffload = true;
    a.explicit.add('cpuOffload');
  },
  '--no-detect': (a) => (a.noDetect = true),
};

const COMMANDS: readonly Command[] = ['profile', 'fits', 'hardware'];

export function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = {
    command: 'help',
    json: false,
    models: [],
    devices: [],
    options: { ...DEFAULT_OPTIONS, loraTargets: [...DEFAULT_OPTIONS.loraTargets] },
    explicit: new Set(),
    noDetect: false,
    depth: 3,
  };
  const rest = [...argv];
  const first = rest.shift();
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') return args;
  if (first === '--version' || first === '-v' || first === 'version') return { ...args, command: 'version' };
  if (!isOneOf(COMMANDS, first)) throw new UsageError(`unknown command "${first}" (expected profile, fits or hardware)`);
  args.command = first;

  while (rest.length > 0) {
    const token = rest.shift()!;
    if (token === '--help' || token === '-h') return { ...args, command: 'help' };
    const eq = token.indexOf('=');
    const flag = token.startsWith('--') && eq > 0 ? token.slice(0, eq) : token;
    const inline = token.startsWith('--') && eq > 0 ? token.slice(eq + 1) : undefined;
    if (BOOLEAN_FLAGS[flag]) {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
      BOOLEAN_FLAGS[flag](args);
      continue;
    }
    const valued = VALUE_FLAGS[flag];
    if (valued) {
      const value = inline ?? rest.shift();
      if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
      valued[1](args, value, flag);
      if (valued[0]) args.explicit.add(valued[0]);
      if (valued[0] === 'batch') args.options.batchFromUser = true;
      continue;
    }
    if (token.startsWith('-')) throw new UsageError(`unknown option "${token}" (see model-profiler --help)`);
    if (args.file !== undefined) throw new UsageError(`one file at a time: got "${args.file}" and "${token}"`);
    args.file = token;
  }
  if (args.explicit.size > 0) args.options.overridesProfile = [...args.explicit];
  if ((args.command === 'profile' || args.command === 'fits') && args.file === undefined) {
    throw new UsageError(`${args.command} needs a FILE (a .py file, a .ipynb notebook or a transformers config.json)`);
  }
  return args;
}

export const USAGE = `model-profiler — parameters, memory, compute and storage of PyTorch and Keras models, from source.

Usage:
  model-profiler profile FILE [options]   per-layer table and estimates (or --json)
  model-profiler fits FILE [options]      does it fit? exit 0 fits, 1 does not, 2 error
  model-profiler hardware [--json]        the GPUs, RAM and disk detected here

FILE is a .py file, a .ipynb notebook, or a transformers config.json.

Options:
  --json                      machine-readable output (the documented JSON contract)
  --model NAME                only this model (repeatable)
  --batch N                   batch size (default ${DEFAULT_OPTIONS.batch})
  --seq N                     sequence length for sequence models
  --input 3,224,224           input shape without the batch dimension
  --mode train|infer          workload (default ${DEFAULT_OPTIONS.mode})
  --precision P               ${PRECISIONS.join(' | ')} (default ${DEFAULT_OPTIONS.precision})
  --optimizer O               ${OPTIMIZERS.join(' | ')} (default ${DEFAULT_OPTIONS.optimizer})
  --checkpointing             gradient checkpointing
  --attention K               ${ATTENTION_KERNELS.join(' | ')} (default auto)
  --fine-tuning F             ${FINE_TUNING.join(' | ')} (default full)
  --lora-rank R               LoRA rank (default ${DEFAULT_OPTIONS.loraRank})
  --lora-targets a,b          LoRA target module names (default all-linear)
  --sharding S                ${SHARDING.join(' | ')} (default none)
  --gpus N                    GPUs the sharding spreads over (default 1)
  --cpu-offload               offload optimizer state to CPU RAM
  --utilization U             assumed model FLOPs utilisation, 0.01..1 (default ${DEFAULT_OPTIONS.utilization})
  --headroom PCT              memory kept free, percent (default ${DEFAULT_OPTIONS.headroom * 100})
  --training-tokens N         tokens/samples of a whole run, for total training FLOPs
  --device NAME               check this catalog device (repeatable), e.g. "A100 80GB"
  --no-detect                 do not probe this machine's hardware
  --depth N                   deepest layer level in the table (default 3)
  -h, --help                  this help
  -v, --version               the version
`;
