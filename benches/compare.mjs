// parapet vs onnxruntime-web, same model, same inputs, same process (benches/compare-core.mjs).
//
//   node benches/compare.mjs              Node (wasm build from scripts/build-wasm.sh)
//   node benches/compare.mjs --browser    the same in headless Chromium (Debian chromium)
//   options: --json (last line: one JSON object), --runs 0.5 (scale the number of runs),
//            --cold-only N (only the cold starts, N fresh processes/pages each, printed as JSON;
//            --only parapet,ort.int8 picks the contenders)
//
// Needs the README's setup (scripts/setup.sh: pkg/wasm) and `npm ci` (onnxruntime-web,
// @huggingface/tokenizers, playwright-core). The dynamic-int8 comparison model is made on first
// use by benches/make_ort_int8.py in its own venv (target/bench/venv, onnx + onnxruntime from PyPI), and
// made again whenever the bundle's sha256 differs from the one it was made from.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { coldOrt, coldParapet, LENGTHS, median, readBundle, runWarm } from './compare-core.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const opt = (f, d) => { const i = args.indexOf(f); return i >= 0 ? args[i + 1] : d; };
const JSON_OUT = flag('--json');
const RUNS = Number(opt('--runs', '1'));
const log = (s) => console.error(s);
const require = createRequire(import.meta.url);

