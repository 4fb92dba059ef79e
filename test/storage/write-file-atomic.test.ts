import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../../src/storage/write-file-atomic.js';
import { tempDir } from '../helpers/temp-dir.js';

test('writes a new file and replaces an existing one, leaving no temporary file behind', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'run.json');
  writeFileAtomic(file, 'first\n');
  assert.equal(fs.readFileSync(file, 'utf8'), 'first\n');
  writeFileAtomic(file, Uint8Array.from([1, 2, 3]));
  assert.deepEqual([...fs.readFileSync(file)], [1, 2, 3]);
  assert.deepEqual(fs.readdirSync(dir), ['run.json']);
});

test('processes writing the same file at once never share a temporary file; the file holds one whole write', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'distributed.json');
  const module = pathToFileURL(path.resolve('src/storage/write-file-atomic.ts')).href;
  // Three processes, 200 writes each: with one fixed temporary name, a rename would find its file
  // already renamed by another process (ENOENT) or publish a half-written one.
  const writer = (digit: number) =>
    new Promise<number | null>((resolve) => {
      const script = `import { writeFileAtomic } from ${JSON.stringify(module)};
        for (let i = 0; i < 200; i++) writeFileAtomic(${JSON.stringify(file)}, '${digit}'.repeat(4096) + '\\n');`;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'inherit' });
      child.on('exit', resolve);
    });
  assert.deepEqual(await Promise.all([1, 2, 3].map(writer)), [0, 0, 0]);
  assert.match(fs.readFileSync(file, 'utf8'), /^(1{4096}|2{4096}|3{4096})\n$/);
  assert.deepEqual(fs.readdirSync(dir), ['distributed.json']);
});

test('a failed write leaves the target as it was and removes its temporary file', (t) => {
  const dir = tempDir(t);
  // A directory in the way: the rename fails after the temporary file was written.
  const target = path.join(dir, 'checkpoint-epoch-3.bin');
  fs.mkdirSync(target);
  fs.writeFileSync(path.join(target, 'inside'), 'kept');
  assert.throws(() => writeFileAtomic(target, 'new'), { code: /^(EISDIR|ENOTDIR|EEXIST|ENOTEMPTY|EPERM)$/ });
  assert.deepEqual(fs.readdirSync(dir), ['checkpoint-epoch-3.bin']);
  assert.equal(fs.readFileSync(path.join(target, 'inside'), 'utf8'), 'kept');
  // A missing directory: nothing is created anywhere.
  assert.throws(() => writeFileAtomic(path.join(dir, 'missing', 'run.json'), 'x'), { code: 'ENOENT' });
  assert.deepEqual(fs.readdirSync(dir), ['checkpoint-epoch-3.bin']);
});
