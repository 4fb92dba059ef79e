import { BandsterError } from '../core/errors.js';

/** The native metrics addon is missing (no build from source, no prebuilt binary for this platform) or cannot be loaded. */
export class NativeAddonError extends BandsterError {
  /** The package folder the addon was looked for in (its build/Release and prebuilds/). */
  readonly path: string;
  constructor(path: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message.trim() : String(cause);
    super(
      'ERR_NATIVE_ADDON',
      `the native metrics addon could not be loaded from ${path} (${reason}). ` +
        `bandster ships prebuilt binaries in prebuilds/; where none fits this platform (${process.platform}-${process.arch}), ` +
        'the install script builds one from source. Build it with `npm rebuild bandster --build-from-source` ' +
        '(or `npm run build:native` inside the bandster checkout); this needs a C++17 compiler, make and python3. ' +
        'The TypeScript implementation is available explicitly as `typescriptMetrics`.',
      { cause },
    );
    this.path = path;
  }
}
