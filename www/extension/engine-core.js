// The parapet engine as the extension uses it, independent of where it runs (the offscreen
// document, a worker it spawns, or — for measurement only — the service worker). One Guard is
// loaded once (text model eagerly, image model on the first image) and kept.
//
// handle(request) → Promise<result>; requests are plain JSON objects ({type, ...}): load
// {constitution}, set-constitution {constitution}, policy, check {text, prompt|null},
// stream-start {id, prompt, scoreEvery?}, stream-push {id, delta}, stream-end {id},
// stream-abort {id}, abort-prefix {prefix}, check-image {base64 | url}, ping. Verdicts are
// returned slimmed to what the extension uses. Errors are thrown as Error objects with the
// engine's `name`/`code`/`path`.
import init, { Guard, taxonomy, memoryBytes } from './engine/parapet.js';

const TEXT_BUNDLE = 'engine/parapet-guard.parapet';
const IMAGE_BUNDLE = 'engine/open-nsfw.parapet';
// Stream sessions not touched for this long are freed (a tab closed mid-stream, a page that
// never stopped growing an element...).
const SESSION_IDLE_MS = 120_000;
const MAX_SESSIONS = 64;
// Re-score a streamed answer every this many new tokens (the engine's default is 64; smaller
// covers a harmful answer sooner for a little more work per answer).
const STREAM_SCORE_EVERY = 16;

let guard = null;
let loading = null;         // Promise<Guard> while loading / loaded
let loadError = null;       // last load failure (rethrown to callers; retried after RETRY_MS)
let loadFailedAt = 0;
const RETRY_MS = 30_000;
let imageLoading = null;
let constitution = null;    // what the caller asked for (object) or null = default
const sessions = new Map(); // id → { prompt, text, session, verdict, last }
export const stats = { textLoadMs: null, imageLoadMs: null, checks: 0 };

function baseUrl(path) {
  return new URL(`./${path}`, import.meta.url).href;
}

async function fetchBytes(path) {
  const res = await fetch(baseUrl(path));
  if (!res.ok) throw Object.assign(new Error(`cannot read ${path}: HTTP ${res.status}`), { name: 'LoadError', code: 'MISSING_FILE' });
  return new Uint8Array(await res.arrayBuffer());
}

function load() {
  if (loading) return loading;
  if (loadError && Date.now() - loadFailedAt < RETRY_MS) return Promise.reject(loadError);
  loading = (async () => {
    const t0 = performance.now();
    await init();
    const bytes = await fetchBytes(TEXT_BUNDLE);
    let g;
    try {
      g = new Guard(bytes, constitution ?? undefined);
    } catch (e) {
      if (e && e.name === 'ConstitutionError' && constitution) {
        // A stored constitution this engine no longer accepts: run with the default rather than
        // not at all, and say so (the options page shows `constitutionError`).
        console.error('parapet: stored constitution rejected, using the default', e);
        constitutionError = errorInfo(e);
        g = new Guard(bytes);
      } else {
        throw e;
      }
    }
    guard = g;
    stats.textLoadMs = Math.round(performance.now() - t0);
    loadError = null;
    return g;
  })();
  loading.catch((e) => {
    console.error('parapet: engine failed to load', e);
    loadError = e;
    loadFailedAt = Date.now();
    loading = null;
  });
  return loading;
}
let constitutionError = null;

async function loadImages() {
  const g = await load();
  if (!imageLoading) {
    imageLoading = (async () => {
      const t0 = performance.now();
      g.loadImageModel(await fetchBytes(IMAGE_BUNDLE));
      stats.imageLoadMs = Math.round(performance.now() - t0);
    })();
    imageLoading.catch(() => { imageLoading = null; });
  }
  await imageLoading;
  return g;
}

export function errorInfo(e) {
  if (!e || typeof e !== 'object') return { name: 'Error', code: 'UNKNOWN', message: String(e) };
  return { name: e.name || 'Error', code: e.code || 'UNKNOWN', path: e.path, message: e.message || String(e) };
}

// Verdicts cross extension messaging (JSON): keep what the content script and the options page
// use, drop nothing that matters.
function slim(v) {
  return {
    kind: v.kind, action: v.action, flagged: v.flagged, score: v.score,
    categories: v.categories.map((c) => ({ id: c.id, score: c.score, threshold: c.threshold, action: c.action, source: c.source, triggered: c.triggered })),
    timings: v.timings,
    checked: v.checked, checkedUtf16: v.checkedUtf16, released: v.released, releasedUtf16: v.releasedUtf16,
  };
}

