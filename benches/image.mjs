// Image-check benchmark of the wasm build in Node: preprocessing + open_nsfw inference for
// 224x224 and 4000x3000 RGBA inputs (the native twin is `cargo bench --bench image`).
// Run after scripts/build-wasm.sh:  node benches/image.mjs
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const parapet = require('../pkg/wasm/node/parapet.js');
const read = (p) => new Uint8Array(readFileSync(new URL(p, import.meta.url)));
const guard = new parapet.Guard(read('../models/parapet-guard.parapet'));
let t = performance.now();
guard.loadImageModel(read('../models/open-nsfw.parapet'));
console.log(`load open_nsfw: ${(performance.now() - t).toFixed(0)} ms`);

for (const [w, h] of [[224, 224], [4000, 3000]]) {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    const x = i % w, y = (i / w) | 0;
    data.set([x & 255, y & 255, (x ^ y) & 255, 255], i * 4);
  }
  const img = { width: w, height: h, data };
  // Warm-up: V8 runs new wasm code unoptimised (Liftoff) until it has been hot for a while.
  for (const t0 = performance.now(); performance.now() - t0 < 2000;) guard.checkImage(img);
  const runs = w * h > 1e6 ? 5 : 10;
  const pre = [], inf = [], tot = [];
  for (let i = 0; i < runs; i++) {
    const v = guard.checkImage(img);
    pre.push(v.timings.tokenizeMs); inf.push(v.timings.inferenceMs); tot.push(v.timings.totalMs);
  }
  const med = (a) => a.sort((x, y) => x - y)[a.length >> 1].toFixed(1);
  console.log(`${w}x${h}: preprocess ${med(pre)} ms, inference ${med(inf)} ms, total ${med(tot)} ms (median of ${runs})`);
}
guard.free();
