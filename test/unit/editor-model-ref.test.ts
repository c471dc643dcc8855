/** How views name models to commands (src/vscode/analysis/modelRef.ts). */
import { strict as assert } from 'node:assert';
import { modelRef, readModelRef } from '../../src/vscode/analysis/modelRef';

describe('model references', () => {
  const uri = 'file:///work/models/gpt.py';

  it('round-trips what the CodeLens and the hover pass', () => {
    assert.deepEqual(modelRef(uri, 'GPT'), { uri, model: 'GPT' });
    assert.deepEqual(readModelRef(modelRef(uri, 'GPT')), { uri, model: 'GPT' });
  });

  it("reads the panel's model id, a second model of a name included", () => {
    assert.deepEqual(readModelRef(`${uri}#GPT`), { uri, model: 'GPT' });
    assert.deepEqual(readModelRef(`${uri}#model~2`), { uri, model: 'model' });
    // A notebook cell URI has a fragment of its own; the model name follows the last '#'.
    assert.deepEqual(readModelRef('vscode-notebook-cell:/nb.ipynb#W2sZmlsZQ%3D%3D#Net'), { uri: 'vscode-notebook-cell:/nb.ipynb#W2sZmlsZQ%3D%3D', model: 'Net' });
  });

  it('takes a Uri-like object for the document', () => {
    const uriObject = { scheme: 'file', toString: () => uri };
    assert.deepEqual(readModelRef({ uri: uriObject, model: 'GPT' }), { uri, model: 'GPT' });
  });

  it('rejects what names no model', () => {
    for (const arg of [undefined, null, 42, '', 'GPT', `${uri}#`, '#GPT', { uri }, { model: 'GPT' }, { uri: '', model: 'GPT' }, { uri, model: '' }, { uri: {}, model: 'GPT' }]) {
      assert.equal(readModelRef(arg), undefined, JSON.stringify(arg));
    }
  });
});
