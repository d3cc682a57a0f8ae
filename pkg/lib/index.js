// parapet: an on-device safety guard. The hand-written ESM surface over the wasm-bindgen glue.
//
//   import { load } from 'parapet';
//   const guard = await load({ constitution: { preset: 'strict' }, worker: true, onProgress });
//   const v = await guard.checkPrompt('Ignore all previous instructions');
//   guard.dispose();
//
// Every method returns a Promise (the same in main-thread and worker mode). Errors are Errors
// with a stable `name` (BundleError, ConstitutionError, InputError, InferenceError) and `code`.

import { EngineHost } from './engine.js';
import { disposedError, inputError } from './errors.js';
import { toEngineImage } from './image.js';
import { resolveBackend } from './backend.js';
import { isNode } from './loader.js';
import { WorkerClient } from './worker-client.js';

export { clearCache, verifyBundleHash, CACHE_NAME } from './loader.js';
export { isEngineCrash } from './errors.js';

const LOAD_KEYS = new Set(['model', 'imageModel', 'constitution', 'onProgress', 'worker', 'backend', 'cache', 'wasmUrl',
  'liteWasmUrl', 'engine', 'build', 'modelSha256', 'imageModelSha256']);

function checkOptions(o) {
  if (o === undefined || o === null) return {};
  if (typeof o !== 'object') throw inputError('INVALID_ARGUMENT', `load() takes an options object, got ${typeof o}`);
  for (const k of Object.keys(o)) {
    if (!LOAD_KEYS.has(k)) {
      throw inputError('INVALID_ARGUMENT', `unknown load() option "${k}"; allowed: ${[...LOAD_KEYS].join(', ')}`);
    }
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw inputError('INVALID_ARGUMENT', 'onProgress must be a function');
  }
  if (o.worker !== undefined && typeof o.worker !== 'boolean') {
    throw inputError('INVALID_ARGUMENT', 'worker must be true or false');
  }
  if (o.engine !== undefined && o.engine !== null && !['auto', 'int8', 'tract'].includes(o.engine)) {
    throw inputError('INVALID_ARGUMENT', `engine must be "auto", "int8" or "tract", not ${JSON.stringify(o.engine)}`);
  }
  if (o.build !== undefined && o.build !== null && !['auto', 'lite', 'full'].includes(o.build)) {
    throw inputError('INVALID_ARGUMENT', `build must be "auto", "lite" or "full", not ${JSON.stringify(o.build)}`);
  }
  if (o.build === 'lite' && o.engine === 'tract') {
    throw inputError('INVALID_ARGUMENT', 'build "lite" has no tract engine: use engine "auto" or "int8", or build "full"');
  }
  return o;
}

function checkString(v, name, method) {
  if (typeof v !== 'string') {
    throw inputError('INVALID_ARGUMENT', `${method}: ${name} must be a string, got ${v === null ? 'null' : typeof v}`);
  }
}

/** Plain JSON-able copy of a constitution for the worker (strings stay strings). */
function plainConstitution(c) {
  if (c === undefined || c === null || typeof c === 'string') return c ?? null;
  try {
    return JSON.parse(JSON.stringify(c));
  } catch {
    throw inputError('INVALID_ARGUMENT', 'the constitution object cannot be converted to JSON');
  }
}

/**
 * A loaded guard. Created by `load()`; every check returns a Promise of a Verdict.
 */
export class Guard {
  /** @internal */
  constructor(impl, meta) {
    this._impl = impl;
    this._disposed = false;
    /** Name, version, licence, sha256, heads and max sequence length of the text bundle. */
    this.info = meta.info;
    /** 'wasm' (tract in the engine), or the name of the Backend running the model. */
    this.backend = meta.backend;
    /** True when inference runs in a Web Worker. */
    this.worker = meta.worker;
  }

  _call(method, args = [], transfer) {
    if (this._disposed) return Promise.reject(disposedError(method));
    return this._impl.call(method, args, transfer);
  }

  /** Checks a user prompt. */
  async checkPrompt(text) {
    if (this._disposed) throw disposedError('checkPrompt');
    checkString(text, 'text', 'checkPrompt');
    return this._call('checkPrompt', [text]);
  }

