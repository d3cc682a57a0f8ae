// The parapet vs onnxruntime-web benchmark itself, shared by Node (benches/compare.mjs) and
// headless Chromium (benches/compare.html, driven by `node benches/compare.mjs --browser`).
// Every contender runs in the same process on the same inputs, interleaved round by round so
// that load on a shared machine hits all of them alike; ratios are the headline.
//
// Contenders (text, batch 1, one thread):
//   parapet          guard.checkPrompt(text): tokenize, window, normalise, run tract, verdict
//   parapet.infer    the verdict's own inferenceMs (tract alone, same call)
//   ort.shipped      onnxruntime-web on the identical model.onnx (int8 weight-only) with the very
//                    feeds parapet runs (PreparedCheck.feeds)
//   ort.int8         onnxruntime-web on the same weights quantized dynamically
//                    (benches/make_ort_int8.py: MatMulInteger, what transformers.js ships as
//                    model_quantized.onnx), same feeds: onnxruntime-web's fastest int8 path
//   tjs.int8         transformers.js-style end to end: @huggingface/tokenizers (the tokenizer
//                    transformers.js uses) + onnxruntime-web on the dynamic int8 model
// Images: parapet.checkImage(224x224 RGBA) vs onnxruntime-web on the identical open_nsfw graph
// with the same resize/crop/mean preprocessing written in JS.

import { DEFAULT_MODEL_SHA256 } from '../pkg/lib/defaults.js';
import { bundleSha256, loadBundle } from '../pkg/lib/loader.js';

export const LENGTHS = [16, 64, 128, 512];
const WORDS = ('the a garden club met on tuesday to talk about compost tomatoes and slugs in the spring '
  + 'weather while someone brought bread and tea for everyone who came early to help set up the chairs '
  + 'near the old library where children read books about ships trains and animals after school').split(' ');

export const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length ? s[(s.length - 1) >> 1] : NaN; };
export const p95 = (a) => { const s = [...a].sort((x, y) => x - y); return s.length ? s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] : NaN; };

/** Reads a `.parapet` bundle's manifest and parts (format: docs/BUNDLE_FORMAT.md). */
export function readBundle(bytes) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = dv.getUint32(12, true);
  const manifest = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + n)));
  const parts = {};
  for (const p of manifest.parts) parts[p.name] = bytes.subarray(16 + n + p.offset, 16 + n + p.offset + p.length);
  return { manifest, parts };
}

/** A benign chat-like text of exactly `n` tokens ([CLS] ... [SEP] included). */
export function textOfTokens(tokenizer, n) {
  const words = [];
  let i = 0;
  while (tokenizer.encode(words.join(' ')).ids.length < n) words.push(WORDS[i++ % WORDS.length]);
  while (tokenizer.encode(words.join(' ')).ids.length > n) words.pop();
  return words.join(' ');
}

async function ortRun(ort, session, f) {
  const shape = [f.batch, f.seqLen];
  const inputs = {
    input_ids: new ort.Tensor('int64', f.inputIds, shape),
    attention_mask: new ort.Tensor('int64', f.attentionMask, shape),
  };
  if (session.inputNames.includes('token_type_ids')) inputs.token_type_ids = new ort.Tensor('int64', f.tokenTypeIds, shape);
  return session.run(inputs);
}

/** Feeds for a JS-tokenized text, truncated like transformers.js does (model max length 512). */
function jsFeeds(tokenizer, text) {
  const ids = tokenizer.encode(text).ids.slice(0, 512);
  const n = ids.length;
  return {
    batch: 1, seqLen: n,
    inputIds: BigInt64Array.from(ids, BigInt),
    attentionMask: new BigInt64Array(n).fill(1n),
    tokenTypeIds: new BigInt64Array(n),
  };
}

/** Bilinear resize + centre crop + channel order/mean/std of an image manifest, in JS. */
export function preprocess(img, spec) {
  const { width: W, height: H, data } = img;
  const rw = spec.resize.width, rh = spec.resize.height, cw = spec.crop.width, ch = spec.crop.height;
  const ox = (rw - cw) >> 1, oy = (rh - ch) >> 1;
  const out = new Float32Array(cw * ch * 3);
  const order = spec.channels === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  for (let y = 0; y < ch; y++) {
    const sy = Math.max(0, ((y + oy) + 0.5) * H / rh - 0.5);
    const y0 = Math.min(H - 1, Math.floor(sy)), y1 = Math.min(H - 1, y0 + 1), fy = sy - Math.floor(sy);
    for (let x = 0; x < cw; x++) {
      const sx = Math.max(0, ((x + ox) + 0.5) * W / rw - 0.5);
      const x0 = Math.min(W - 1, Math.floor(sx)), x1 = Math.min(W - 1, x0 + 1), fx = sx - Math.floor(sx);
      for (let c = 0; c < 3; c++) {
        const k = order[c];
        const v = (data[(y0 * W + x0) * 4 + k] * (1 - fx) + data[(y0 * W + x1) * 4 + k] * fx) * (1 - fy)
          + (data[(y1 * W + x0) * 4 + k] * (1 - fx) + data[(y1 * W + x1) * 4 + k] * fx) * fy;
        out[(y * cw + x) * 3 + c] = (v * spec.scale - spec.mean[c]) / spec.std[c];
      }
    }
  }
  return out;
}

