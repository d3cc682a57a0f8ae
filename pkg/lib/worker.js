// The module Web Worker of worker mode (`load({worker: true})`). It owns one EngineHost and
// answers `{id, type, ...}` messages in order: `init` {options} and `call` {method, args}.
// Replies `{id, ok: true, result}` or `{id, ok: false, error: {name, code, message, path},
// crashed}`; `crashed: true` tells the page the wasm instance trapped, so it replaces this
// worker (terminate() is the only way to give a wasm instance's memory back).
// Progress of downloads is posted as `{type: 'progress', event}`.

import { EngineHost } from './engine.js';
import { serializeError } from './errors.js';
import { resolveBackend } from './backend.js';

let host = null;

function reply(id, ok, payload, crashed) {
  self.postMessage(ok ? { id, ok: true, result: payload } : { id, ok: false, error: serializeError(payload), crashed: !!crashed });
}

self.onmessage = async (ev) => {
  const msg = ev.data || {};
  const { id } = msg;
  try {
    if (msg.type === 'init') {
      const o = msg.options;
      const backend = await resolveBackend(o.backend);
      host = new EngineHost({
        ...o,
        backend,
        restartOnCrash: false,
        onProgress: (event) => self.postMessage({ type: 'progress', event }),
      });
      await host.init();
      if (o.imageLoaded) await host.ensureImageModel();
      reply(id, true, { info: host.infoCache, backend: backend ? backend.name : 'wasm' });
    } else if (msg.type === 'call') {
      if (!host) throw new Error('the worker was not initialised');
      reply(id, true, await host.call(msg.method, msg.args));
    } else if (msg.type === 'dispose') {
      if (host) host.dispose();
      host = null;
      reply(id, true, null);
    }
  } catch (e) {
    reply(id, false, e, e && e.code === 'ENGINE_CRASHED');
  }
};
