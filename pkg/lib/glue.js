// Instantiating the wasm-bindgen glue (`--target web`, pkg/wasm/web). Each call to
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

let compiled = null; // Promise<WebAssembly.Module> per wasm URL
let compiledFor = null;
let counter = 0;

async function compile(wasmUrl) {
  if (compiled && compiledFor === wasmUrl) return compiled;
  compiledFor = wasmUrl;
  compiled = (async () => {
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
      compiled = null;
      throw parapetError('BundleError', 'WASM_LOAD_FAILED',
        `could not load parapet's WebAssembly from ${wasmUrl}: ${e.message}. Serve the package's ` +
        'wasm/web/parapet_bg.wasm (Content-Type application/wasm) or pass its URL as `wasmUrl`; ' +
        "a Content-Security-Policy must allow 'wasm-unsafe-eval'.");
    }
  })();
  return compiled;
}

/**
 * A fresh engine instance: `{ glue, exports }` where `glue` is the module namespace (Guard,
 * taxonomy, version, memoryBytes, ...) and `exports` the raw wasm exports.
 */
export async function instantiate({ wasmUrl = WASM_URL, glueUrl = GLUE_URL } = {}) {
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
