// The test's only network endpoint: an HTTP proxy that Chromium must use for every request
// (--proxy-server, --proxy-bypass-list=<-loopback>). It serves the test chat page under the
// made-up host PAGE_HOST and refuses and records everything else, so the test can assert that
// nothing left the machine except requests to the local page.
import http from 'node:http';
import fs from 'node:fs';
import zlib from 'node:zlib';

export const PAGE_HOST = 'chat.parapet.test';
// A second local origin for images (no CORS headers: the content script cannot read them, the
// extension fetches them with its host permission).
export const IMAGE_HOST = 'images.parapet.test';

// A benign 192×160 RGB gradient PNG (made here, so no image is shipped in the repository).
function gradientPng(w = 192, h = 160) {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      raw[o] = (x * 255) / w; raw[o + 1] = (y * 255) / h; raw[o + 2] = 180;
    }
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

export async function startServer() {
  const served = [];    // requests to the page host
  const refused = [];   // anything else (must stay empty)
  const png = gradientPng();
  const page = fs.readFileSync(new URL('./chat.html', import.meta.url));
  const server = http.createServer((req, res) => {
    let url;
    try { url = new URL(req.url, `http://${req.headers.host || 'unknown'}`); } catch { url = null; }
    if (!url || (url.hostname !== PAGE_HOST && url.hostname !== IMAGE_HOST)) {
      const rec = { method: req.method, host: url?.hostname ?? '?', path: url ? url.pathname : req.url, body: '' };
      refused.push(rec);
      req.on('data', (d) => { if (rec.body.length < 65536) rec.body += d; });
      req.on('end', () => res.writeHead(403).end());
      return;
    }
    served.push(`${req.method} ${url.hostname === PAGE_HOST ? '' : `//${url.hostname}`}${url.pathname}${url.search}`);
    if (url.pathname === '/' || url.pathname === '/chat.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page);
    } else if (url.pathname.startsWith('/img/') && url.pathname.endsWith('.png')) {
      // Slow on purpose: the image must be covered while it loads.
      setTimeout(() => res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'max-age=600' }).end(png), 300);
    } else if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
    } else {
      res.writeHead(404).end();
    }
  });
  server.on('connect', (req, socket) => {   // HTTPS / WebSocket tunnels: never allowed
    refused.push({ method: 'CONNECT', host: String(req.url).replace(/:\d+$/, ''), path: '', body: '' });
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { port: server.address().port, served, refused, close: () => new Promise((r) => server.close(r)) };
}
