// A tiny static file server for the browser tests and the demo: correct MIME types (wasm as
// application/wasm, so streaming compilation works), no caching headers, a log of every request,
// and switches to take the model offline or to serve corrupted bundles.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.svg': 'image/svg+xml',
  '.parapet': 'application/octet-stream',
};

/**
 * Serves `root` on 127.0.0.1 (port 0 = any free port unless given).
 * Returns { url, requests, server, offline(set), corrupt(set), close() }.
 */
export async function serve(root, { port = 0, quiet = true } = {}) {
  const base = resolve(root);
  const state = { requests: [], offline: false, corrupt: false };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    state.requests.push(path);
    if (!quiet) console.log(req.method, path);
    let file = normalize(join(base, path));
    if (!file.startsWith(base)) { res.writeHead(403).end(); return; }
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
    } catch { /* 404 below */ }
    let st;
    try { st = statSync(file); } catch { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'); return; }
    const isModel = file.endsWith('.parapet');
    if (isModel && state.offline) { req.socket.destroy(); return; } // like a dropped connection
    const headers = { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'content-length': st.size, 'cache-control': 'no-store' };
    if (isModel && state.corrupt) {
      // Same length, one flipped byte in the middle: only the sha256 can tell.
      const chunks = [];
      createReadStream(file).on('data', (c) => chunks.push(c)).on('end', () => {
        const buf = Buffer.concat(chunks);
        buf[buf.length >> 1] ^= 0xff;
        res.writeHead(200, headers).end(buf);
      });
      return;
    }
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  });
  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${server.address().port}/`;
  return {
    url, state, requests: state.requests, server,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(ok); }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2] || 'www/dist';
  const port = Number(process.argv[3] || 5173);
  const s = await serve(root, { port, quiet: false });
  console.log(`serving ${root} at ${s.url}`);
}
