// The page's side of worker mode: starts the module worker, queues requests by id, transfers
// buffers, re-throws errors with their names and codes, and replaces the worker when its wasm
// instance trapped or the worker died, restoring bundle, constitution and image model.

import { crashedError, deserializeError, inputError } from './errors.js';

function startWorker() {
  // This exact `new Worker(new URL(..., import.meta.url), {type: 'module'})` form is what
  // bundlers (Vite, webpack 5) recognise to bundle the worker and its imports.
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'parapet' });
}

export class WorkerClient {
  /** `state`: {model, imageModel, imageLoaded, constitution, backend, cache, wasmUrl, liteWasmUrl, engine, build,
   *  modelSha256, imageModelSha256}, kept current by the Guard. */
  constructor(state, onProgress) {
    this.state = state;
    this.onProgress = onProgress || (() => {});
    this.nextId = 1;
    this.pending = new Map();
    this.worker = null;
    this.ready = null;
    this.restarts = 0;
  }

  spawn() {
    const w = startWorker();
    this.worker = w;
    w.onmessage = (ev) => {
      const m = ev.data;
      if (m && m.type === 'progress') { this.onProgress(m.event); return; }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else {
        const err = deserializeError(m.error);
        if (m.crashed) this.replace();
        p.reject(err);
      }
    };
    w.onerror = (ev) => {
      // An uncaught error or a worker that could not start: everything in flight fails, and a
      // fresh worker takes over.
      if (ev && ev.preventDefault) ev.preventDefault();
      const cause = new Error(ev && ev.message ? ev.message : 'the parapet worker failed');
      this.failAll(crashedError(cause), w);
      if (this.worker === w) this.replace();
    };
    return w;
  }

  post(type, payload, transfer = []) {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject, worker: this.worker });
      try {
        this.worker.postMessage({ id, type, ...payload }, transfer);
      } catch (e) {
        this.pending.delete(id);
        reject(inputError('INVALID_ARGUMENT', `this argument cannot be sent to the worker: ${e.message}`));
      }
    });
  }

  failAll(err, worker) {
    for (const [id, p] of this.pending) {
      if (!worker || p.worker === worker) { this.pending.delete(id); p.reject(err); }
    }
  }

  initMessage() {
    const s = this.state;
    const model = s.model instanceof URL ? s.model.href : s.model;
    const imageModel = s.imageModel instanceof URL ? s.imageModel.href : s.imageModel;
    return { options: { model, imageModel, imageLoaded: s.imageLoaded, constitution: s.constitution,
      backend: s.backend, cache: s.cache, wasmUrl: s.wasmUrl, liteWasmUrl: s.liteWasmUrl, engine: s.engine,
      build: s.build, modelSha256: s.modelSha256, imageModelSha256: s.imageModelSha256 } };
  }

  /** Starts the first worker; resolves to the worker's {info, backend}. */
  start() {
    this.spawn();
    this.ready = this.post('init', this.initMessage());
    return this.ready;
  }

  /** Terminates the current worker and starts a fresh one with the current state. */
  replace() {
    const old = this.worker;
    this.restarts += 1;
    try { old.terminate(); } catch { /* already gone */ }
    this.failAll(crashedError(new Error('the worker was replaced after a crash')), old);
    this.spawn();
    this.ready = this.post('init', this.initMessage());
    this.ready.catch(() => {});
  }

  async call(method, args, transfer) {
    await this.ready; // a worker that could not be (re)started rejects every call with its reason
    return this.post('call', { method, args }, transfer);
  }

  dispose() {
    this.failAll(inputError('DISPOSED', 'the guard was disposed while this call was running'));
    try { this.worker.terminate(); } catch { /* gone */ }
    this.worker = null;
  }
}
