// Choosing the inference backend. 'wasm' = tract inside the engine (default). 'auto' = the
// onnxruntime-web adapter (parapet/ort) when the package is installed and WebGPU is usable, else
// tract. A Backend object supplied by the app runs the guard's ONNX graph itself; tokenization,
// calibration, the constitution and verdicts stay in the engine.

import { inputError } from './errors.js';

const ORT_ADAPTER = './ort.js';

function isBackend(b) {
  return b && typeof b === 'object' && typeof b.run === 'function' && typeof b.init === 'function';
}

async function webgpuAvailable() {
  try {
    const gpu = globalThis.navigator && globalThis.navigator.gpu;
    if (!gpu) return false;
    return !!(await gpu.requestAdapter());
  } catch {
    return false;
  }
}

/** Resolves the `backend` option to a Backend object, or null for tract. */
export async function resolveBackend(backend) {
  if (backend === undefined || backend === null || backend === 'wasm') return null;
  if (backend === 'auto') {
    if (!(await webgpuAvailable())) return null;
    try {
      // A variable specifier: bundlers do not follow it, so apps without onnxruntime-web still
      // build. It resolves where `import('onnxruntime-web')` works at run time (Node, import maps,
      // unbundled ESM); bundled apps pass `await createOrtBackend()` from 'parapet/ort' instead.
      const { createOrtBackend } = await import(/* @vite-ignore */ /* webpackIgnore: true */ ORT_ADAPTER);
      return await createOrtBackend({ executionProviders: ['webgpu', 'wasm'] });
    } catch {
      return null; // onnxruntime-web is not installed: tract
    }
  }
  if (isBackend(backend)) return backend;
  throw inputError('INVALID_ARGUMENT', `backend must be 'wasm', 'auto' or a Backend object ` +
    `({name, init({onnx, spec}), run(feeds)}, e.g. from createOrtBackend() in 'parapet/ort'); got ` +
    `${typeof backend === 'string' ? JSON.stringify(backend) : typeof backend}`);
}
