// The offscreen document: receives engine requests from the service worker
// ({target: 'offscreen', req}) and runs them in a dedicated worker (default) or, with
// ?host=document, in this document itself (kept for the measurement in the README).
// If the worker dies (a crash, an out-of-memory trap), the next request starts a new one and
// replays the last constitution the engine accepted before anything else.
const host = new URLSearchParams(location.search).get('host') || 'worker';
let run;

if (host === 'document') {
  const core = import('./engine-core.js');
  run = async (req) => (await core).enqueue(req);
} else {
  let worker = null;
  let pending = new Map();
  let next = 1;
  let constitution;        // undefined: none seen yet; null: the default

  const fail = (w, err) => {
    if (w !== worker) return;
    worker = null;
    w.terminate();
    for (const p of pending.values()) p.reject(err);
    pending = new Map();
  };
  const start = () => {
    const w = new Worker(new URL('./engine-worker.js', import.meta.url), { type: 'module' });
    w.onmessage = (e) => {
      const m = e.data;
      if (m.ready) return;
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(Object.assign(new Error(m.error.message), m.error));
      if (m.fatal) fail(w, Object.assign(new Error(`engine crashed: ${m.error.message}`), { name: 'InferenceError', code: 'ENGINE_CRASHED' }));
    };
    w.onerror = (e) => {
      console.error('parapet: engine worker failed', e.message);
      fail(w, Object.assign(new Error(`engine worker failed: ${e.message || 'load error'}`), { name: 'LoadError', code: 'WORKER_FAILED' }));
    };
    worker = w;
    if (constitution !== undefined) post({ type: 'load', constitution }).catch(() => {});
  };
  const post = (req) => new Promise((resolve, reject) => {
    if (!worker) start();
    const id = next++;
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, req });
  });
  run = async (req) => {
    const result = await post(req);
    if (req.type === 'load' && req.constitution !== undefined && constitution === undefined) constitution = req.constitution;
    if (req.type === 'set-constitution') constitution = req.constitution ?? null;
    return result;
  };
}

function errorInfo(e) {
  return { name: e?.name || 'Error', code: e?.code || 'UNKNOWN', path: e?.path, message: e?.message || String(e) };
}

chrome.runtime.onMessage.addListener((msg, _sender, sendResponse) => {
  if (msg?.target !== 'offscreen') return false;
  if (msg.req?.type === 'ping-host') {   // answered by this document itself (is its thread free?)
    sendResponse({ ok: true, result: { host } });
    return false;
  }
  run(msg.req).then(
    (result) => sendResponse({ ok: true, result }),
    (err) => sendResponse({ ok: false, error: errorInfo(err) }),
  );
  return true;
});
