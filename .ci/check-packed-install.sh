#!/usr/bin/env bash
# The package as users get it: `npm pack`, then install the tarball into an empty project with
# install scripts blocked (as pnpm, Bun and npm 11 do for dependencies), and use its API, its CLI
# and its native addon from there. Runs from .ci/run after npm ci (which builds dist/) and the prebuild
# (so the pack step needs no scripts).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tarball=$(npm pack --json --ignore-scripts --pack-destination "$work" | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8"))[0].filename)')
echo "packed $tarball ($(du -h "$work/$tarball" | cut -f1))"
mkdir "$work/app"
cd "$work/app"
npm init -y >/dev/null
npm install --prefer-offline --no-audit --no-fund --ignore-scripts "$work/$tarball" >/dev/null
echo "installed: $(du -sh node_modules | cut -f1) in node_modules"

# The API: a small search, in an ES module of the user's own.
cat > search.mjs <<'JS'
import { Search, countingOnes } from 'bandster';
const benchmark = countingOnes({ categorical: 2, continuous: 2 });
const result = await new Search({ space: benchmark.space, objective: benchmark.objective, minBudget: 1, maxBudget: 9, nIterations: 2, seed: 1 }).run();
if (result.nRuns !== 13 + 4 || !result.incumbent()) throw new Error(`unexpected result: ${result.nRuns} runs`);
console.log(`API: ${result.nRuns} runs, incumbent loss ${result.incumbent().loss.toFixed(4)}`);
JS
node search.mjs

# The native addon, from the prebuilt binary (no install script ran, no compiler used).
node -e '
  import("bandster/metrics").then(({ confusionMatrix }) => {
    // Throws NativeAddonError when the addon cannot be loaded.
    const { total: matrices } = confusionMatrix(new Uint8Array([0, 1, 1]), new Uint8Array([0, 1, 0]), { images: 1, height: 1, width: 3, classes: 2 });
    if (Array.from(matrices).join(",") !== "1,0,1,1") throw new Error("wrong confusion matrix: " + Array.from(matrices));
    console.log("addon: native confusion matrix", Array.from(matrices).join(","));
  });'

# The CLI with the example space and TypeScript objective shipped in the package.
examples=node_modules/bandster/examples
npx --no-install bandster --help >/dev/null
npx --no-install bandster run --space "$examples/space.json" --objective "$examples/objective.ts" \
  --min-budget 1 --max-budget 9 --iterations 2 --seed 1 --log-dir runs/example --json >run.json
node -e 'const r = JSON.parse(require("fs").readFileSync("run.json", "utf8")); if (r.nFailed !== 0 || !r.incumbent) throw new Error("CLI run failed"); console.log(`CLI: ${r.nRuns} runs, incumbent ${r.incumbent.loss.toFixed(4)}`);'
npx --no-install bandster summary runs/example | head -3
echo "the packed package works in an empty project ($repo)"
