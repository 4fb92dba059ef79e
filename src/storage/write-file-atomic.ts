import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Replaces `file` with `data` so that readers — and a crash or a power cut at any moment — see
 * either the old contents or the new, never a mix or a truncated file:
 *
 * 1. write a temporary file beside it (the same directory, so the rename stays on one file
 *    system), under a name no other writer uses (process id and random bytes; opened with `wx`,
 *    so an existing file is never reused);
 * 2. fsync it, so its bytes are on disk before the name points at them;
 * 3. rename it over `file` (atomic on POSIX);
 * 4. fsync the directory, so the rename itself survives a power cut.
 *
 * The temporary file is removed when a step before the rename fails. Synchronous: every caller
 * writes a small file at a point where nothing else should run meanwhile (run settings, the space,
 * a run id, a checkpoint).
 *
 * @throws the file system's error (callers wrap it into their own error naming the file).
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(file);
  const temporary = path.join(dir, `${path.basename(file)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temporary, 'wx');
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temporary, file);
  } catch (error) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  syncDirectory(dir);
}

/** Error codes of file systems and platforms that cannot fsync a directory (Windows, some network file systems). */
const DIRECTORY_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EINVAL', 'ENOTSUP', 'EPERM', 'EACCES']);

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (error) {
    // The file is already in place; where a directory cannot be synced, the rename is as durable as the platform makes it.
    if (!DIRECTORY_SYNC_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