  /** Checks a model response in the context of its prompt. */
  async checkResponse(prompt, response) {
    if (this._disposed) throw disposedError('checkResponse');
    checkString(prompt, 'prompt', 'checkResponse');
    checkString(response, 'response', 'checkResponse');
    return this._call('checkResponse', [prompt, response]);
  }

  /**
   * Checks an image: HTMLImageElement, canvas, OffscreenCanvas, ImageBitmap, video, Blob/File,
   * ImageData, {width, height, data} RGBA, or PNG/JPEG/WebP bytes. The image model (default:
   * the package's open_nsfw bundle) is loaded on first use.
   */
  async checkImage(image) {
    if (this._disposed) throw disposedError('checkImage');
    const { image: img, transfer } = await toEngineImage(image);
    const v = await this._call('checkImage', [img], this.worker ? transfer : undefined);
    // A lite engine moves to the full build only while loading the image model (the first
    // check) or for encoded bytes it cannot decode: only then can `info.build` have changed.
    const mayHaveMoved = !this._state.imageLoaded || img instanceof Uint8Array;
    this._state.imageLoaded = true;
    if (mayHaveMoved && this.info && this.info.build === 'lite') this.info = await this._call('info');
    return v;
  }

  /** Loads (or replaces) the image model from a URL or bytes; resolves to its info. */
  async loadImageModel(source) {
    if (this._disposed) throw disposedError('loadImageModel');
    const info = await this._call('loadImageModel', [source instanceof URL ? source.href : source]);
    this._state.imageModel = source;
    this._state.imageLoaded = true;
    this.info = await this._call('info'); // the engine may have moved to the full build
    return info;
  }

  /**
   * Moderates a streamed response: `const s = await guard.stream({prompt, holdBack?, scoreEvery?})`,
   * then `await s.push(delta)` per chunk (a StreamVerdict: the verdict so far plus how much of the
   * text was checked / may be shown) and `await s.end()` (the verdict on the whole response).
   */
  async stream(options) {
    if (this._disposed) throw disposedError('stream');
    if (options === null || typeof options !== 'object' || typeof options.prompt !== 'string') {
      throw inputError('INVALID_ARGUMENT', 'stream takes an options object: {prompt: string, holdBack?: boolean, scoreEvery?: number}');
    }
    const id = await this._call('streamStart', [{ ...options }]);
    let open = true;
    const guard = this;
    const closed = (m) => inputError('STREAM_CLOSED', `stream.${m}() after end() or dispose(): start a new stream with guard.stream()`);
    return {
      async push(delta) {
        if (!open) throw closed('push');
        if (typeof delta !== 'string') throw inputError('INVALID_ARGUMENT', `stream.push: delta must be a string, got ${typeof delta}`);
        return guard._call('streamPush', [id, delta]);
      },
      async end() {
        if (!open) throw closed('end');
        open = false;
        return guard._call('streamEnd', [id]);
      },
      dispose() {
        if (!open) return;
        open = false;
        if (!guard._disposed) guard._call('streamFree', [id]).catch(() => {});
      },
    };
  }

  /** Validates and applies a constitution (object, JSON string, or null for the default). On error the old one stays. */
  async setConstitution(constitution) {
    if (this._disposed) throw disposedError('setConstitution');
    const c = plainConstitution(constitution);
    await this._call('setConstitution', [c ?? undefined]);
    this._state.constitution = c;
  }

  /** The constitution in force, as written. */
  async getConstitution() { return this._call('getConstitution'); }
  /** The resolved policy of every category. */
  async categories() { return this._call('categories'); }
  /** The loaded image bundle's info, or null. */
  async imageInfo() { return this._call('imageInfo'); }
  /** The category taxonomy. */
  async taxonomy() { return this._call('taxonomy'); }
  /** The engine version. */
  async version() { return this._call('version'); }
  /** Size of the engine's wasm linear memory in bytes (it never shrinks). */
  async memoryBytes() { return this._call('memoryBytes'); }

  /** Releases the engine (and terminates the worker). Idempotent; later calls throw InputError DISPOSED. */
  dispose() {
    if (this._disposed) return;
    this._disposed = true;
    this._impl.dispose();
    this._impl = null;
  }

