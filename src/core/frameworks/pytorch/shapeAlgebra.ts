/**
 * Shape rules of torch's tensor operations (broadcasting, view/reshape,
 * permute, matmul, indexing, reductions, conv output sizes). Pure functions
 * over number arrays; they throw ShapeError with torch-like messages.
 */

export class ShapeError extends Error {}

export function prod(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Normalise a possibly negative dimension index for a tensor of `rank` dims. */
export function normDim(d: number, rank: number, extra = 0): number {
  const r = rank + extra;
  const x = d < 0 ? d + r : d;
  if (x < 0 || x >= Math.max(r, 1)) throw new ShapeError(`dimension ${d} out of range for a ${rank}-D tensor`);
  return x;
}

export function broadcast(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new ShapeError(`shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast (dimension ${i}: ${x} vs ${y})`);
    }
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** view/reshape target with one -1 inferred. */
export function reshape(from: readonly number[], to: number[]): number[] {
  const total = prod(from);
  const neg = to.filter((d) => d === -1).length;
  if (neg > 1) throw new ShapeError('only one dimension can be inferred (-1)');
  if (neg === 1) {
    const known = prod(to.filter((d) => d !== -1));
    if (known === 0 || total % known !== 0) throw new ShapeError(`shape [${to.join(', ')}] is invalid for input of size ${total}`);
    return to.map((d) => (d === -1 ? total / known : d));
  }
  if (prod(to) !== total) throw new ShapeError(`shape [${to.join(', ')}] is invalid for input of size ${total}`);
  return to;
}

export function permute(shape: readonly number[], dims: number[]): number[] {
  if (dims.length !== shape.length) throw new ShapeError(`permute: expected ${shape.length} dims, got ${dims.length}`);
  return dims.map((d) => shape[normDim(d, shape.length)]!);
}

export function transpose(shape: readonly number[], a: number, b: number): number[] {
  const out = shape.slice();
  if (!shape.length) return out;
  const i = normDim(a, shape.length);
  const j = normDim(b, shape.length);
  [out[i], out[j]] = [out[j]!, out[i]!];
  return out;
}

export function flatten(shape: readonly number[], start = 0, end = -1): number[] {
  if (!shape.length) return [1];
  const s = normDim(start, shape.length);
  const e = normDim(end, shape.length);
  if (s > e) throw new ShapeError('flatten: start_dim cannot come after end_dim');
  return [...shape.slice(0, s), prod(shape.slice(s, e + 1)), ...shape.slice(e + 1)];
}

export function squeeze(shape: readonly number[], dim?: number): number[] {
  if (dim === undefined) return shape.filter((d) => d !== 1);
  if (!shape.length) return [];
  const d = normDim(dim, shape.length);
  return shape[d] === 1 ? [...shape.slice(0, d), ...shape.slice(d + 1)] : shape.slice();
}

export function unsqueeze(shape: readonly number[], dim: number): number[] {
  const d = normDim(dim, shape.length, 1);
  return [...shape.slice(0, d), 1, ...shape.slice(d)];
}

export function expand(shape: readonly number[], sizes: number[]): number[] {
  if (sizes.length < shape.length) throw new ShapeError(`expand: the number of sizes (${sizes.length}) must be at least the tensor's rank (${shape.length})`);
  const off = sizes.length - shape.length;
  return sizes.map((s, i) => {
    const cur = i >= off ? shape[i - off]! : 1;
    if (s === -1) {
      if (i < off) throw new ShapeError('expand: -1 is not allowed in a leading, new dimension');
      return cur;
    }
    if (cur !== 1 && cur !== s) throw new ShapeError(`expand: size ${cur} cannot expand to ${s} at dimension ${i}`);
    return s;
  });
}

export function repeat(shape: readonly number[], reps: number[]): number[] {
  if (reps.length < shape.length) throw new ShapeError('repeat: number of repeats must be at least the tensor rank');
  const off = reps.length - shape.length;
  return reps.map((r, i) => (i >= off ? shape[i - off]! : 1) * r);
}

/** Reduction over `dims` (undefined = all). */
export function reduce(shape: readonly number[], dims: number[] | undefined, keepdim: boolean): number[] {
  if (dims === undefined) return keepdim ? shape.map(() => 1) : [];
  const ds = new Set(dims.map((d) => normDim(d, shape.length)));
  const out: number[] = [];
  shape.forEach((s, i) => {
    if (!ds.has(i)) out.push(s);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** torch.matmul's shape and MACs (batch dims broadcast). */
export function matmul(a: readonly number[], b: readonly number[]): { shape: number[]; macs: number } {
  if (!a.length || !b.length) throw new ShapeError('matmul: both arguments need at least 1 dimension');
  const a2 = a.length === 1 ? [1, a[0]!] : a.slice();
  const b2 = b.length === 1 ? [b[0]!, 1] : b.slice();
  const k = a2[a2.length - 1]!;
  if (b2[b2.length - 2] !== k) {
    throw new ShapeError(`matmul: shapes [${a.join(', ')}] and [${b.join(', ')}] cannot be multiplied (${k} vs ${b2[b2.length - 2]})`);
  }
  const n = a2[a2.length - 2]!;
  const m = b2[b2.length - 1]!;
  const batch = broadcast(a2.slice(0, -2), b2.slice(0, -2));
  const shape = [...batch, n, m];
  if (a.length === 1) shape.splice(shape.length - 2, 1);
  if (b.length === 1) shape.splice(shape.length - 1, 1);
  return { shape, macs: prod(batch) * n * k * m };
}

export function cat(shapes: number[][], dim: number): number[] {
  const nonEmpty = shapes.filter((s) => !(s.length === 1 && s[0] === 0));
  if (!nonEmpty.length) return shapes[0] ?? [0];
  const first = nonEmpty[0]!;
  const d = normDim(dim, first.length);
  let total = 0;
  for (const s of nonEmpty) {
    if (s.length !== first.length) throw new ShapeError(`cat: tensors must have the same rank (${first.length} vs ${s.length})`);
    s.forEach((x, i) => {
      if (i !== d && x !== first[i]) throw new ShapeError(`cat: sizes must match except in dimension ${d} ([${first.join(', ')}] vs [${s.join(', ')}])`);
    });
    total += s[d]!;
  }
  const out = first.slice();
  out[d] = total;
  return out;
}

export function stack(shapes: number[][], dim: number): number[] {
  const first = shapes[0] ?? [];
  for (const s of shapes) if (s.join(',') !== first.join(',')) throw new ShapeError('stack: all tensors must have the same shape');
  const d = normDim(dim, first.length, 1);
  return [...first.slice(0, d), shapes.length, ...first.slice(d)];
}

/**
 * Most tensors one split, chunk or unbind may return. Each piece is an object here, and
 * a dimension can be as long as 2^53: `x.split(1)` on a 10^11-long one must not try.
 */
export const MAX_PIECES = 65_536;

/** Throws when an op would return more than MAX_PIECES tensors. */
export function checkPieces(op: string, pieces: number): void {
  if (pieces > MAX_PIECES) throw new ShapeError(`${op} would return ${pieces.toLocaleString('en-US')} tensors, more than the ${MAX_PIECES.toLocaleString('en-US')} analysed`);
}

/** Sizes of torch.split(split_size_or_sections, dim). */
export function splitSizes(len: number, size: number | number[]): number[] {
  if (Array.isArray(size)) {
    if (size.reduce((a, b) => a + b, 0) !== len) throw new ShapeError(`split: sections [${size.join(', ')}] do not sum to ${len}`);
    return size;
  }
  if (size <= 0) throw new ShapeError('split: split_size must be positive');
  checkPieces('split', Math.ceil(len / size));
  const out: number[] = [];
  for (let i = 0; i < len; i += size) out.push(Math.min(size, len - i));
  return out.length ? out : [0];
}

/** Sizes of torch.chunk(chunks, dim). */
export function chunkSizes(len: number, chunks: number): number[] {
  if (chunks <= 0) throw new ShapeError('chunk: chunks must be positive');
  const size = Math.ceil(len / chunks);
  return splitSizes(len, size || 1);
}

/** Output length of a convolution / pooling window. */
export function convOut(len: number, kernel: number, stride: number, padding: number, dilation: number, ceil = false): number {
  const num = len + 2 * padding - dilation * (kernel - 1) - 1;
  const out = (ceil ? Math.ceil(num / stride) : Math.floor(num / stride)) + 1;
  if (ceil && (out - 1) * stride >= len + padding) return out - 1;
  return out;
}

export function convTransposeOut(len: number, kernel: number, stride: number, padding: number, outPadding: number, dilation: number): number {
  return (len - 1) * stride - 2 * padding + dilation * (kernel - 1) + outPadding + 1;
}

/** einsum output shape and MACs (the product of every index size, as a loop nest computes it). */
export function einsum(eq: string, shapes: number[][]): { shape: number[]; macs: number } {
  const clean = eq.replace(/\s+/g, '');
  const [lhs, rhsGiven] = clean.split('->') as [string, string | undefined];
  const terms = lhs.split(',');
  if (terms.length !== shapes.length) throw new ShapeError(`einsum: ${terms.length} operands in the equation, ${shapes.length} given`);
  const sizes = new Map<string, number>();
  let ellipsis: number[] = [];
  terms.forEach((t, i) => {
    const s = shapes[i]!;
    let letters = t;
    let dims = s;
    if (t.includes('...')) {
      const [pre, post] = t.split('...') as [string, string];
      const nEll = s.length - pre.length - post.length;
      ellipsis = broadcast(ellipsis, s.slice(pre.length, pre.length + nEll));
      letters = pre + post;
      dims = [...s.slice(0, pre.length), ...s.slice(pre.length + nEll)];
    }
    if (letters.length !== dims.length) throw new ShapeError(`einsum: term '${t}' does not match operand of rank ${s.length}`);
    [...letters].forEach((c, j) => {
      const prev = sizes.get(c);
      const d = dims[j]!;
      if (prev !== undefined && prev !== d && prev !== 1 && d !== 1) throw new ShapeError(`einsum: index '${c}' has sizes ${prev} and ${d}`);
      sizes.set(c, Math.max(prev ?? 1, d));
    });
  });
  let rhs = rhsGiven;
  if (rhs === undefined) {
    const counts = new Map<string, number>();
    for (const t of terms) for (const c of t.replace('...', '')) counts.set(c, (counts.get(c) ?? 0) + 1);
    rhs = (clean.includes('...') ? '...' : '') + [...counts].filter(([, n]) => n === 1).map(([c]) => c).sort().join('');
  }
  const shape: number[] = [];
  const [rpre, rpost] = rhs.includes('...') ? (rhs.split('...') as [string, string]) : [rhs, ''];
  for (const c of rpre) shape.push(sizes.get(c) ?? 1);
  if (rhs.includes('...')) shape.push(...ellipsis);
  for (const c of rpost) shape.push(sizes.get(c) ?? 1);
  const macs = terms.length > 1 ? prod([...sizes.values()]) * prod(ellipsis) : 0;
  return { shape, macs };
}
