// Instantiating the wasm-bindgen glue (`--target web`, pkg/wasm/web). There are two builds of
// the same engine with the same API: "lite" (parapet_lite*: the int8 text engine only, ~1.2 MB
// gzipped) and "full" (parapet*: also tract, for any ONNX text graph, and the image model;
// ~5.4 MB gzipped). EngineHost picks one (engine.js). Each call to
// `instantiate()` imports the glue module under a fresh URL (a `?instance=N` suffix), so it gets
// its own module state and its own wasm instance: wasm-bindgen's init is a no-op once a glue
// module is initialised, and a trapped instance must be replaced, not reused. The compiled
// WebAssembly.Module is shared, so a re-creation costs an instantiation, not a compile.

import { parapetError } from './errors.js';
import { isNode, nodeImport } from './loader.js';

// Both URLs are static `new URL(..., import.meta.url)` expressions, so bundlers (Vite, webpack 5,
// Rollup with the URL plugin) emit the files as assets and rewrite the URLs.
const GLUE_URL = new URL('../wasm/web/parapet.js', import.meta.url).href;
export const WASM_URL = new URL('../wasm/web/parapet_bg.wasm', import.meta.url).href;
const LITE_GLUE_URL = new URL('../wasm/web/parapet_lite.js', import.meta.url).href;
export const LITE_WASM_URL = new URL('../wasm/web/parapet_lite_bg.wasm', import.meta.url).href;

/** Default glue and wasm URLs of each build. */
export const BUILDS = {
  full: { glueUrl: GLUE_URL, wasmUrl: WASM_URL },
  lite: { glueUrl: LITE_GLUE_URL, wasmUrl: LITE_WASM_URL },
};

const compiled = new Map(); // wasm URL -> Promise<WebAssembly.Module>
let counter = 0;

async function compile(wasmUrl) {
  if (compiled.has(wasmUrl)) return compiled.get(wasmUrl);
  const p = (async () => {
    try {
      if (isNode && wasmUrl.startsWith('file:')) {
        const { readFile } = await nodeImport('node:fs/promises');
        const { fileURLToPath } = await nodeImport('node:url');
        return await WebAssembly.compile(await readFile(fileURLToPath(wasmUrl)));
      }
      const res = await fetch(wasmUrl);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      if (WebAssembly.compileStreaming && (res.headers.get('content-type') || '').startsWith('application/wasm')) {
        return await WebAssembly.compileStreaming(res);
      }
      return await WebAssembly.compile(await res.arrayBuffer());
    } catch (e) {
      compiled.delete(wasmUrl);
      throw parapetError('BundleError', 'WASM_LOAD_FAILED',
        `could not load parapet's WebAssembly from ${wasmUrl}: ${e.message}. Serve the package's ` +
        'wasm/web/parapet_bg.wasm and parapet_lite_bg.wasm (Content-Type application/wasm) or pass ' +
        "their URLs as `wasmUrl` / `liteWasmUrl`; a Content-Security-Policy must allow 'wasm-unsafe-eval'.");
    }
  })();
  compiled.set(wasmUrl, p);
  return p;
}

/**
 * A fresh engine instance of `build` ('full' or 'lite'): `{ glue, exports }` where `glue` is the
 * module namespace (Guard, taxonomy, version, memoryBytes, ...) and `exports` the raw wasm exports.
 */
export async function instantiate({ build = 'full', wasmUrl, glueUrl } = {}) {
  wasmUrl ||= BUILDS[build].wasmUrl;
  glueUrl ||= BUILDS[build].glueUrl;
  const module = await compile(wasmUrl);
  counter += 1;
  let glue;
  try {
    glue = await import(/* @vite-ignore */ /* webpackIgnore: true */ `${glueUrl}?instance=${counter}`);
  } catch (e) {
    throw parapetError('BundleError', 'WASM_LOAD_FAILED', `could not import parapet's wasm glue from ${glueUrl}: ${e.message}`);
  }
  const exports = await glue.default({ module_or_path: module });
  return { glue, exports };
}
