// The engine host: one wasm instance with one Guard, in whatever thread runs it (the page in
// main-thread mode, the worker in worker mode). It loads the bundles, runs calls one at a time,
// routes text checks through an app-supplied Backend when one is set, and notices a trapped wasm
// instance: the failing call rejects with InferenceError ENGINE_CRASHED and, unless the caller
// handles restarts itself (the worker), a fresh instance is built with the same bundle,
// constitution and image model before the next call runs.
//
// Which build of the wasm runs (option `build`, default 'auto'): 'auto' starts on the lite build
// (the int8 engines only: a 1.2 MB instead of 5.4 MB gzipped download, and a faster start) and
// moves to the full build when it is needed, i.e. when the lite build answers UNSUPPORTED_ENGINE:
// a bundle's graph that needs tract, engine 'tract', an image model that is not a plain CNN, or
// encoded image bytes where this thread cannot decode them itself (Node; browsers decode
// PNG/JPEG/WebP with createImageBitmap and pass pixels). Moving builds an instance of the full
// build with the same bundle, constitution and image model, like a crash restart does, so open
// streams end (STREAM_CLOSED).

import { crashedError, inputError, isEngineCrash, parapetError } from './errors.js';
import { decodeToPixels } from './image.js';
import { instantiate } from './glue.js';
import { DEFAULT_IMAGE_MODEL_SHA256, DEFAULT_MODEL_SHA256 } from './defaults.js';
import { bundleSha256, DEFAULT_IMAGE_MODEL_URL, DEFAULT_MODEL_URL, hasWebCrypto, loadBundle } from './loader.js';

/** Windows per backend run (the engine's own batch size for tract). */
const BATCH = 8;

export class EngineHost {
  /**
   * @param {object} o
   *   model, imageModel (source or false), constitution, cache, onProgress, wasmUrl,
   *   backend (a Backend object or null), restartOnCrash (default true).
   */
  constructor(o) {
    this.o = o;
    this.modelSource = o.model === undefined || o.model === null ? DEFAULT_MODEL_URL : o.model;
    this.imageSource = o.imageModel === undefined || o.imageModel === null || o.imageModel === true
      ? DEFAULT_IMAGE_MODEL_URL : o.imageModel;
    // Expected file hashes: the option, else the package's own for its default bundles.
    this.modelPin = o.modelSha256 || (this.modelSource === DEFAULT_MODEL_URL ? DEFAULT_MODEL_SHA256 : undefined);
    this.imagePin = o.imageModelSha256 || (this.imageSource === DEFAULT_IMAGE_MODEL_URL ? DEFAULT_IMAGE_MODEL_SHA256 : undefined);
    this.constitution = o.constitution;
    this.imageLoaded = false;
    this.backend = o.backend || null;
    this.instance = null;
    this.guard = null;
    this.queue = Promise.resolve();
    this.pendingRestart = null;
    this.crashes = 0;
    this.buildChoice = o.build || 'auto';
    this.flavor = this.buildChoice !== 'auto' ? this.buildChoice : (o.engine === 'tract' ? 'full' : 'lite');
  }

  async init() {
    const bytes = await loadBundle(this.modelSource, { label: 'model', sha256: this.modelPin, cache: this.o.cache !== false, onProgress: this.o.onProgress || (() => {}) });
    await this.build(bytes, true);
  }

  /** Instantiates a fresh engine and loads the bundle, constitution and (if loaded) image model.
   *  The bundle's two sha256 digests run in WebCrypto (another thread) while the engine loads:
   *  the guard is created with `verifyLater` and used only once the trailer has checked out and
   *  its hash is confirmed. When the trailer fails, the engine loads the bytes again and checks
   *  every hash itself, so the error names the damaged part (BundleError HASH_MISMATCH). */
  async build(bytes, first) {
    const wasmUrl = this.flavor === 'lite' ? this.o.liteWasmUrl : this.o.wasmUrl;
    const hashing = bundleSha256(bytes);
    const later = hasWebCrypto();
    let instance;
    try {
      instance = await instantiate({ build: this.flavor, wasmUrl });
    } catch (e) {
      await hashing.catch(() => {});
      throw e;
    }
    const make = (verifyLater) => new instance.glue.Guard(bytes, this.constitution ?? undefined,
      { engine: this.o.engine || 'auto', ...(verifyLater ? { verifyLater: true } : {}) });
    let guard;
    let failure;
    try {
      guard = make(later);
    } catch (e) {
      failure = e;
    }
    const sha256 = await hashing.catch(() => null);
    if (later && !sha256) {
      if (guard) guard.free();
      guard = undefined;
      failure = undefined;
      try { guard = make(false); } catch (e) { failure = e; }
    }
    if (failure) {
      if (!this.canMove(failure)) throw failure;
      this.flavor = 'full'; // this bundle needs tract
      return this.build(bytes, first);
    }
    if (later && sha256) guard.confirmSha256(sha256);
    // The image model before the backend: a move to the full build starts over, and the
    // backend is then initialised once.
    if (this.imageLoaded) {
      const img = await loadBundle(this.imageSource, { label: 'image model', sha256: this.imagePin, cache: this.o.cache !== false });
      try {
        guard.loadImageModel(img);
      } catch (e) {
        if (!this.canMove(e)) throw e;
        guard.free();
        this.flavor = 'full'; // this image model needs tract
        return this.build(bytes, first);
      }
    }
    if (this.backend && first) {
      this.spec = guard.modelSpec;
      const onnx = instance.glue.modelOnnx(bytes);
      await this.backend.init({ onnx, spec: this.spec });
    }
    this.instance = instance;
    this.guard = guard;
    if (first) this.infoCache = guard.info;
  }

