/**
 * Strides of views, as torch lays them out: which views share memory and which
 * reshapes must copy decides what autograd saves (a copy is a new tensor; a view
 * of a saved tensor costs nothing more). `undefined` strides mean contiguous.
 */

export function contiguousStrides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= Math.max(1, shape[i]!);
  }
  return out;
}

/** True when the strides are the row-major ones (size-1 dimensions may have any stride). */
export function isContiguous(shape: readonly number[], strides: readonly number[] | undefined): boolean {
  if (!strides) return true;
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const n = shape[i]!;
    if (n === 1) continue;
    if (strides[i] !== expected) return false;
    expected *= n;
  }
  return true;
}

/**
 * Strides of `newShape` as a view of a tensor with `oldShape`/`oldStrides`, or
 * undefined when no view exists and reshape must copy (ATen's computeStride).
 */
export function viewStrides(oldShape: readonly number[], oldStrides: readonly number[], newShape: readonly number[]): number[] | undefined {
  if (!oldShape.length) return newShape.map(() => 1);
  const numel = oldShape.reduce((a, b) => a * b, 1);
  if (numel === 0) return contiguousStrides(newShape);
  const newStrides = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1]!;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d]!;
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return undefined;
      if (d > 0) {
        chunkBase = oldStrides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? newStrides : undefined;
}

/** Strides after expanding `shape` to `to` (new and broadcast dimensions get stride 0). */
export function expandStrides(shape: readonly number[], strides: readonly number[], to: readonly number[]): number[] {
  const off = to.length - shape.length;
  return to.map((n, i) => (i < off ? 0 : shape[i - off] === 1 && n !== 1 ? 0 : strides[i - off]!));
}
