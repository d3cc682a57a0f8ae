// The offscreen document: receives engine requests from the service worker
// ({target: 'offscreen', req}) and runs them in a dedicated worker (default) or, with
// ?host=document, in this document itself (kept for the measurement in the README).
const host = new URLSearchParams(location.search).get('host') || 'worker';
let run;

if (host === 'document') {
  const core = import('./engine-core.js');
  run = async (req) => (await core).enqueue(req);
} else {
  const worker = new Worker(new URL('./engine-worker.js', import.meta.url), { type: 'module' });
  const pending = new Map();
  let next = 1;
  worker.onmessage = (e) => {
    const m = e.data;
    if (m.ready) return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(Object.assign(new Error(m.error.message), m.error));
  };
  worker.onerror = (e) => {
    // A worker that cannot start (module failed to load): fail every pending and later request.
    const err = Object.assign(new Error(`engine worker failed: ${e.message || 'load error'}`), { name: 'LoadError', code: 'WORKER_FAILED' });
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    run = () => Promise.reject(err);
  };
  run = (req) => new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, req });
  });
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
