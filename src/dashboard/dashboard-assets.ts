import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportFontDir } from '../report/fonts.js';

/** One file the dashboard page loads, served by bandster itself (the page works offline). */
interface Asset {
  readonly file: string;
  readonly type: string;
}

const require = createRequire(import.meta.url);

/** The page's own script and style, next to this module in the source tree (the package ships src/). */
function ownAsset(name: string): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'assets', name), path.join(here, '..', '..', '..', 'src', 'dashboard', 'assets', name)];
  return candidates.find((candidate) => fs.existsSync(candidate)) ?? candidates[0];
}

/** vega and vega-lite's browser bundles, from the installed packages (dependencies of bandster's report). */
function packageBuild(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(pkg)), file);
}

const ASSETS: Readonly<Record<string, () => Asset>> = {
  'dashboard.js': () => ({ file: ownAsset('dashboard.js'), type: 'text/javascript; charset=utf-8' }),
  'dashboard.css': () => ({ file: ownAsset('dashboard.css'), type: 'text/css; charset=utf-8' }),
  'vega.min.js': () => ({ file: packageBuild('vega', 'vega.min.js'), type: 'text/javascript; charset=utf-8' }),
  'vega-lite.min.js': () => ({ file: packageBuild('vega-lite', 'vega-lite.min.js'), type: 'text/javascript; charset=utf-8' }),
  'DejaVuSans.ttf': () => ({ file: path.join(reportFontDir(), 'DejaVuSans.ttf'), type: 'font/ttf' }),
};

const cache = new Map<string, { body: Buffer; type: string } | null>();

/** The bytes and content type of asset `name`; undefined for an unknown name or a file that is missing. */
export function dashboardAsset(name: string): { body: Buffer; type: string } | undefined {
  if (!Object.hasOwn(ASSETS, name)) return undefined;
  if (!cache.has(name)) {
    const asset = ASSETS[name]();
    cache.set(name, fs.existsSync(asset.file) ? { body: fs.readFileSync(asset.file), type: asset.type } : null);
  }
  return cache.get(name) ?? undefined;
}

/** True when the DejaVu font is there to serve (Debian's fonts-dejavu-core); the page falls back to sans-serif otherwise. */
export function hasDashboardFont(): boolean {
  return dashboardAsset('DejaVuSans.ttf') !== undefined;
}
