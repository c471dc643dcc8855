/**
 * A framework package (torch, keras) is built once per interpreter session, on its first
 * import, and kept as long as the session lives.
 */
import type { Interp } from '../python/interp';

export interface PerInterpreter<T> {
  /** The session's value, built on first use. */
  get(interp: Interp): T;
  /** The session's value when it was built already. */
  existing(interp: Interp): T | undefined;
}

/**
 * `build` makes the value; `ready` runs once it is stored, so code it runs that imports
 * the package again (torch's Python prelude) finds it.
 */
export function perInterpreter<T>(build: (interp: Interp) => T, ready?: (value: T) => void): PerInterpreter<T> {
  const values = new WeakMap<Interp, T>();
  return {
    get(interp) {
      let value = values.get(interp);
      if (value === undefined) {
        value = build(interp);
        values.set(interp, value);
        ready?.(value);
      }
      return value;
    },
    existing: (interp) => values.get(interp),
  };
}