function testImage(w, h) {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    const x = i % w, y = (i / w) | 0;
    data[i * 4] = x & 255; data[i * 4 + 1] = y & 255; data[i * 4 + 2] = (x ^ y) & 255; data[i * 4 + 3] = 255;
  }
  return { width: w, height: h, data };
}

/**
 * Runs the warm benchmark. `env`: { parapet (glue: Guard, memoryBytes; the lite build, what
 * load() runs for text), parapetFull (the full build's glue, for the image model; default
 * parapet), ort, Tokenizer, bundle, imageBundle, int8Onnx (Uint8Array | null), runs (scale,
 * default 1), log }.
 */
export async function runWarm(env) {
  const { parapet, ort, Tokenizer } = env;
  const log = env.log || (() => {});
  const scale = env.runs || 1;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.simd = true;
  const so = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
  const { manifest, parts } = readBundle(env.bundle);
  const guard = new parapet.Guard(env.bundle);
  const tokenizer = new Tokenizer(JSON.parse(new TextDecoder().decode(parts['tokenizer.json'])), {});
  const shipped = await ort.InferenceSession.create(parts['model.onnx'], so);
  const int8 = env.int8Onnx ? await ort.InferenceSession.create(env.int8Onnx, so) : null;

  const texts = Object.fromEntries(LENGTHS.map((n) => [n, textOfTokens(tokenizer, n)]));
  // parapet tokenizes the same text to the same length (checked, so the table is honest).
  for (const n of LENGTHS) {
    const p = guard.prepare('prompt', texts[n]);
    const f = p.feeds(0, 1);
    if (n <= manifest.max_seq_len && f.seqLen !== n) throw new Error(`parapet tokenized the ${n}-token text to ${f.seqLen}`);
    p.free();
  }
  const contenders = {
    parapet: (t) => { const v = guard.checkPrompt(t.text); return { ms: null, infer: v.timings.inferenceMs, windows: v.windows }; },
    'ort.shipped': async (t) => { for (let i = 0; i < t.feeds.length; i++) await ortRun(ort, shipped, t.feeds[i]); },
    ...(int8 ? {
      'ort.int8': async (t) => { for (let i = 0; i < t.feeds.length; i++) await ortRun(ort, int8, t.feeds[i]); },
      'tjs.int8': async (t) => {
        const out = await ortRun(ort, int8, jsFeeds(tokenizer, t.text));
        const l = out[manifest.model.logits_output].data;
        return Array.from(l, (x) => 1 / (1 + Math.exp(-x)));
      },
    } : {}),
  };
  // onnxruntime-web runs the model windows parapet's check runs, as one batch like parapet
  // (a PreparedCheck lists the full windows first). parapet may also run short 64-token windows
  // inside a full window whose gated head reaches its gate (its cascade against diluted harmful
  // passages; the guard's gates, `info.gates`): that cost stays in parapet's time, flagged
  // "cascade" below.
  const gates = Object.entries(guard.info.gates);
  const tasks = {};
  for (const n of LENGTHS) {
    const v = guard.checkPrompt(texts[n]);
    const score = (id) => v.categories.find((c) => c.id === id)?.score ?? 0;
    const p = guard.prepare('prompt', texts[n]);
    tasks[n] = { text: texts[n], feeds: [p.feeds(0, v.windows)], windows: v.windows, cascade: gates.some(([id, g]) => score(id) >= g) };
    p.free();
  }
  // Warm-up: V8 starts wasm on its baseline tier; ~3 s per contender before timing.
  for (const [name, fn] of Object.entries(contenders)) {
    const t0 = performance.now();
    let k = 0;
    while (performance.now() - t0 < 3000 || k < 3) { await fn(tasks[128]); k++; }
    log(`warm-up ${name}: ${k} runs`);
  }
  const runsFor = { 16: 40, 64: 30, 128: 20, 512: 8 };
  const results = {};
  for (const n of LENGTHS) {
    const runs = Math.max(3, Math.round(runsFor[n] * scale));
    const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
    times['parapet.infer'] = [];
    let windows = 0;
    for (let r = 0; r < runs; r++) {
      for (const [name, fn] of Object.entries(contenders)) {
        const t0 = performance.now();
        const res = await fn(tasks[n]);
        times[name].push(performance.now() - t0);
        if (name === 'parapet') { times['parapet.infer'].push(res.infer); windows = res.windows; }
      }
    }
    results[n] = { runs, windows: tasks[n].windows, fullWindows: windows, cascade: tasks[n].cascade,
      median: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])),
      p95: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, p95(v)])) };
    log(`${n} tokens: ${Object.entries(results[n].median).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')} ms`);
  }

  // Images.
  let image = null;
  if (env.imageBundle) {
    const full = env.parapetFull || parapet;
    const iguard = full === parapet ? guard : new full.Guard(env.bundle);
    iguard.loadImageModel(env.imageBundle);
    const ib = readBundle(env.imageBundle);
    const spec = ib.manifest.image;
    const isess = await ort.InferenceSession.create(ib.parts['model.onnx'], so);
    const img = testImage(224, 224);
    const imgFns = {
      parapet: () => iguard.checkImage(img),
      ort: async () => {
        const x = preprocess(img, spec);
        await isess.run({ [spec.input]: new ort.Tensor('float32', x, [1, spec.crop.height, spec.crop.width, 3]) });
      },
    };
    for (const fn of Object.values(imgFns)) { const t0 = performance.now(); while (performance.now() - t0 < 2000) await fn(); }
    const times = { parapet: [], ort: [] };
    for (let r = 0; r < Math.max(3, Math.round(15 * scale)); r++) {
      for (const [name, fn] of Object.entries(imgFns)) {
        const t0 = performance.now(); await fn(); times[name].push(performance.now() - t0);
      }
    }
    image = { median: { parapet: median(times.parapet), ort: median(times.ort) }, p95: { parapet: p95(times.parapet), ort: p95(times.ort) } };
    log(`image 224x224: parapet ${image.median.parapet.toFixed(1)} ms, onnxruntime-web ${image.median.ort.toFixed(1)} ms`);
    if (iguard !== guard) iguard.free();
  }
  const memory = parapet.memoryBytes();
  guard.free();
  return { lengths: results, image, wasmMemoryBytes: memory, contenders: [...Object.keys(contenders), 'parapet.infer'] };
}

