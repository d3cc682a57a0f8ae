// A/B of lite `.wasm` builds in one process: each file gets its own instance (the package's
// Node glue copied next to it in a temp folder) and the checks are interleaved, so a shared,
// noisy machine slows every variant alike. The first file is the baseline of the ratios.
//
//   node benches/ab.mjs [--runs 60] [--tokens 128] [--same FILE.jsonl] OLD.wasm NEW.wasm [...]
//
// With --same, it first checks every line of a JSONL file ({"prompt"} or {"text"}, e.g.
// examples/chats.jsonl) with each build and counts the verdicts that differ from the first
// build's (timings left out; scores compared as printed, i.e. to the last bit): an engine change
// that should not change any number can be checked to do so.
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
const same = opt('--same', null);
if (args.length < 2) {
  console.error('usage: node benches/ab.mjs [--runs 60] [--tokens 128] [--same FILE.jsonl] OLD.wasm NEW.wasm [...]');
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
if (same) {
  const lines = fs.readFileSync(same, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  const verdicts = guards.map((g) => lines.map((l) => {
    const v = g.checkPrompt(l.prompt ?? l.text ?? '');
    delete v.timings;
    return JSON.stringify(v);
  }));
  args.forEach((file, k) => {
    const differ = verdicts[k].filter((v, i) => v !== verdicts[0][i]).length;
    console.log(`${file}: ${differ} of ${lines.length} verdicts differ from the first build's`);
  });
}
const times = args.map(() => []);
for (let i = 0; i < 15; i++) guards.forEach((g) => g.checkPrompt(text));
for (let i = 0; i < runs; i++) {
  guards.forEach((g, k) => { const t0 = performance.now(); g.checkPrompt(text); times[k].push(performance.now() - t0); });
}
const base = median(times[0]);
console.log(`${tokens}-token checkPrompt, ${runs} interleaved runs, median ms (ratio to the first)`);
args.forEach((file, k) => console.log(`${median(times[k]).toFixed(2).padStart(8)}  ${(median(times[k]) / base).toFixed(3)}  ${file}`));
