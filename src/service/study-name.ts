import * as path from 'node:path';
import { ServiceError } from './service-error.js';

/**
 * Study names: letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 64
 * characters. No separator and no leading dot, so a name is always one plain folder inside
 * `--data` (never `..`, never a hidden or absolute path).
 */
export const STUDY_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
const STUDY_NAME = new RegExp(STUDY_NAME_PATTERN);

/** True for a name that {@link STUDY_NAME_PATTERN} allows. */
export function isStudyName(name: unknown): name is string {
  return typeof name === 'string' && STUDY_NAME.test(name);
}

/**
 * The folder of study `name` inside `dataDir`.
 * @throws ServiceError `ERR_BAD_REQUEST` naming `field` for a name outside the alphabet.
 */
export function studyDirectory(dataDir: string, name: unknown, field = 'name'): string {
  if (!isStudyName(name)) {
    throw new ServiceError(
      'ERR_BAD_REQUEST',
      `${field} must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit (got ${JSON.stringify(name)?.slice(0, 80)})`,
      field,
    );
  }
  const root = path.resolve(dataDir);
  const dir = path.resolve(root, name);
  // The alphabet already guarantees it; checked again so that a change to it cannot open a hole.
  if (path.dirname(dir) !== root) throw new ServiceError('ERR_BAD_REQUEST', `${field} must name a folder inside the data directory`, field);
  return dir;
}