  /** Whether `e` (from the lite build) is a reason to move to the full build. */
  canMove(e) {
    return this.flavor === 'lite' && this.buildChoice === 'auto' && e && e.code === 'UNSUPPORTED_ENGINE';
  }

  /** Moves a lite instance to the full build (see the file comment); a no-op otherwise. */
  async toFull() {
    if (this.flavor !== 'lite' || this.buildChoice !== 'auto') return;
    this.flavor = 'full';
    try { if (this.guard) this.guard.free(); } catch { /* already freed */ }
    this.sessions = null;
    await this.rebuild();
  }

  /** Runs `fn` on the live guard; if the lite build cannot (UNSUPPORTED_ENGINE) and `build` is
   *  'auto', moves to the full build and runs it again there. */
  async orFull(fn) {
    try {
      return fn(this.live());
    } catch (e) {
      if (!this.canMove(e)) throw e;
      await this.toFull();
      return fn(this.live());
    }
  }

  async restart() {
    this.crashes += 1;
    await this.rebuild();
  }

  /** Drops the current instance (its memory is garbage-collected) and builds a fresh one of
   *  `this.flavor` with the same bundle, constitution and image model. */
  async rebuild() {
    this.guard = null;
    this.instance = null;
    const bytes = await loadBundle(this.modelSource, { label: 'model', sha256: this.modelPin, cache: this.o.cache !== false });
    await this.build(bytes, false);
  }

