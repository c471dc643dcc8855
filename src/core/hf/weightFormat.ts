/**
 * Facts about how a pretrained model's weights are stored and loaded:
 * config.json's `torch_dtype` and `quantization_config` (GPTQ, AWQ, bitsandbytes,
 * fp8 checkpoints), and the `from_pretrained` arguments `torch_dtype=`, `load_in_8bit=`,
 * `load_in_4bit=` and `quantization_config=BitsAndBytesConfig(...)`.
 *
 * Names follow transformers' BitsAndBytesConfig (bnb_4bit_quant_type, bnb_4bit_use_double_quant,
 * bnb_4bit_compute_dtype) and the `quant_method` / `bits` keys of quantised checkpoints.
 */
import type { WeightFormat } from '../graph';
import type { Precision } from '../options';

type Dict = Record<string, unknown>;

const DTYPE_ALIASES: Record<string, string> = {
  float32: 'float32',
  float: 'float32',
  fp32: 'float32',
  float16: 'float16',
  half: 'float16',
  fp16: 'float16',
  bfloat16: 'bfloat16',
  bf16: 'bfloat16',
  float8_e4m3fn: 'float8_e4m3fn',
  auto: 'auto',
};

const DTYPE_PRECISION: Record<string, Precision> = {
  float32: 'fp32',
  float16: 'fp16',
  bfloat16: 'bf16',
  float8_e4m3fn: 'fp8',
};

function isDict(v: unknown): v is Dict {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** "torch.bfloat16", "bfloat16", a callable reference named torch.bfloat16 -> "bfloat16". */
export function normaliseDtype(value: unknown): string | undefined {
  let text: string | undefined;
  if (typeof value === 'string') text = value;
  else if (isDict(value) && typeof value.name === 'string') text = value.name;
  else if (value !== null && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string') {
    text = (value as { name: string }).name;
  }
  if (text === undefined) return undefined;
  const bare = text.trim().replace(/^torch\./, '').toLowerCase();
  return DTYPE_ALIASES[bare];
}

function truthy(v: unknown): boolean {
  return v === true;
}

/** A quantization_config given as a dict (config.json, or BitsAndBytesConfig(...) arguments). */
function readQuantization(q: Dict): WeightFormat['quantization'] | undefined {
  const method = typeof q.quant_method === 'string' ? q.quant_method.toLowerCase() : undefined;
  if (truthy(q.load_in_4bit) || truthy(q._load_in_4bit)) {
    return {
      method: 'bitsandbytes',
      bits: 4,
      quantType: typeof q.bnb_4bit_quant_type === 'string' ? q.bnb_4bit_quant_type.toLowerCase() : 'fp4',
      doubleQuant: truthy(q.bnb_4bit_use_double_quant),
      computeDtype: normaliseDtype(q.bnb_4bit_compute_dtype) ?? 'float32',
    };
  }
  if (truthy(q.load_in_8bit) || truthy(q._load_in_8bit)) return { method: 'bitsandbytes', bits: 8 };
  if (method) {
    const bits = typeof q.bits === 'number' && q.bits > 0 ? q.bits : method.includes('fp8') ? 8 : undefined;
    if (bits !== undefined) return { method, bits };
    return { method, bits: 0 };
  }
  return undefined;
}

function precisionOf(q: NonNullable<WeightFormat['quantization']>): Precision | undefined {
  if (q.method === 'bitsandbytes' && q.bits === 4) return q.quantType === 'nf4' ? 'nf4' : 'int4';
  if (q.method.includes('fp8')) return 'fp8';
  if (q.bits === 8) return 'int8';
  if (q.bits === 4) return 'int4';
  return undefined;
}

function describeQuantization(q: NonNullable<WeightFormat['quantization']>): string {
  if (q.method === 'bitsandbytes' && q.bits === 4) {
    const type = (q.quantType ?? 'fp4').toUpperCase();
    const parts = [`4-bit ${type} (bitsandbytes)`];
    if (q.doubleQuant) parts.push('double quantization');
    if (q.computeDtype) parts.push(`compute ${q.computeDtype}`);
    return parts.join(', ');
  }
  if (q.bits > 0) return `${q.bits}-bit ${q.method}`;
  return `${q.method} quantization`;
}

/**
 * Reads the weight format from a config and the loading arguments. Returns undefined when
 * neither says anything about dtype or quantisation.
 */
export function readWeightFormat(config: Dict, loadArgs: Dict = {}): WeightFormat | undefined {
  const checkpointDtype = normaliseDtype(config.torch_dtype ?? config.dtype);
  const requested = normaliseDtype(loadArgs.torch_dtype ?? loadArgs.dtype);
  const loadDtype = requested === 'auto' ? checkpointDtype : requested;

  let quantization: WeightFormat['quantization'];
  if (isDict(loadArgs.quantization_config)) quantization = readQuantization(loadArgs.quantization_config);
  if (!quantization && (truthy(loadArgs.load_in_4bit) || truthy(loadArgs.load_in_8bit))) {
    quantization = readQuantization({ load_in_4bit: loadArgs.load_in_4bit, load_in_8bit: loadArgs.load_in_8bit });
  }
  let prequantised = false;
  if (!quantization && isDict(config.quantization_config)) {
    quantization = readQuantization(config.quantization_config);
    prequantised = quantization !== undefined;
  }

  if (!checkpointDtype && !loadDtype && !quantization) return undefined;
  const parts: string[] = [];
  if (checkpointDtype) parts.push(`checkpoint ${checkpointDtype}`);
  if (loadDtype) parts.push(`loaded as ${loadDtype}`);
  if (quantization) parts.push(`${prequantised ? 'quantised checkpoint' : 'loaded in'} ${describeQuantization(quantization)}`);

  const format: WeightFormat = { description: parts.join('; ') };
  if (checkpointDtype) format.checkpointDtype = checkpointDtype;
  if (loadDtype) format.loadDtype = loadDtype;
  if (quantization) format.quantization = quantization;
  const suggested = quantization ? precisionOf(quantization) : loadDtype ? DTYPE_PRECISION[loadDtype] : undefined;
  if (suggested) format.suggestedPrecision = suggested;
  return format;
}
