import { BandsterError } from '../core/errors.js';

/** The native metrics addon (build/Release/bandster_metrics.node) is missing or cannot be loaded. */
export class NativeAddonError extends BandsterError {
  /** Where the addon was looked for. */
  readonly path: string;
  constructor(path: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      'ERR_NATIVE_ADDON',
      `the native metrics addon could not be loaded from ${path} (${reason}). ` +
        'It is built by the package install script; rebuild it with `npm rebuild bandster` ' +
        '(or `npm run install` / `node native/build.mjs` inside the bandster checkout; needs a C++17 compiler, ' +
        'make and python3). The TypeScript implementation is available explicitly as `typescriptMetrics`.',
      { cause },
    );
    this.path = path;
  }
}
