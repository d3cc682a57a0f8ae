// A/B of lite `.wasm` builds in one process: each file gets its own instance (the package's
// Node glue copied next to it in a temp folder) and the checks are interleaved, so a shared,
// noisy machine slows every variant alike. The first file is the baseline of the ratios.
//
//   node benches/ab.mjs [--runs 60] [--tokens 128] OLD.wasm NEW.wasm [...]
//
// e.g. keep a copy of pkg/wasm/node/parapet_lite_bg.wasm, rebuild (scripts/build-wasm.sh), and
// compare the copy with the new file. Needs the README's setup and `npm ci` (for the tokenizer
// that makes an exactly-N-token text).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { readBundle, textOfTokens, median } from './compare-core.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); if (i < 0) return dflt; const v = args[i + 1]; args.splice(i, 2); return v; };
const runs = Number(opt('--runs', '60'));
const tokens = Number(opt('--tokens', '128'));
if (args.length < 2) {
  console.error('usage: node benches/ab.mjs [--runs 60] [--tokens 128] OLD.wasm NEW.wasm [...]');
  process.exit(2);
}
const { Tokenizer } = await import('@huggingface/tokenizers');
const bundle = new Uint8Array(fs.readFileSync(path.join(ROOT, 'models/parapet-guard.parapet')));
const tokenizer = new Tokenizer(JSON.parse(new TextDecoder().decode(readBundle(bundle).parts['tokenizer.json'])), {});
const text = textOfTokens(tokenizer, tokens);
const glue = path.join(ROOT, 'pkg/wasm/node/parapet_lite.js');
const guards = args.map((file, k) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `parapet-ab-${k}-`));
  fs.copyFileSync(glue, path.join(dir, 'parapet_lite.js'));
  fs.copyFileSync(file, path.join(dir, 'parapet_lite_bg.wasm'));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type": "commonjs"}');
  return new (require(path.join(dir, 'parapet_lite.js')).Guard)(bundle);
});
const times = args.map(() => []);
for (let i = 0; i < 15; i++) guards.forEach((g) => g.checkPrompt(text));
for (let i = 0; i < runs; i++) {
  guards.forEach((g, k) => { const t0 = performance.now(); g.checkPrompt(text); times[k].push(performance.now() - t0); });
}
const base = median(times[0]);
console.log(`${tokens}-token checkPrompt, ${runs} interleaved runs, median ms (ratio to the first)`);
args.forEach((file, k) => console.log(`${median(times[k]).toFixed(2).padStart(8)}  ${(median(times[k]) / base).toFixed(3)}  ${file}`));
