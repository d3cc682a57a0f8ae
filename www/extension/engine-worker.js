// Dedicated worker spawned by the offscreen document: runs the engine off the document's
// thread. Messages: {id, req} in, {id, ok, result | error, fatal?} out. A WebAssembly trap
// (a crash or running out of memory) leaves the instance unusable: it is reported as fatal and
// the offscreen document replaces this worker.
import { enqueue, errorInfo } from './engine-core.js';

self.onmessage = (e) => {
  const { id, req } = e.data;
  enqueue(req).then(
    (result) => self.postMessage({ id, ok: true, result }),
    (err) => self.postMessage({ id, ok: false, error: errorInfo(err), fatal: err instanceof WebAssembly.RuntimeError }),
  );
};
self.postMessage({ ready: true });
