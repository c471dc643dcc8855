/**
 * Padding layers: ZeroPad, ConstantPad, ReflectionPad, ReplicationPad, CircularPad (1d/2d/3d).
 * `padding` is an int or a tuple (left, right, top, bottom, front, back): the last dim
 * first, as F.pad takes it. Constant padding may be negative (it crops).
 * 0 MACs. Reflection and replication keep their input for backward (the gradient folds
 * back onto it); constant and circular padding keep nothing.
 */
import type { LayerSpec } from '../../layerSpec';
import { defineRow, input, tensor } from './row';
import { inputAt, showShape } from './shapes';

type Kind = 'Zero' | 'Constant' | 'Reflection' | 'Replication' | 'Circular';

function padRow(kind: Kind, n: number): LayerSpec {
  return defineRow({
    type: `${kind}Pad${n}d`,
    signature: kind === 'Constant' ? 'padding, value' : 'padding',
    forward: (a, inputs) => {
      const x = inputAt(a, inputs, 0);
      if (x.length !== n + 1 && x.length !== n + 2) {
        a.fail(`expected a ${n + 1}D or ${n + 2}D input, got ${x.length}D ${showShape(x)}`);
      }
      const pads = a.ints('padding', 2 * n);
      if (kind === 'Constant') a.num('value');
      const out = x.slice();
      for (let i = 0; i < n; i++) {
        const dim = x.length - 1 - i;
        const [before, after] = [pads[2 * i]!, pads[2 * i + 1]!];
        // Reflection mirrors inside the dim (pad < size); circular wraps once at most (pad <= size).
        const limit = kind === 'Reflection' ? x[dim]! - 1 : kind === 'Circular' ? x[dim]! : Infinity;
        if (before > limit || after > limit) {
          a.fail(`padding (${before}, ${after}) is too large for the padded dimension of size ${x[dim]} (input ${showShape(x)})`);
        }
        if (kind !== 'Zero' && kind !== 'Constant' && (before < 0 || after < 0)) a.fail(`padding must be non-negative for ${kind.toLowerCase()} padding`);
        out[dim] = x[dim]! + before + after;
      }
      if (out.some((d) => d < 1)) a.fail(`padding ${showShape(pads)} leaves an empty output for input ${showShape(x)}`);
      const saves = kind === 'Reflection' || kind === 'Replication' ? [input(0)] : [];
      return { output: tensor(out), macs: 0, saves };
    },
  });
}

const KINDS: Kind[] = ['Zero', 'Constant', 'Reflection', 'Replication', 'Circular'];

export const PADDING_LAYERS: LayerSpec[] = KINDS.flatMap((kind) => [1, 2, 3].map((n) => padRow(kind, n)));
