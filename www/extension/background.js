// Service worker: a thin router. It owns no model (a service worker is stopped after ~30 s idle,
// cannot start Web Workers and may not import() dynamically — see the README). It creates the
// offscreen document that hosts the engine, forwards requests from content scripts and the
// options page to it, and persists the constitution once the engine has accepted it.
import { mergeSettings } from './settings.js';

const OFFSCREEN_URL = 'offscreen.html';
let creating = null;
let ready = null;

async function hasOffscreen() {
  if (chrome.runtime.getContexts) {
    const ctx = await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] });
    return ctx.length > 0;
  }
  return chrome.offscreen.hasDocument();
}

async function ensureOffscreen() {
  if (await hasOffscreen()) return;
  if (!creating) {
    creating = chrome.offscreen.createDocument({
      url: OFFSCREEN_URL,
      reasons: ['WORKERS'],
      justification: 'Runs the parapet guard model (WebAssembly) in a worker and keeps it loaded.',
    }).finally(() => { creating = null; });
  }
  await creating;
}

async function send(req) {
  const res = await chrome.runtime.sendMessage({ target: 'offscreen', req });
  if (!res) throw Object.assign(new Error('the engine did not answer'), { name: 'LoadError', code: 'NO_ENGINE' });
  if (!res.ok) throw Object.assign(new Error(res.error.message), res.error);
  return res.result;
}

// Loads the engine with the stored constitution before anything else reaches it.
function engineReady() {
  if (!ready) {
    ready = (async () => {
      await ensureOffscreen();
      const { constitution } = await chrome.storage.local.get('constitution');
      return send({ type: 'load', constitution: constitution ?? null });
    })();
    ready.catch(() => { ready = null; });
  }
  return ready;
}

async function engine(req) {
  await engineReady();
  try {
    return await send(req);
  } catch (e) {
    // The offscreen document is gone (closed by Chrome or crashed): create it again, reload the
    // engine with the stored constitution, and retry once.
    if (e.code !== 'NO_ENGINE' && !/receiving end does not exist/i.test(String(e.message))) throw e;
    ready = null;
    await engineReady();
    return send(req);
  }
}

async function getSettings() {
  const { settings } = await chrome.storage.local.get('settings');
  return mergeSettings(settings);
}

function errorInfo(e) {
  return { name: e?.name || 'Error', code: e?.code || 'UNKNOWN', path: e?.path, message: e?.message || String(e) };
}

async function route(msg, sender) {
  const tab = sender.tab ? `${sender.tab.id}:${sender.frameId ?? 0}:` : 'ext:';
  switch (msg.type) {
    case 'get-settings':
      return getSettings();
    case 'check':
      return engine({ type: 'check', text: msg.text, prompt: msg.prompt ?? null });
    case 'stream-start':
    case 'stream-push':
    case 'stream-end':
    case 'stream-abort':
      return engine({ ...msg, id: tab + msg.id });
    case 'check-image':
      return engine({ type: 'check-image', url: msg.url, base64: msg.base64 });
    case 'policy':
      return engine({ type: 'policy' });
    case 'set-constitution': {
      // The engine validates (ConstitutionError with code and path on failure); only an accepted
      // constitution is stored, and storing it tells every content script to re-check.
      const result = await engine({ type: 'set-constitution', constitution: msg.constitution ?? null });
      await chrome.storage.local.set({ constitution: msg.constitution ?? null, policyVersion: Date.now() });
      return result;
    }
    case 'status':
      return engine({ type: 'ping' });
    default:
      throw Object.assign(new Error(`unknown message ${msg.type}`), { name: 'InputError', code: 'UNKNOWN_REQUEST' });
  }
}

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (msg?.target !== 'background') return false;
  route(msg, sender).then(
    (result) => sendResponse({ ok: true, result }),
    (err) => sendResponse({ ok: false, error: errorInfo(err) }),
  );
  return true;
});

chrome.tabs.onRemoved.addListener((tabId) => {
  if (ready) send({ type: 'abort-prefix', prefix: `${tabId}:` }).catch(() => {});
});

chrome.runtime.onInstalled.addListener(() => {
  engineReady().catch((e) => console.error('parapet: engine failed to load', e));
});
chrome.runtime.onStartup.addListener(() => {
  engineReady().catch((e) => console.error('parapet: engine failed to load', e));
});
