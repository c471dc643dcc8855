import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeSourceHost, findVirtualEnvs, readTextFile, slashed } from '../../src/node/sourceHost';

function write(path: string, content: string | Buffer): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
}

function venv(dir: string, python: string): string {
  write(join(dir, 'pyvenv.cfg'), 'home = /usr/bin\n');
  const sp = join(dir, 'lib', python, 'site-packages');
  mkdirSync(sp, { recursive: true });
  return sp;
}

describe('Node SourceHost', () => {
  let root = '';
  let ws = '';
  let external = '';
  let spDotVenv = '';
  let spBackend = '';
  let spExternal = '';

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'source-host-'));
    ws = join(root, 'ws');
    external = join(root, 'external-env');
    write(join(ws, 'model.py'), '\ufeffimport torch\nclass Net: pass\n');
    write(join(ws, 'weights.bin'), Buffer.from([0x80, 0x03, 0x00, 0x63, 0x74]));
    write(join(ws, 'latin1.py'), Buffer.from('# caf\xe9\n', 'latin1'));
    write(join(ws, 'big.py'), 'x = 1\n'.repeat(2000));
    spDotVenv = venv(join(ws, '.venv'), 'python3.11');
    spBackend = venv(join(ws, 'backend', 'venv'), 'python3.10');
    venv(join(ws, 'node_modules', 'pkg', '.venv'), 'python3.9');
    venv(join(ws, 'a', 'b', 'c', '.venv'), 'python3.8');
    spExternal = venv(external, 'python3.12');
    // lib64 -> lib, as virtualenv creates it on some systems: the same folder once.
    symlinkSync('lib', join(ws, '.venv', 'lib64'));
    // Symlink loops: a folder pointing at its parent, a folder pointing at itself, two files pointing at each other.
    symlinkSync(ws, join(ws, 'loop'));
    mkdirSync(join(ws, 'self'));
    symlinkSync(join(ws, 'self'), join(ws, 'self', 'again'));
    symlinkSync(join(ws, 'l2.py'), join(ws, 'l1.py'));
    symlinkSync(join(ws, 'l1.py'), join(ws, 'l2.py'));
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it('reads UTF-8 source, dropping the byte-order mark', () => {
    const host = createNodeSourceHost({ workspaceFolders: [ws], virtualEnv: '' });
    assert.equal(host.readFile(join(ws, 'model.py')), 'import torch\nclass Net: pass\n');
  });

  it('reports binary, non-UTF-8, oversized, missing and looping paths as unreadable', () => {
    const host = createNodeSourceHost({ workspaceFolders: [ws], virtualEnv: '', maxFileBytes: 1000 });
    for (const name of ['weights.bin', 'latin1.py', 'big.py', 'nope.py', 'l1.py', '.venv']) {
      assert.equal(host.readFile(join(ws, name)), undefined, name);
    }
    assert.deepEqual(readTextFile(join(ws, 'weights.bin')), { error: 'binary (contains NUL bytes)' });
    assert.deepEqual(readTextFile(join(ws, 'latin1.py')), { error: 'not valid UTF-8' });
    assert.deepEqual(readTextFile(join(ws, 'big.py'), 1000), { error: 'larger than 1000 bytes' });
    assert.deepEqual(readTextFile(join(ws, 'l1.py')), { error: 'not found' });
    assert.deepEqual(readTextFile(ws), { error: 'not a regular file' });
  });

  it('tells files from folders, without throwing on loops', () => {
    const host = createNodeSourceHost({ workspaceFolders: [ws], virtualEnv: '' });
    assert.equal(host.isFile(join(ws, 'model.py')), true);
    assert.equal(host.isDirectory(join(ws, 'model.py')), false);
    assert.equal(host.isDirectory(join(ws, 'backend')), true);
    assert.equal(host.isFile(join(ws, 'l1.py')), false);
    assert.equal(host.isDirectory(join(ws, 'loop', 'loop', 'loop')), true);
    assert.equal(host.isFile(join(ws, 'missing', 'x.py')), false);
  });

  it('puts the workspace first, then site-packages of .venv/venv up to two levels down, then $VIRTUAL_ENV', () => {
    const started = Date.now();
    const host = createNodeSourceHost({ workspaceFolders: [ws], virtualEnv: external });
    assert.ok(Date.now() - started < 2000);
    assert.deepEqual(host.importRoots, [ws, spDotVenv, spBackend, spExternal].map(slashed));
  });

  it('lists each real folder once, and nothing from installed packages when told not to', () => {
    const twice = createNodeSourceHost({ workspaceFolders: [ws, join(ws, 'loop')], virtualEnv: join(ws, '.venv') });
    assert.deepEqual(twice.importRoots, [ws, spDotVenv, spBackend].map(slashed));
    const plain = createNodeSourceHost({ workspaceFolders: [ws], resolveInstalledPackages: false, virtualEnv: external });
    assert.deepEqual(plain.importRoots, [slashed(ws)]);
  });

  it('bounds the environment search by depth and folder count, through symlink loops', () => {
    assert.deepEqual(findVirtualEnvs(ws), [join(ws, '.venv'), join(ws, 'backend', 'venv')]);
    assert.deepEqual(findVirtualEnvs(ws, 3), [join(ws, '.venv'), join(ws, 'backend', 'venv'), join(ws, 'a', 'b', 'c', '.venv')]);
    assert.deepEqual(findVirtualEnvs(ws, 3, 1), [join(ws, '.venv')]);
    assert.deepEqual(findVirtualEnvs(join(root, 'does-not-exist')), []);
  });
});