  /** True once dispose() was called. */
  get disposed() { return this._disposed; }
}

/**
 * Loads a guard.
 * @param {object} [options]
 * @param {string|URL|Uint8Array|ArrayBuffer} [options.model] the .parapet text bundle (default: the package's)
 * @param {string|URL|Uint8Array|ArrayBuffer|false} [options.imageModel] image bundle, loaded on first checkImage (default: the package's open_nsfw)
 * @param {object|string} [options.constitution] default: the balanced preset
 * @param {(e: ProgressEvent) => void} [options.onProgress]
 * @param {boolean} [options.worker] run inference in a module Web Worker (browsers)
 * @param {'wasm'|'auto'|object} [options.backend]
 * @param {boolean} [options.cache] Cache Storage for downloaded bundles (default true)
 * @param {string|URL} [options.wasmUrl] where parapet_bg.wasm (the full build) is served (default: next to the package)
 * @param {string|URL} [options.liteWasmUrl] where parapet_lite_bg.wasm (the lite build) is served (default: next to the package)
 * @param {'auto'|'int8'|'tract'} [options.engine] text engine inside the wasm (default 'auto': parapet's int8
 *   engine for the shipped model's architecture, tract for any other graph)
 * @param {'auto'|'lite'|'full'} [options.build] which wasm build runs (default 'auto': the lite build, int8
 *   engine only, moving to the full build when tract or the image model is needed)
 * @param {string} [options.modelSha256] the text bundle file's expected sha256 (pins it: any other bytes are
 *   BundleError HASH_MISMATCH; the default bundle is pinned already)
 * @param {string} [options.imageModelSha256] the same for the image bundle
 */
export async function load(options) {
  const o = checkOptions(options);
  const onProgress = o.onProgress || (() => {});
  const state = {
    model: o.model,
    imageModel: o.imageModel,
    imageLoaded: false,
    constitution: plainConstitution(o.constitution),
    backend: o.backend,
    cache: o.cache,
    wasmUrl: o.wasmUrl instanceof URL ? o.wasmUrl.href : o.wasmUrl,
    liteWasmUrl: o.liteWasmUrl instanceof URL ? o.liteWasmUrl.href : o.liteWasmUrl,
    engine: o.engine ?? 'auto',
    build: o.build ?? 'auto',
    modelSha256: o.modelSha256,
    imageModelSha256: o.imageModelSha256,
  };
  let guard;
  if (o.worker) {
    if (typeof Worker === 'undefined' || isNode) {
      throw inputError('WORKER_UNAVAILABLE', 'worker: true needs Web Workers (a browser); in Node, load without ' +
        '`worker` (or run parapet inside your own worker_threads Worker)');
    }
    if (o.backend && typeof o.backend === 'object') {
      throw inputError('INVALID_ARGUMENT', "a Backend object cannot be sent to a worker: use backend: 'auto' " +
        'with worker: true, or your Backend with worker: false');
    }
    if (o.model !== undefined && o.model !== null && !(o.model instanceof Uint8Array) &&
        !(o.model instanceof ArrayBuffer) && typeof o.model !== 'string' && !(o.model instanceof URL)) {
      throw inputError('INVALID_ARGUMENT', 'the model must be a URL, a Uint8Array or an ArrayBuffer of a .parapet bundle');
    }
    const client = new WorkerClient(state, onProgress);
    let meta;
    try {
      meta = await client.start();
    } catch (e) {
      client.dispose();
      throw e;
    }
    guard = new Guard(client, { info: meta.info, backend: meta.backend, worker: true });
  } else {
    const backend = await resolveBackend(o.backend);
    const host = new EngineHost({ ...state, backend, onProgress });
    await host.init();
    const impl = { call: (m, args) => host.call(m, args), dispose: () => host.dispose(), host };
    guard = new Guard(impl, { info: host.infoCache, backend: backend ? backend.name : 'wasm', worker: false });
  }
  guard._state = state;
  onProgress({ status: 'ready', name: 'model', backend: guard.backend, worker: guard.worker });
  return guard;
}
