import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
const server = createServer((q, r) => { try { const f = readFileSync('/work/main' + q.url.split('?')[0]); r.writeHead(200, { 'content-type': q.url.endsWith('.html') ? 'text/html' : 'application/octet-stream' }); r.end(f); } catch { r.writeHead(404); r.end(); } }).listen(0);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'] });
for (let i = 0; i < 3; i++) {
  const ctx = await browser.newContext(); const page = await ctx.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/${process.argv[2]}`);
  const r = await page.waitForFunction(() => window.__result, null, { timeout: 60000 });
  console.log(JSON.stringify(await r.jsonValue())); await ctx.close();
}
await browser.close(); server.close();