/**
 * Cold start of one contender, timed from a state where the bytes are already in memory. For
 * parapet, what `load()` does with the default bundle: check the bytes against the package's
 * pinned sha256 (one digest), instantiate the .wasm, load the guard with `verifyLater`, confirm
 * the hash, then check. (Where WebCrypto hashes off-thread the digest overlaps the load; in
 * Chromium it runs on the calling thread, in Node it is node:crypto.)
 */
export async function coldParapet(loadGlue, bundle) {
  const t0 = performance.now();
  await loadBundle(bundle, { sha256: DEFAULT_MODEL_SHA256 });
  const hashing = bundleSha256(bundle);
  const th = performance.now();
  const parapet = await loadGlue();
  const t1 = performance.now();
  const guard = new parapet.Guard(bundle, undefined, { verifyLater: true });
  const t2 = performance.now();
  const sha256 = await hashing;
  if (!sha256) throw new Error('the bundle fails its hash check (or WebCrypto is missing)');
  guard.confirmSha256(sha256);
  const t3 = performance.now();
  guard.checkPrompt('Is it safe to eat raw cookie dough?');
  const t4 = performance.now();
  return {
    hash_ms: th - t0, instantiate_ms: t1 - th, load_ms: t2 - t1, hash_wait_ms: t3 - t2, first_check_ms: t4 - t3,
    total_ms: t4 - t0, phases: guard.info.loadMs,
  };
}

export async function coldOrt(loadOrt, onnx) {
  const t0 = performance.now();
  const ort = await loadOrt();
  ort.env.wasm.numThreads = 1;
  const s = await ort.InferenceSession.create(onnx, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const t1 = performance.now();
  const n = 12;
  await ortRun(ort, s, { batch: 1, seqLen: n, inputIds: new BigInt64Array(n).fill(1000n), attentionMask: new BigInt64Array(n).fill(1n), tokenTypeIds: new BigInt64Array(n) });
  const t2 = performance.now();
  return { instantiate_ms: null, load_ms: t1 - t0, first_check_ms: t2 - t1, total_ms: t2 - t0 };
}
