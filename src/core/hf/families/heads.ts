/**
 * Pieces shared by several families' task heads.
 */
import type { LayerNode, Shape } from '../../graph';
import type { ConfigReader } from '../configReader';
import { linear } from '../layers';

/**
 * Labels of a classification head: `num_labels` (a from_pretrained argument) or the size of
 * `id2label`; transformers' PretrainedConfig defaults to 2.
 */
export function numLabels(c: ConfigReader): number {
  if (c.has('num_labels')) return c.int('num_labels', 2);
  const id2label = c.dict('id2label');
  if (id2label && Object.keys(id2label).length > 0) return Object.keys(id2label).length;
  return 2;
}

/**
 * Decoder families' sequence classification: `score = nn.Linear(hidden, num_labels, bias=False)`
 * applied to every position (the last non-padding one is picked afterwards).
 */
export function sequenceScore(path: string, hidden: number, labels: number, x: Shape): LayerNode {
  return linear(path, hidden, labels, false, x, { note: 'applied to every position, pooled at the last token' });
}