const P = {
  bundle: join(ROOT, 'models/parapet-guard.parapet'),
  image: join(ROOT, 'models/open-nsfw.parapet'),
  nodeGlue: join(ROOT, 'pkg/wasm/node/parapet_lite.js'), // the lite build: what load() runs for text
  nodeGlueFull: join(ROOT, 'pkg/wasm/node/parapet.js'), // the full build: tract and the image model
  webWasm: join(ROOT, 'pkg/wasm/web/parapet_lite_bg.wasm'),
  webWasmFull: join(ROOT, 'pkg/wasm/web/parapet_bg.wasm'),
  int8: join(ROOT, 'target/bench/guard-dynamic-int8.onnx'),
  ortWasm: join(ROOT, 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm'),
};
const read = (p) => new Uint8Array(readFileSync(p));

function need() {
  if (![P.nodeGlue, P.nodeGlueFull, P.webWasm, P.webWasmFull].every(existsSync)) throw new Error('pkg/wasm is missing: run scripts/setup.sh (or scripts/build-wasm.sh) first');
  for (const m of ['onnxruntime-web', '@huggingface/tokenizers', 'playwright-core']) {
    if (!existsSync(join(ROOT, 'node_modules', m))) throw new Error(`node_modules/${m} is missing: run npm ci first`);
  }
  // the comparison model is made from the bundle being measured: remade when the bundle changes
  // (a retrained bundle would otherwise be raced against the previous model's weights)
  const src = createHash('sha256').update(read(P.bundle)).digest('hex');
  const stamp = `${P.int8}.bundle-sha256`;
  if (!existsSync(P.int8) || !existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== src) {
    const venv = join(ROOT, 'target/bench/venv');
    const py = join(venv, 'bin/python');
    if (!existsSync(py)) {
      log('making target/bench/venv (onnx, onnxruntime) for the dynamic-int8 comparison model ...');
      execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
      execFileSync(py, ['-m', 'pip', 'install', '-q', '-r', join(ROOT, 'benches/requirements.txt')], { stdio: 'inherit' });
    }
    execFileSync(py, [join(ROOT, 'benches/make_ort_int8.py'), P.bundle, P.int8], { stdio: 'inherit' });
    writeFileSync(stamp, `${src}\n`);
  }
}

function sizes() {
  const f = (p) => { const b = readFileSync(p); return { bytes: b.length, gzip: gzipSync(b, { level: 9 }).length }; };
  const { parts } = readBundle(read(P.bundle));
  return {
    parapet_wasm: f(P.webWasm), parapet_full_wasm: f(P.webWasmFull), ort_wasm: f(P.ortWasm), bundle: f(P.bundle),
    model_onnx: { bytes: parts['model.onnx'].length, gzip: gzipSync(parts['model.onnx'], { level: 9 }).length },
    int8_onnx: f(P.int8),
  };
}

// ---- Node -------------------------------------------------------------------------------------
async function coldChild(which) {
  if (which === 'parapet' || which === 'parapet.full') {
    const bundle = read(P.bundle);
    return coldParapet(async () => require(which === 'parapet' ? P.nodeGlue : P.nodeGlueFull), bundle);
  }
  const onnx = which === 'ort.int8' ? read(P.int8) : readBundle(read(P.bundle)).parts['model.onnx'];
  return coldOrt(() => import('onnxruntime-web'), onnx);
}

function coldInFreshProcesses(reps = 3, which_ = ['parapet', 'parapet.full', 'ort.shipped', 'ort.int8']) {
  const out = {};
  for (const which of which_) {
    const runs = [];
    for (let i = 0; i < reps; i++) {
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--cold-child', which], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`cold start of ${which} failed: ${r.stderr}`);
      runs.push(JSON.parse(r.stdout.trim().split('\n').pop()));
    }
    out[which] = Object.fromEntries(Object.keys(runs[0]).map((k) => [k, typeof runs[0][k] !== 'number' ? runs[0][k] : median(runs.map((x) => x[k]))]));
    log(`cold ${which}: ${out[which].total_ms.toFixed(0)} ms (median of ${reps} fresh processes)`);
  }
  return out;
}

async function nodeBench() {
  const ort = await import('onnxruntime-web');
  const { Tokenizer } = await import('@huggingface/tokenizers');
  const parapet = require(P.nodeGlue);
  const parapetFull = require(P.nodeGlueFull);
  const cold = coldInFreshProcesses();
  const warm = await runWarm({ parapet, parapetFull, ort, Tokenizer, bundle: read(P.bundle), imageBundle: read(P.image), int8Onnx: read(P.int8), runs: RUNS, log });
  return { cold, warm, where: `Node ${process.version}` };
}

// ---- headless Chromium ------------------------------------------------------------------------
const TYPES = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
function serve() {
  const allowed = ['benches/', 'pkg/wasm/web/', 'pkg/lib/', 'models/', 'target/bench/', 'node_modules/onnxruntime-web/dist/', 'node_modules/@huggingface/tokenizers/dist/'];
  const server = createServer((req, res) => {
    const rel = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '');
    if (!allowed.some((a) => rel.startsWith(a)) || !existsSync(join(ROOT, rel)) || !statSync(join(ROOT, rel)).isFile()) {
      res.writeHead(404); res.end(); return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(rel)] || 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(join(ROOT, rel)));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

async function browserBench(coldReps = 3, coldOnly = false) {
  const { chromium } = await import('playwright-core');
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}/benches/compare.html`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
  const version = browser.version();
  try {
    const run = async (mode) => {
      const context = await browser.newContext(); // fresh caches: a cold start is cold
      const page = await context.newPage();
      page.on('console', (m) => { if (m.type() === 'log') log(`  [page] ${m.text()}`); });
      page.on('pageerror', (e) => log(`  [page error] ${e.message}`));
      await page.goto(`${base}?mode=${mode}&runs=${RUNS}`);
      const r = await page.waitForFunction(() => window.__result, null, { timeout: 900_000, polling: 500 });
      const v = await r.jsonValue();
      await context.close();
      if (v.error) throw new Error(`${mode}: ${v.error}`);
      return v;
    };
    const cold = {};
    for (const which of (opt('--only', '') ? opt('--only').split(',') : ['parapet', 'parapet.full', 'ort.shipped', 'ort.int8'])) {
      const reps = [];
      for (let i = 0; i < coldReps; i++) reps.push(await run(`cold-${which}`));
      cold[which] = Object.fromEntries(Object.keys(reps[0]).map((k) => [k, typeof reps[0][k] !== 'number' ? reps[0][k] : median(reps.map((x) => x[k]))]));
      log(`cold ${which}: ${cold[which].total_ms.toFixed(0)} ms (median of ${coldReps} fresh pages)`);
    }
    if (coldOnly) return { cold };
    const warm = await run('warm');
    return { cold, warm, where: `headless Chromium ${version}` };
  } finally {
    await browser.close();
    server.close();
  }
}

// ---- report -----------------------------------------------------------------------------------
function report(r) {
  const { warm, cold } = r;
  const L = warm.lengths;
  const f = (x) => (x == null || Number.isNaN(x) ? '—' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const names = warm.contenders;
  console.log(`\nparapet vs onnxruntime-web — ${r.where}, ${cpus().length} × ${cpus()[0]?.model?.trim()}, one thread, batch 1`);
  console.log(`median ms (p95) per prompt check, ${names.join(' | ')}`);
  console.log(`| tokens | windows | ${names.join(' | ')} |`);
  console.log(`|---|---|${names.map(() => '---').join('|')}|`);
  for (const n of LENGTHS) {
    console.log(`| ${n} | ${L[n].windows}${L[n].cascade ? " (cascade)" : ""} | ${names.map((k) => `${f(L[n].median[k])} (${f(L[n].p95[k])})`).join(' | ')} |`);
  }
  const m = L[128].median;
  const ortBest = Math.min(m['ort.int8'] ?? Infinity, m['ort.shipped']);
  const out = {
    where: r.where,
    ratio_128: m.parapet / ortBest,
    ratio_128_vs_ort_same_file: m.parapet / m['ort.shipped'],
    ratio_128_vs_tjs: m['tjs.int8'] ? m.parapet / m['tjs.int8'] : null,
    ratio_128_inference: m['parapet.infer'] / ortBest,
    cold_start_ms: cold.parapet.total_ms,
    cold_start_full_ms: cold['parapet.full'].total_ms,
    cold_start_ratio_vs_ort_int8: cold.parapet.total_ms / cold['ort.int8'].total_ms,
    cold: cold,
    image_ratio: warm.image ? warm.image.median.parapet / warm.image.median.ort : null,
    image_median_ms: warm.image?.median ?? null,
    wasm_bytes: r.sizes.parapet_wasm.bytes,
    wasm_gzip_bytes: r.sizes.parapet_wasm.gzip,
    wasm_full_bytes: r.sizes.parapet_full_wasm.bytes,
    wasm_full_gzip_bytes: r.sizes.parapet_full_wasm.gzip,
    model_bytes: r.sizes.model_onnx.bytes,
    sizes: r.sizes,
    peak_wasm_memory_bytes: warm.wasmMemoryBytes,
    medians: Object.fromEntries(LENGTHS.map((n) => [n, L[n].median])),
    p95: Object.fromEntries(LENGTHS.map((n) => [n, L[n].p95])),
    windows: Object.fromEntries(LENGTHS.map((n) => [n, L[n].windows])),
  };
  console.log(`\n128 tokens: parapet end to end / onnxruntime-web int8 (its fastest file) = ${out.ratio_128.toFixed(2)}×`
    + `; vs onnxruntime-web on the identical file ${out.ratio_128_vs_ort_same_file.toFixed(2)}×`
    + (out.ratio_128_vs_tjs ? `; vs transformers.js-style ${out.ratio_128_vs_tjs.toFixed(2)}×` : '')
    + `; inference alone ${out.ratio_128_inference.toFixed(2)}×`);
  console.log(`cold start (bytes in memory → first verdict): parapet ${f(cold.parapet.total_ms)} ms `
    + `(hash check ${f(cold.parapet.hash_ms)}, instantiate ${f(cold.parapet.instantiate_ms)}, load ${f(cold.parapet.load_ms)}, first check ${f(cold.parapet.first_check_ms)}; `
    + `full build ${f(cold['parapet.full'].total_ms)} ms, instantiate ${f(cold['parapet.full'].instantiate_ms)}); `
    + `onnxruntime-web session + first run: int8 ${f(cold['ort.int8'].total_ms)} ms, identical file ${f(cold['ort.shipped'].total_ms)} ms`);
  const ph = cold.parapet.phases;
  if (ph) console.log(`parapet load phases (one cold run): verify ${f(ph.verify)}, tokenizer ${f(ph.tokenizer)}, model ${f(ph.model)} `
    + `(parse ${f(ph.modelParse)}, into_typed ${f(ph.modelTyped)}, declutter ${f(ph.modelDeclutter)}, optimise ${f(ph.modelOptimize)}, probe ${f(ph.modelValidate)}, embeddings.bin check ${f(ph.modelCheck)}), exemplars ${f(ph.exemplars)} ms`);
  if (warm.image) console.log(`image 224×224: parapet ${f(warm.image.median.parapet)} ms, onnxruntime-web (JS preprocessing) ${f(warm.image.median.ort)} ms → ${out.image_ratio.toFixed(2)}×`);
  const mb = (b) => (b / 1e6).toFixed(1);
  const s = r.sizes;
  console.log(`sizes (raw / gzip MB): parapet .wasm lite ${mb(s.parapet_wasm.bytes)} / ${mb(s.parapet_wasm.gzip)}, full ${mb(s.parapet_full_wasm.bytes)} / ${mb(s.parapet_full_wasm.gzip)}; onnxruntime-web .wasm ${mb(s.ort_wasm.bytes)} / ${mb(s.ort_wasm.gzip)}; `
    + `model.onnx (int8 weight-only) ${mb(s.model_onnx.bytes)} / ${mb(s.model_onnx.gzip)}; dynamic int8 ${mb(s.int8_onnx.bytes)} / ${mb(s.int8_onnx.gzip)}; `
    + `parapet wasm memory after the run ${mb(warm.wasmMemoryBytes)} MB`);
  if (JSON_OUT) console.log(JSON.stringify(out));
}

async function main() {
  if (flag('--cold-child')) {
    console.log(JSON.stringify(await coldChild(opt('--cold-child'))));
    return;
  }
  need();
  if (flag('--cold-only')) {
    const n = Number(opt('--cold-only', '5'));
    const only = opt('--only', '') ? opt('--only').split(',') : undefined;
    const cold = flag('--browser') ? (await browserBench(n, true)).cold : coldInFreshProcesses(n, only);
    console.log(JSON.stringify(cold));
    return;
  }
  const r = flag('--browser') ? await browserBench() : await nodeBench();
  r.sizes = sizes();
  report(r);
}

main().catch((e) => { console.error(e); process.exit(1); });

