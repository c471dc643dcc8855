/**
 * What the panel remembers across reloads through the webview's getState/setState
 * (and what the host's serializer receives back after a window reload). Read with
 * `readViewState`: the stored value may come from an older version, or be anything.
 */
import { CHART_IDS, LIMITS, type ChartId } from './protocol';
import { LAYER_COLUMNS, type LayerSort } from './viewModel/layerTable';

export interface PanelViewState {
  v: 1;
  selectedModelId?: string;
  /** Collapsed module paths of the layer table, per model id. */
  collapsed: Record<string, string[]>;
  sort: LayerSort;
  /** Charts whose data table is shown. */
  shownTables: ChartId[];
  /** Device the time card uses. */
  timeDeviceId?: string;
  scrollY: number;
}

/** Models whose collapsed rows are remembered; older ones are forgotten first. */
export const REMEMBERED_MODELS = 20;
const MAX_PATHS = 5000;

export const EMPTY_VIEW_STATE: PanelViewState = { v: 1, collapsed: {}, sort: null, shownTables: [], scrollY: 0 };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const shortString = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

export function readViewState(raw: unknown): PanelViewState {
  if (!isObject(raw) || raw.v !== 1) return { ...EMPTY_VIEW_STATE, collapsed: {} };
  const collapsed: Record<string, string[]> = {};
  if (isObject(raw.collapsed)) {
    for (const [id, paths] of Object.entries(raw.collapsed).slice(-REMEMBERED_MODELS)) {
      if (!shortString(id, LIMITS.idLength) || id === '__proto__' || !Array.isArray(paths)) continue;
      collapsed[id] = paths.filter((p): p is string => typeof p === 'string' && p.length <= LIMITS.pathLength).slice(0, MAX_PATHS);
    }
  }
  let sort: LayerSort = null;
  if (isObject(raw.sort)) {
    const column = LAYER_COLUMNS.find((c) => c.id === (raw.sort as Record<string, unknown>).column)?.id;
    const direction = (raw.sort as Record<string, unknown>).direction;
    if (column && (direction === 'asc' || direction === 'desc')) sort = { column, direction };
  }
  const shownTables = Array.isArray(raw.shownTables)
    ? CHART_IDS.filter((id) => (raw.shownTables as unknown[]).includes(id))
    : [];
  return {
    v: 1,
    selectedModelId: shortString(raw.selectedModelId, LIMITS.idLength) ? raw.selectedModelId : undefined,
    collapsed,
    sort,
    shownTables,
    timeDeviceId: shortString(raw.timeDeviceId, LIMITS.shortStringLength) ? raw.timeDeviceId : undefined,
    scrollY: typeof raw.scrollY === 'number' && Number.isFinite(raw.scrollY) && raw.scrollY > 0 ? raw.scrollY : 0,
  };
}

/** Remembers a model's collapsed rows, keeping the most recent REMEMBERED_MODELS models. */
export function withCollapsed(state: PanelViewState, modelId: string, paths: Iterable<string>): PanelViewState {
  const rest = Object.entries(state.collapsed).filter(([id]) => id !== modelId);
  const collapsed = Object.fromEntries([...rest.slice(-(REMEMBERED_MODELS - 1)), [modelId, [...paths].slice(0, MAX_PATHS)]]);
  return { ...state, collapsed };
}
