import { initParserFromDisk } from './node/wasm';
import { parsePython } from './core/python/parser';
import { readFileSync } from 'node:fs';

async function main(): Promise<void> {
  await initParserFromDisk();
  const file = process.argv[3];
  if (!file) throw new Error('usage: model-profiler profile FILE');
  const tree = parsePython(readFileSync(file, 'utf8'));
  console.log(tree.rootNode.namedChildren.length);
}
main().catch((e) => {
  console.error(String(e));
  process.exit(2);
});
