import * as fs from 'node:fs';
import * as path from 'node:path';
import { ServiceError } from './service-error.js';
import { Study } from './study.js';
import { isStudyName, studyDirectory } from './study-name.js';
import { STUDY_FILE, type StudySpec } from './study-spec.js';

/**
 * The studies of one `--data` folder: each a subfolder holding a bandster log and study.json.
 * Opening the registry resumes every study found there (a restarted server); a study that
 * cannot be resumed (locked by another process, a damaged log) is reported and left alone, so
 * one bad folder does not keep the others from being served.
 */
export class StudyRegistry {
  private readonly studies = new Map<string, Study>();

  private constructor(
    readonly dataDir: string,
    private readonly onWarning: (message: string) => void,
  ) {}

  static async open(dataDir: string, onWarning: (message: string) => void): Promise<StudyRegistry> {
    fs.mkdirSync(dataDir, { recursive: true });
    const registry = new StudyRegistry(path.resolve(dataDir), onWarning);
    for (const entry of fs.readdirSync(registry.dataDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !isStudyName(entry.name)) continue;
      const dir = path.join(registry.dataDir, entry.name);
      if (!fs.existsSync(path.join(dir, STUDY_FILE))) continue;
      try {
        registry.studies.set(entry.name, await Study.load(dir, onWarning));
      } catch (error) {
        onWarning(`study ${entry.name} is not served: ${(error as Error).message}`);
      }
    }
    return registry;
  }

  /** @throws ServiceError `ERR_BAD_REQUEST` for a name outside the alphabet, `ERR_UNKNOWN_STUDY` for no such study. */
  get(name: string): Study {
    const study = this.studies.get(name);
    if (study) return study;
    studyDirectory(this.dataDir, name, 'params.name');
    throw new ServiceError('ERR_UNKNOWN_STUDY', `no study ${JSON.stringify(name)}`, 'params.name');
  }

  /** The study called `name`, if it is served. */
  find(name: string): Study | undefined {
    return this.studies.get(name);
  }

  list(): Study[] {
    return [...this.studies.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** @throws ServiceError `ERR_STUDY_EXISTS` when the name (or a folder of that name) is taken. */
  async create(spec: StudySpec): Promise<Study> {
    const dir = studyDirectory(this.dataDir, spec.name, 'body.name');
    if (this.studies.has(spec.name) || fs.existsSync(dir)) {
      throw new ServiceError('ERR_STUDY_EXISTS', `a study (or a folder) called ${JSON.stringify(spec.name)} exists already`, 'body.name');
    }
    let study: Study;
    try {
      study = await Study.create(this.dataDir, spec, this.onWarning);
    } catch (error) {
      // Nothing of a refused study stays behind (it may have written its first files).
      if (!this.studies.has(spec.name)) fs.rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    this.studies.set(spec.name, study);
    return study;
  }

  /** Closes every study (their logs, their locks). */
  close(): void {
    for (const study of this.studies.values()) study.close();
    this.studies.clear();
  }
}
