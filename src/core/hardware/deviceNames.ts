/**
 * Tolerant matching of accelerator names against the catalog. The same card is
 * written many ways: "NVIDIA GeForce RTX 4090" (nvidia-smi), "AMD Instinct MI300X"
 * (rocm-smi), "Apple M2 Max" (system_profiler), "rtx4090" or "A100 80GB" (people).
 *
 * Names become word tokens (brand words dropped, "80 GB" joined to "80gb", "rtx4090"
 * split to "rtx 4090"); a catalog alias matches when its tokens appear consecutively
 * in the name and are not followed by a variant word ("Ti", "Laptop", "PCIe"), so
 * "RTX 3060 Ti" is not an "RTX 3060" and "H100 PCIe" is not the SXM part. The alias
 * with the most tokens wins.
 */
import type { DeviceSpec } from './types';
import type { CatalogEntry } from './catalog';

const GIB = 2 ** 30;

/** Words that name a vendor or product line, not a chip. */
const BRAND_WORDS = new Set([
  'nvidia', 'geforce', 'tesla', 'quadro', 'amd', 'ati', 'apple', 'instinct', 'generation',
  'gpu', 'graphics', 'corporation', 'corp', 'inc', 'r', 'tm', 'accelerator',
]);

/** Words that turn a chip name into a different product when they follow it. */
const VARIANT_WORDS = new Set([
  'ti', 'super', 'xt', 'xtx', 'max', 'pro', 'ultra', 'nvl', 'laptop', 'mobile', 'notebook',
  'q', 'd', 'pcie', 'sxm', 'sxm2', 'sxm4', 'sxm5', 'hbm3', 'hbm3e', 'ada', 'mig',
]);

/** "NVIDIA GeForce RTX 4090" -> ["rtx", "4090"]; "A100-SXM4-80GB" -> ["a100", "sxm4", "80gb"]. */
export function nameTokens(name: string): string[] {
  const raw = name
    .toLowerCase()
    .replace(/\(r\)|\(tm\)|®|™/g, ' ')
    // "rtx4090" -> "rtx 4090", "m2max" stays a token but "m2 max" is what aliases use.
    .replace(/\b(rtx|gtx|rx)(\d)/g, '$1 $2')
    .split(/[^a-z0-9.]+/)
    .filter((t) => t.length > 0 && !BRAND_WORDS.has(t));
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i];
    const next = raw[i + 1];
    // "80 GB" / "80 GiB" -> "80gb"
    if (/^\d+(\.\d+)?$/.test(t) && (next === 'gb' || next === 'gib' || next === 'g')) {
      out.push(`${t}gb`);
      i++;
      continue;
    }
    // "80g" / "80gib" -> "80gb" (but not MIG-style "3g.40gb", which has a dot)
    const mem = /^(\d+)(g|gib)$/.exec(t);
    out.push(mem ? `${mem[1]}gb` : t);
  }
  return out;
}

/** The memory size a name states ("A100 80GB" -> 80), in GB as written. */
export function statedMemoryGB(tokens: readonly string[]): number | undefined {
  for (const t of tokens) {
    const m = /^(\d+(?:\.\d+)?)gb$/.exec(t);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** True when `alias` appears consecutively in `tokens` and no variant word follows it. */
function matchAt(tokens: readonly string[], alias: readonly string[]): boolean {
  if (alias.length === 0 || alias.length > tokens.length) return false;
  for (let start = 0; start + alias.length <= tokens.length; start++) {
    let ok = true;
    for (let j = 0; j < alias.length; j++) {
      if (tokens[start + j] !== alias[j]) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    const after = tokens[start + alias.length];
    if (after === undefined || !VARIANT_WORDS.has(after)) return true;
  }
  return false;
}

interface Candidate {
  entry: CatalogEntry;
  score: number;
}

function candidates(entries: readonly CatalogEntry[], tokens: readonly string[]): Candidate[] {
  const out: Candidate[] = [];
  for (const entry of entries) {
    let best = 0;
    for (const alias of [entry.name, ...entry.aliases]) {
      const at = nameTokens(alias);
      if (at.length > best && matchAt(tokens, at)) best = at.length;
    }
    if (best > 0) out.push({ entry, score: best });
  }
  // Most specific alias first; catalog order breaks ties (stable sort).
  return out.sort((a, b) => b.score - a.score);
}

/** A catalog entry as a plain DeviceSpec: a copy, without the names it is known by. */
export function toDeviceSpec(entry: CatalogEntry): DeviceSpec {
  const { aliases: _aliases, memoryOptionsGB: _options, ...spec } = entry;
  return { ...spec, peakTflops: { ...spec.peakTflops } };
}

function specOf(entry: CatalogEntry, memoryGB?: number, note?: string): DeviceSpec {
  const copy = toDeviceSpec(entry);
  if (memoryGB !== undefined) copy.memoryBytes = memoryGB * GIB;
  if (note) copy.source = `${copy.source ?? ''} (${note})`.trim();
  return copy;
}

const gbOf = (entry: CatalogEntry): number => entry.memoryBytes / GIB;

/** See findDevice in ./catalog. */
export function matchCatalog(entries: readonly CatalogEntry[], nameOrId: string): DeviceSpec | undefined {
  if (typeof nameOrId !== 'string') return undefined;
  const trimmed = nameOrId.trim();
  if (trimmed.length === 0 || trimmed.length > 200) return undefined;
  const byId = entries.find((e) => e.id === trimmed.toLowerCase());
  if (byId) return specOf(byId);

  // A MIG slice ("NVIDIA A100-SXM4-80GB MIG 3g.40gb") is matched by its physical GPU.
  const tokens = nameTokens(trimmed.replace(/\bMIG\b.*$/i, ''));
  const found = candidates(entries, tokens);
  if (found.length === 0) return undefined;
  const top = found[0];
  const memory = statedMemoryGB(tokens);
  if (memory === undefined || memory === gbOf(top.entry)) return specOf(top.entry);

  // The name states a memory size: a variant of the same specificity that has it, a
  // configuration the chip is sold with, or else the chip with the memory as named.
  const sameSize = found.find((c) => c.score === top.score && gbOf(c.entry) === memory);
  if (sameSize) return specOf(sameSize.entry);
  if (top.entry.memoryOptionsGB?.includes(memory)) return specOf(top.entry, memory);
  if (top.entry.kind === 'cpu') return specOf(top.entry);
  return specOf(top.entry, memory, `memory as named: ${memory} GB`);
}
