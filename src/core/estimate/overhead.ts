/**
 * Fixed memory the framework takes on a device before the model: one row per device kind.
 * - CUDA context with lazy module loading (PyTorch's default since 1.13): 287,047,680 bytes
 *   measured in pytorch PR #86509; 666,632,192 bytes with eager loading (the same PR).
 * - cuBLAS workspace: PyTorch's default CUBLAS_WORKSPACE_CONFIG ":4096:2:16:8" is
 *   2 × 4 MiB + 8 × 16 KiB = 8,519,680 bytes, allocated on the first matmul.
 * ROCm is assumed to match CUDA. Apple's Metal and the CPU have no such context.
 */
import type { DeviceKind } from '../hardware/types';

export interface OverheadRow {
  contextBytes: number;
  workspaceBytes: number;
  explain: string;
}

export const CUDA_CONTEXT_LAZY_BYTES = 287_047_680;
export const CUDA_CONTEXT_EAGER_BYTES = 666_632_192;
export const CUBLAS_WORKSPACE_BYTES = 2 * 4 * 2 ** 20 + 8 * 16 * 2 ** 10;

export const OVERHEAD: Record<DeviceKind, OverheadRow> = {
  gpu: {
    contextBytes: CUDA_CONTEXT_LAZY_BYTES,
    workspaceBytes: CUBLAS_WORKSPACE_BYTES,
    explain: 'CUDA context 287 MB (lazy module loading, pytorch PR #86509; 667 MB with eager loading) + cuBLAS workspace 8.5 MB',
  },
  unified: { contextBytes: 0, workspaceBytes: 0, explain: 'no CUDA context on Apple silicon (Metal); framework overhead not counted' },
  cpu: { contextBytes: 0, workspaceBytes: 0, explain: 'CPU: no device context' },
};

export function overheadBytes(kind: DeviceKind): number {
  const row = OVERHEAD[kind];
  return row.contextBytes + row.workspaceBytes;
}
