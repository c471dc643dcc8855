/**
 * Keras' automatic names: the class name in snake case, numbered per prefix
 * in creation order ("dense", "dense_1", ...), as keras/src/utils/naming.py
 * (to_snake_case, uniquify) and backend.get_uid do.
 */

/** "Conv2D" -> "conv2d", "MaxPooling2D" -> "max_pooling2d", "PReLU" -> "p_re_lu". */
export function toSnakeCase(name: string): string {
  let s = name.replace(/\W+/g, '');
  s = s.replace(/(.)([A-Z][a-z]+)/g, '$1_$2');
  s = s.replace(/([a-z])([A-Z])/g, '$1_$2');
  return s.toLowerCase();
}

export class NameCounters {
  private readonly uids = new Map<string, number>();

  /** The next name for `prefix`: the prefix itself, then prefix_1, prefix_2 ... */
  next(prefix: string): string {
    const uid = (this.uids.get(prefix) ?? 0) + 1;
    this.uids.set(prefix, uid);
    return uid === 1 ? prefix : `${prefix}_${uid - 1}`;
  }

  /** keras.backend.clear_session(), or a model profiled as if built first. */
  reset(): void {
    this.uids.clear();
  }
}