function sweepSessions() {
  const now = Date.now();
  for (const [id, s] of sessions) {
    if (now - s.last > SESSION_IDLE_MS) freeSession(id);
  }
  while (sessions.size > MAX_SESSIONS) freeSession(sessions.keys().next().value);
}

function freeSession(id) {
  const s = sessions.get(id);
  sessions.delete(id);
  try { s?.session?.free(); } catch { /* already freed */ }
}

// ---- the streaming path: every streamed answer goes through these three functions ----------
// The engine's StreamSession scores the growing answer incrementally (re-scoring the last
// window after `scoreEvery` new tokens); end() equals checkResponse(prompt, fullText).
function streamStart(g, id, prompt, scoreEvery) {
  if (sessions.has(id)) freeSession(id);
  sweepSessions();
  const session = g.stream({ prompt, scoreEvery: scoreEvery || STREAM_SCORE_EVERY });
  sessions.set(id, { session, last: Date.now() });
}

function session(id) {
  const s = sessions.get(id);
  if (!s) throw Object.assign(new Error(`no stream ${id} (ended, or freed after ${SESSION_IDLE_MS / 1000} s idle)`), { name: 'InputError', code: 'NO_STREAM' });
  s.last = Date.now();
  return s.session;
}

function streamPush(id, delta) {
  return session(id).push(delta);
}

function streamEnd(id) {
  const v = session(id).end();
  freeSession(id);
  return v;
}
// ---------------------------------------------------------------------------------------------

function decodeBase64(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function imageBytes(req) {
  if (req.base64) return decodeBase64(req.base64);
  if (!req.url) throw Object.assign(new Error('image request without url or bytes'), { name: 'InputError', code: 'INVALID_ARGUMENT' });
  const u = new URL(req.url);
  if (!['http:', 'https:', 'data:'].includes(u.protocol)) {
    throw Object.assign(new Error(`cannot fetch ${u.protocol} images from the extension`), { name: 'InputError', code: 'UNSUPPORTED_URL' });
  }
  // The page already loaded this image: the browser cache normally answers.
  const res = await fetch(req.url, { credentials: 'include', cache: 'force-cache' });
  if (!res.ok) throw Object.assign(new Error(`image HTTP ${res.status}`), { name: 'InputError', code: 'IMAGE_FETCH_FAILED' });
  return new Uint8Array(await res.arrayBuffer());
}

export async function handle(req) {
  switch (req.type) {
    case 'load': {
      if (req.constitution !== undefined) constitution = req.constitution;
      const g = await load();
      return { info: g.info, stats, constitutionError };
    }
    case 'set-constitution': {
      // Validates and applies; the caller persists only on success. Before the guard is loaded
      // it is remembered and used at load (and validated then).
      const g = await load();
      const c = req.constitution ?? null;
      g.setConstitution(c);
      constitution = c;
      constitutionError = null;
      return { categories: g.categories() };
    }
    case 'policy': {
      const g = await load();
      return { constitution: g.constitution, categories: g.categories(), taxonomy: taxonomy(), info: g.info, constitutionError, stats };
    }
    case 'check': {
      const g = await load();
      stats.checks++;
      const v = req.prompt != null ? g.checkResponse(req.prompt, req.text) : g.checkPrompt(req.text);
      return slim(v);
    }
    case 'stream-start': {
      const g = await load();
      streamStart(g, req.id, req.prompt ?? '', req.scoreEvery);
      return null;
    }
    case 'stream-push': {
      stats.checks++;
      return slim(streamPush(req.id, req.delta));
    }
    case 'stream-end': {
      stats.checks++;
      return slim(streamEnd(req.id));
    }
    case 'stream-abort': {
      freeSession(req.id);
      return null;
    }
    case 'abort-prefix': {
      for (const id of [...sessions.keys()]) if (id.startsWith(req.prefix)) freeSession(id);
      return null;
    }
    case 'check-image': {
      const bytes = await imageBytes(req);
      const g = await loadImages();
      stats.checks++;
      return slim(g.checkImage(bytes));
    }
    case 'ping':
      return { loaded: !!guard, stats, memoryBytes: guard ? memoryBytes() : 0 };
    default:
      throw Object.assign(new Error(`unknown request ${req.type}`), { name: 'InputError', code: 'UNKNOWN_REQUEST' });
  }
}

// Requests run one at a time, in arrival order (the guard is single-threaded; stream pushes of
// one answer must stay ordered).
let queue = Promise.resolve();
export function enqueue(req) {
  const p = queue.then(() => handle(req));
  queue = p.catch(() => {});
  return p;
}
