/**
 * Fit verdicts per device, with the engine's ranked recommendations, as the panel
 * shows them: local devices first (GPUs, then RAM), then the chosen targets.
 */
import type { FitResult, Verdict } from '../../core/estimate/types';
import type { DeviceSpec } from '../../core/hardware/types';
import { formatBytes, formatBytesBoth, formatExact } from '../../core/format';
import type { CapacityRole } from './capacity';

export interface VerdictStyle {
  label: string;
  /** Codicon name. */
  icon: string;
  tone: 'ok' | 'warn' | 'error';
}

export const VERDICTS: Record<Verdict, VerdictStyle> = {
  fits: { label: 'Fits', icon: 'pass', tone: 'ok' },
  'fits-with-changes': { label: 'Fits with changes', icon: 'warning', tone: 'warn' },
  'does-not-fit': { label: 'Does not fit', icon: 'error', tone: 'error' },
};

export interface RecommendationView {
  id: string;
  rank: number;
  title: string;
  cost: string;
  /** "saves 2.8 GB → needs 3.4 GB". */
  effect: string;
  fitsAlone: boolean;
  /** True when `apply` has something the panel can set. */
  applicable: boolean;
}

export interface FitCardModel {
  deviceId: string;
  device: string;
  role: CapacityRole;
  verdict: Verdict;
  style: VerdictStyle;
  reason: string;
  requiredBytes: number;
  availableBytes: number;
  /** required / available, for the usage bar (may exceed 1). */
  usage: number;
  usageText: string;
  /** "largest batch that fits: 2" or "does not fit at batch 1". */
  maxBatchText: string;
  /** "needs 2 GPUs with ZeRO-3 or FSDP". */
  minGpusText?: string;
  recommendations: RecommendationView[];
}

const ROLE_ORDER: Record<CapacityRole, number> = { 'local-gpu': 0, ram: 1, target: 2 };

const STRATEGY_NAMES: Record<string, string> = {
  none: 'one GPU',
  ddp: 'DDP',
  zero1: 'ZeRO-1',
  zero2: 'ZeRO-2',
  zero3: 'ZeRO-3',
  fsdp: 'FSDP',
};

function roleOf(f: FitResult, devices: readonly DeviceSpec[]): CapacityRole {
  const d = devices.find((x) => x.id === f.deviceId);
  if (d) return d.kind === 'cpu' ? 'ram' : d.local ? 'local-gpu' : 'target';
  if (!f.local) return 'target';
  return f.deviceId === 'local-cpu' || f.device === 'RAM' ? 'ram' : 'local-gpu';
}

function minGpusText(f: FitResult): string | undefined {
  if (f.verdict === 'fits') return undefined;
  const entries = Object.entries(f.minGpus ?? {}).filter(
    (e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]) && e[1] > 1,
  );
  if (entries.length === 0) return undefined;
  const fewest = Math.min(...entries.map(([, n]) => n));
  const names = entries.filter(([, n]) => n === fewest).map(([s]) => STRATEGY_NAMES[s] ?? s);
  return `needs ${formatExact(fewest)} of these GPUs with ${names.join(' or ')}`;
}

export function fitCards(fit: readonly FitResult[], devices: readonly DeviceSpec[], axisNoun = 'batch'): FitCardModel[] {
  const cards = fit.map((f, i) => {
    const role = roleOf(f, devices);
    const usage = f.availableBytes > 0 ? f.requiredBytes / f.availableBytes : Infinity;
    const card: FitCardModel = {
      deviceId: f.deviceId,
      device: f.device,
      role,
      verdict: f.verdict,
      style: VERDICTS[f.verdict] ?? VERDICTS['does-not-fit'],
      reason: f.reason,
      requiredBytes: f.requiredBytes,
      availableBytes: f.availableBytes,
      usage,
      usageText: `${formatBytes(f.requiredBytes)} of ${formatBytes(f.availableBytes)}`,
      maxBatchText:
        f.maxBatch > 0 ? `largest ${axisNoun} that fits: ${formatExact(f.maxBatch)}` : `does not fit at ${axisNoun} 1`,
      minGpusText: minGpusText(f),
      recommendations: (f.recommendations ?? []).map((r, rank) => ({
        id: r.id,
        rank: rank + 1,
        title: r.title,
        cost: r.cost,
        effect: `saves ${formatBytes(r.savesBytes)} → needs ${formatBytes(r.requiredBytes)}`,
        fitsAlone: r.fitsAlone,
        applicable: r.apply !== null && typeof r.apply === 'object' && Object.keys(r.apply).length > 0,
      })),
    };
    return { card, i };
  });
  return cards.sort((a, b) => ROLE_ORDER[a.card.role] - ROLE_ORDER[b.card.role] || a.i - b.i).map((c) => c.card);
}

/** Tooltip text for a usage bar. */
export function usageTitle(card: FitCardModel): string {
  return `needs ${formatBytesBoth(card.requiredBytes)}, ${formatBytesBoth(card.availableBytes)} usable`;
}
