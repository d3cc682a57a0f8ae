// Dedicated worker spawned by the offscreen document: runs the engine off the document's
// thread. Messages: {id, req} in, {id, ok, result | error} out.
import { enqueue, errorInfo } from './engine-core.js';

self.onmessage = (e) => {
  const { id, req } = e.data;
  enqueue(req).then(
    (result) => self.postMessage({ id, ok: true, result }),
    (err) => self.postMessage({ id, ok: false, error: errorInfo(err) }),
  );
};
self.postMessage({ ready: true });
