// Streaming cost in wasm (Node): a ~2,000-token response pushed in ~10-token deltas vs one
// checkResponse of the same text, in the same process (the ratio is the headline).
// Run after scripts/build-wasm.sh: `node benches/stream.mjs [--json]`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Guard } = require('../pkg/wasm/node/parapet.js');
const bundle = new Uint8Array(readFileSync(new URL('../models/parapet-guard.parapet', import.meta.url)));
const guard = new Guard(bundle);
const prompt = 'Tell me about the mill.';
const para = 'The river runs past the old mill, where volunteers restored the water wheel last spring. ' +
  'Children from the village school visit on Fridays to watch it turn, and the miller explains how grain ' +
  'becomes flour, why the stones must be dressed, and how the sluice gate controls the flow. ';
// About 2,000 tokens (this prose tokenizes at ~5 characters per token; the count is printed).
const text = para.repeat(Math.ceil(10000 / para.length));
const words = text.split(/(?<= )/);
const deltas = [];
for (let i = 0; i < words.length; i += 7) deltas.push(words.slice(i, i + 7).join(''));

const median = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
guard.checkResponse(prompt, text); // warm-up
const full = [], stream = [];
let tokens = 0;
for (let r = 0; r < 3; r++) {
  let t = performance.now();
  const v = guard.checkResponse(prompt, text);
  full.push(performance.now() - t);
  tokens = v.tokens;
  t = performance.now();
  const s = guard.stream({ prompt });
  for (const d of deltas) s.push(d);
  const e = s.end();
  stream.push(performance.now() - t);
  s.free();
  if (e.action !== v.action) throw new Error('stream and full check disagree');
}
const f = median(full), s = median(stream);
const out = { tokens, deltas: deltas.length, full_ms: +f.toFixed(1), stream_ms: +s.toFixed(1), ratio: +(s / f).toFixed(3) };
if (process.argv.includes('--json')) console.log(JSON.stringify(out));
else console.log(`${tokens} tokens in ${deltas.length} deltas: full ${f.toFixed(0)} ms, stream ${s.toFixed(0)} ms, ratio ${(s / f).toFixed(2)}`);
