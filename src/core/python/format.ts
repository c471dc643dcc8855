/** Python format specs (str.format, f-strings) over interpreter values. */
import { toBigInt, toNumber } from './ops';
import { show, type Value } from './values';

/**
 * Fixed-point text of x with `digits` decimals, rounded as Python does: on the
 * exact binary value, ties to even (JS toFixed breaks exact ties upwards).
 */
export function pyFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : x < 0 ? '-inf' : 'nan';
  const d = Math.max(0, Math.min(100, digits));
  const exact = x.toFixed(Math.min(100, d + 25));
  const cut = exact.length - (Math.min(100, d + 25) - d);
  const rest = exact.slice(cut);
  if (!/^50*$/.test(rest)) return x.toFixed(d);
  // An exact tie: keep the kept digits when the last one is even.
  const kept = exact.slice(0, d === 0 ? cut - 1 : cut);
  const last = Number(kept[kept.length - 1]);
  if (last % 2 === 0) return kept.endsWith('.') ? kept.slice(0, -1) : kept;
  return x.toFixed(d);
}

/** str.format and f-string format specs: fill/align, sign, width, grouping, precision, type. */
export function formatValue(v: Value, spec: string): string {
  const m = /^(?:(.)?([<>^=]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/.exec(spec);
  if (!m) return show(v);
  const [, fill = ' ', align, , , zero, width, group, prec, type] = m;
  const n = toNumber(v);
  let s: string;
  if (n !== undefined && type) {
    switch (type) {
      case 'f':
      case 'F':
        s = pyFixed(n, prec ? Number(prec) : 6);
        break;
      case 'e':
      case 'E':
        s = n.toExponential(prec ? Number(prec) : 6).replace(/e([+-])(\d)$/, 'e$10$2');
        break;
      case '%':
        s = pyFixed(n * 100, prec ? Number(prec) : 6) + '%';
        break;
      case 'd':
        s = v.t === 'int' ? v.v.toString() : String(Math.trunc(n));
        break;
      case 'x':
        s = (toBigInt(v) ?? 0n).toString(16);
        break;
      case 'b':
        s = (toBigInt(v) ?? 0n).toString(2);
        break;
      case 'g':
        s = String(Number(n.toPrecision(prec ? Number(prec) : 6)));
        break;
      default:
        s = show(v);
    }
  } else if (n !== undefined && prec && v.t === 'float') s = String(Number(n.toPrecision(Number(prec))));
  else s = show(v);
  if (group && n !== undefined) {
    const [ip, fp] = s.split('.');
    s = ip!.replace(/\B(?=(\d{3})+(?!\d))/g, group) + (fp !== undefined ? '.' + fp : '');
  }
  const w = width ? Number(width) : 0;
  if (s.length < w) {
    const pad = (zero && !align ? '0' : fill).repeat(w - s.length);
    const a = align ?? (n !== undefined ? '>' : '<');
    if (a === '<') s = s + pad;
    else if (a === '^') s = pad.slice(0, pad.length >> 1) + s + pad.slice(pad.length >> 1);
    else s = pad + s;
  }
  return s;
}