  /** Runs one call after the ones before it; see the class comment for crashes. */
  call(method, args) {
    const run = async () => {
      if (this.pendingRestart) {
        const p = this.pendingRestart;
        try { await p; } finally { if (this.pendingRestart === p) this.pendingRestart = null; }
      }
      const fn = this[`do_${method}`];
      if (!fn) throw inputError('INVALID_ARGUMENT', `unknown guard method ${method}`);
      try {
        return await fn.apply(this, args);
      } catch (e) {
        if (!isEngineCrash(e)) throw e;
        this.guard = null;
        this.sessions = null;
        if (this.o.restartOnCrash !== false) this.pendingRestart = this.restart();
        throw crashedError(e);
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result;
  }

  async text(kind, a, b) {
    const g = this.live();
    if (!this.backend) return kind === 'prompt' ? g.checkPrompt(a) : g.checkResponse(a, b);
    const prepared = kind === 'prompt' ? g.prepare('prompt', a) : g.prepare('response', b, a);
    try {
      const n = prepared.windows;
      const { heads, embeddingDim } = this.spec;
      const logits = new Float32Array(n * heads);
      const embeddings = new Float32Array(n * embeddingDim);
      for (let s = 0; s < n; s += BATCH) {
        const e = Math.min(n, s + BATCH);
        let out;
        try {
          out = await this.backend.run(prepared.feeds(s, e));
          if (!(out && out.logits instanceof Float32Array && out.embeddings instanceof Float32Array) ||
              out.logits.length < (e - s) * heads || out.embeddings.length < (e - s) * embeddingDim) {
            throw new Error(`run() must resolve to {logits: Float32Array(${(e - s) * heads}), ` +
              `embeddings: Float32Array(${(e - s) * embeddingDim})} for ${e - s} windows`);
          }
        } catch (err) {
          if (err && err.code) throw err;
          const wrapped = parapetError('InferenceError', 'BACKEND_FAILED',
            `the ${this.backend.name || 'custom'} backend failed: ${err && err.message ? err.message : err}`);
          wrapped.cause = err;
          throw wrapped;
        }
        logits.set(out.logits.subarray(0, (e - s) * heads), s * heads);
        embeddings.set(out.embeddings.subarray(0, (e - s) * embeddingDim), s * embeddingDim);
      }
      return this.live().complete(prepared, logits, embeddings);
    } finally {
      try { prepared.free(); } catch { /* already freed with a crashed instance */ }
    }
  }

  live() {
    if (this.disposed) throw inputError('DISPOSED', 'the guard was disposed while this call was waiting; create a new one with load()');
    if (!this.guard) throw crashedError(new Error('the engine is being re-created after a crash'));
    return this.guard;
  }

  async ensureImageModel() {
    if (this.imageLoaded) return;
    if (this.imageSource === false) {
      throw inputError('NO_IMAGE_MODEL', 'this guard was loaded with imageModel: false; pass an image ' +
        'model (URL or bytes) to load() or call guard.loadImageModel() before checkImage()');
    }
    const bytes = await loadBundle(this.imageSource, { label: 'image model', sha256: this.imagePin, cache: this.o.cache !== false, onProgress: this.o.onProgress || (() => {}) });
    await this.orFull((g) => g.loadImageModel(bytes));
    this.imageLoaded = true;
  }

  // Streaming (the engine's guard.stream): sessions live in this instance, by id. They always
  // use the engine's own model (tract), also when a Backend is set. A crash ends them.
  do_streamStart(options) {
    const session = this.live().stream(options);
    this.sessions ||= new Map();
    this.nextSession = (this.nextSession || 0) + 1;
    this.sessions.set(this.nextSession, session);
    return this.nextSession;
  }
  session(id) {
    const s = this.sessions && this.sessions.get(id);
    if (!s) {
      throw inputError('STREAM_CLOSED', 'this stream has ended (end() or dispose() was called, or the engine ' +
        'was re-created after a crash); start a new one with guard.stream()');
    }
    return s;
  }
  do_streamPush(id, delta) { return this.session(id).push(delta); }
  do_streamEnd(id) {
    const s = this.session(id);
    try { return s.end(); } finally { this.sessions.delete(id); try { s.free(); } catch { /* freed */ } }
  }
  do_streamFree(id) {
    const s = this.sessions && this.sessions.get(id);
    if (s) { this.sessions.delete(id); try { s.free(); } catch { /* freed */ } }
  }

  do_checkPrompt(text) { return this.text('prompt', text); }
  do_checkResponse(prompt, response) { return this.text('response', prompt, response); }
  async do_checkImage(image) {
    await this.ensureImageModel();
    // The lite build has no PNG/JPEG/WebP decoders: where the platform decodes (browsers,
    // workers), encoded bytes become pixels here instead of a move to the full build.
    if (this.flavor === 'lite' && image instanceof Uint8Array) {
      const px = await decodeToPixels(image);
      if (px) image = px;
    }
    return this.orFull((g) => g.checkImage(image));
  }
  async do_loadImageModel(source) {
    const pin = source === DEFAULT_IMAGE_MODEL_URL ? DEFAULT_IMAGE_MODEL_SHA256 : undefined;
    const bytes = await loadBundle(source, { label: 'image model', sha256: pin, cache: this.o.cache !== false, onProgress: this.o.onProgress || (() => {}) });
    await this.orFull((g) => g.loadImageModel(bytes));
    this.imageSource = source;
    this.imagePin = pin;
    this.imageLoaded = true;
    return this.live().imageInfo;
  }
  do_setConstitution(c) {
    this.live().setConstitution(c);
    this.constitution = c === undefined ? null : c;
  }
  do_getConstitution() { return this.live().constitution; }
  do_categories() { return this.live().categories(); }
  do_info() { return this.live().info; }
  do_imageInfo() { return this.live().imageInfo; }
  do_taxonomy() { return this.instance.glue.taxonomy(); }
  do_version() { return this.instance.glue.version(); }
  do_memoryBytes() { return this.instance.exports.memory.buffer.byteLength; }
  do_stats() { return { crashes: this.crashes, backend: this.backend ? this.backend.name : 'wasm', build: this.flavor }; }

  /**
   * Test hook: makes the wasm instance trap for real by calling a raw export of the glue with a
   * pointer far outside linear memory (the guard's checkPrompt on a bogus object), so the
   * crash path is exercised end to end. Not part of the public API.
   */
  do___provokeTrap() {
    this.live();
    const ex = this.instance.exports;
    const fn = ex.guard_checkPrompt;
    if (typeof fn !== 'function') throw inputError('INVALID_ARGUMENT', 'raw export guard_checkPrompt not found');
    return fn(0xfffffff0, 0);
  }

  dispose() {
    this.disposed = true;
    try { if (this.guard) this.guard.free(); } catch { /* a trapped instance */ }
    this.guard = null;
    this.instance = null;
    if (this.backend && this.backend.dispose) {
      try { this.backend.dispose(); } catch { /* best effort */ }
    }
  }
}
