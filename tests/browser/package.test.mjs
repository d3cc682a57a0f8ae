// The npm package in real headless Chromium, through a Vite production build of a plain app
// (tests/browser/vite-app, no Vite configuration): same verdicts as Node ESM; worker mode
// (queueing, transfers, named errors, images, a main thread that keeps running); Cache Storage
// (offline after the first load, a corrupted entry fetched again); recovery from a real wasm trap
// in both modes; and wasm memory flat over 10,000 checks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { serve } from './server.mjs';
import { launch, watch } from './chromium.mjs';

const APP = fileURLToPath(new URL('./vite-app/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let server;
let browser;

before(async () => {
  await build({ root: APP, configFile: false, logLevel: 'warn' });
  server = await serve(`${APP}dist`);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens the app in `mode` and returns window.__result. */
async function run(query, { page, timeout = 300_000 } = {}) {
  const p = page || (await browser.context.newPage());
  const log = watch(p);
  await p.goto(`${server.url}?${query}`);
  await p.waitForFunction(() => window.__result !== undefined, null, { timeout, polling: 250 });
  const r = await p.evaluate(() => window.__result);
  if (!page) await p.close();
  assert.equal(r.fatal, undefined, `the page failed: ${JSON.stringify(r.fatal)}\n${log.join('\n')}`);
  return r;
}

test('Vite production build and Node ESM print the same verdicts', async () => {
  const node = JSON.parse(execFileSync(process.execPath, ['tests/node/esm-smoke.mjs'], { cwd: ROOT, encoding: 'utf8' }));
  const r = await run('mode=basic');
  assert.deepEqual(r.cases, node);
  assert.equal(r.worker, false);
  assert.equal(r.crossOriginIsolated, false, 'runs without COOP/COEP (single-threaded build)');
  assert.match(r.wasmUrl, /\/assets\/parapet_bg-.*\.wasm$/, 'parapet/wasm?url resolved to an emitted asset');
  assert.ok(r.cases.some((c) => c.flagged) && r.cases.some((c) => !c.flagged), 'the cases include flagged and clean verdicts');
  assert.deepEqual(r.statuses, ['initiate', 'download', 'progress', 'done', 'ready']);
  assert.ok(r.longWindows > 1);
  // In main-thread mode a check runs synchronously: the page handles no timer while it runs.
  assert.equal(r.ticksDuringLongCheck, 0);
  console.log(`main thread: long check (${r.longWindows} windows) ${r.longCheckMs.toFixed(0)} ms, page timer ticks meanwhile: ${r.ticksDuringLongCheck}`);
});

test('worker mode: same verdicts, queued calls, named errors, images, a free main thread', async () => {
  const node = JSON.parse(execFileSync(process.execPath, ['tests/node/esm-smoke.mjs'], { cwd: ROOT, encoding: 'utf8' }));
  const r = await run('mode=worker');
  assert.equal(r.worker, true);
  assert.equal(r.backend, 'wasm', `backend 'auto' fell back to tract (navigator.gpu ${r.hasGpuApi ? 'present' : 'absent'})`);
  assert.deepEqual(r.cases, node);
  assert.equal(r.manyCount, 20);
  assert.ok(r.manyOrdered);
  // The page kept handling timers while the worker checked the long text.
  assert.ok(r.ticksDuringLongCheck > 0, `main thread ticks during a worker check: ${r.ticksDuringLongCheck}`);
  console.log(`worker: load ${r.loadMs.toFixed(0)} ms; long check (${r.longWindows} windows) ${r.longCheckMs.toFixed(0)} ms, ` +
    `page timer ticks meanwhile ${r.ticksDuringLongCheck}, longest gap ${r.maxGapMs.toFixed(1)} ms`);
  assert.deepEqual(r.errors.map((e) => e && [e.name, e.code]), [
    ['InputError', 'INVALID_ARGUMENT'], ['ConstitutionError', 'INVALID_VALUE'], ['InputError', 'BAD_DIMENSIONS'],
    ['BundleError', 'BAD_MAGIC']]);
  assert.equal(r.errors[1].path, 'categories.hate.threshold');
  assert.equal(r.imageCanvas.kind, 'image');
  assert.equal(r.imageBlob.kind, 'image');
  // The worker starts on the lite build with the int8 engine and stays there for images: open_nsfw runs on
  // the int8 image engine, and the worker decodes the PNG Blob itself (the lite build has no decoders).
  assert.deepEqual(r.started, { build: 'lite', engine: 'int8' });
  assert.deepEqual(r.afterImages, { build: 'lite', engine: 'int8' });
  // The same pixels as a canvas and as a lossless PNG give the same score.
  assert.ok(Math.abs(r.imageCanvas.score - r.imageBlob.score) < 1e-6);
  for (const v of [r.imageElement, r.imageBitmap]) {
    assert.equal(v.kind, 'image');
    assert.ok(Math.abs(v.score - r.imageCanvas.score) < 1e-6, `<img> / ImageBitmap score ${v.score} vs canvas ${r.imageCanvas.score}`);
  }
  assert.deepEqual(r.afterDispose, { name: 'InputError', code: 'DISPOSED' });
});

test('Cache Storage: offline after the first load; a corrupted entry is fetched again; a bad download is refused', async () => {
  const page = await browser.context.newPage();
  const first = await run('mode=cache&clear=1', { page });
  assert.ok(first.events.some((e) => e.status === 'progress' && !e.cached), 'first load downloads');
  assert.ok(first.cacheKeys.some((k) => k.endsWith('.parapet')));
  // Offline: the model server drops connections; the cached copy is used.
  server.state.offline = true;
  try {
    const second = await run('mode=cache', { page });
    assert.equal(second.error, undefined, JSON.stringify(second.error));
    assert.ok(second.events.some((e) => e.status === 'done' && e.cached), 'served from the cache');
    assert.equal(second.score, first.score);
    // A corrupted cache entry while offline: dropped, refetch fails -> a clear error.
    const broken = await run('mode=corruptCache', { page });
    assert.ok(broken.events.some((e) => e.status === 'cache-invalid'));
    assert.equal(broken.error.name, 'BundleError');
    assert.equal(broken.error.code, 'FETCH_FAILED');
  } finally {
    server.state.offline = false;
  }
  // Online again: the entry is gone and fetched again.
  const third = await run('mode=cache', { page });
  assert.ok(third.events.some((e) => e.status === 'progress' && !e.cached));
  // A download that fails the bundle's sha256 is refused (and not cached).
  server.state.corrupt = true;
  try {
    const bad = await run('mode=cache&clear=1', { page });
    assert.equal(bad.error.name, 'BundleError');
    assert.equal(bad.error.code, 'HASH_MISMATCH');
  } finally {
    server.state.corrupt = false;
  }
  // And a corrupted entry while online is replaced transparently.
  await run('mode=cache', { page });
  const healed = await run('mode=corruptCache', { page });
  assert.equal(healed.error, undefined, JSON.stringify(healed.error));
  assert.ok(healed.events.some((e) => e.status === 'cache-invalid'));
  assert.equal(healed.kind, 'prompt');
  await page.close();
});

for (const worker of [false, true]) {
  test(`a real wasm trap in ${worker ? 'worker' : 'main-thread'} mode: ENGINE_CRASHED, then the next call works`, async () => {
    const r = await run(`mode=crash&worker=${worker ? 1 : 0}`);
    assert.equal(r.crash.name, 'InferenceError');
    assert.equal(r.crash.code, 'ENGINE_CRASHED');
    assert.equal(r.afterScore, r.beforeScore);
    assert.deepEqual(r.constitutionAfter, { preset: 'strict', categories: { harassment: { enabled: false } } });
    assert.equal(r.imageModelRestored, true);
  });
}

test('wasm memory stops growing over 10,000 checks (worker mode)', async () => {
  const n = Number(process.env.PARAPET_MEMORY_CHECKS || 10000);
  const r = await run(`mode=memory&n=${n}&worker=1`, { timeout: 900_000 });
  const { samples } = r;
  assert.equal(samples[samples.length - 1].checks, n);
  // After warm-up (the first 20% of the checks) the linear memory never grows again.
  const warm = samples.filter((s) => s.checks >= n * 0.2);
  assert.ok(warm.length >= 2);
  for (const s of warm) assert.equal(s.bytes, warm[0].bytes, `memory grew: ${JSON.stringify(samples)}`);
  console.log(`${n} checks in ${(r.ms / 1000).toFixed(1)} s (${(r.ms / n).toFixed(2)} ms each, worker); wasm memory ` +
    `${(samples[0].bytes / 2 ** 20).toFixed(0)} MiB after ${samples[0].checks}, ${(warm[0].bytes / 2 ** 20).toFixed(0)} MiB from ${warm[0].checks} on`);
});
