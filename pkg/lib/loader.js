// Loading model bundles: bytes as given, files from disk in Node, URLs through fetch with
// progress events and (in browsers) Cache Storage. Every bundle's trailing sha256 (the last 32
// bytes hash everything before them, docs/BUNDLE_FORMAT.md) is verified here on every load, so a
// corrupted cache entry is dropped and fetched again instead of failing inside the engine.

import { bundleError, inputError } from './errors.js';

/** Name of the Cache Storage cache parapet uses for bundles. */
export const CACHE_NAME = 'parapet-models-v1';

/**
 * Imports a Node built-in. The specifier is a variable so bundlers leave it alone: browser builds
 * never reach these branches, and a bundled worker stays one chunk (no code splitting).
 */
export const nodeImport = (specifier) => import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);

export const isNode = typeof process !== 'undefined' && !!(process.versions && process.versions.node) &&
  typeof window === 'undefined' && typeof WorkerGlobalScope === 'undefined';

/** The default bundles shipped inside the package (copied there by scripts/build-pkg.sh). */
export const DEFAULT_MODEL_URL = new URL('../models/parapet-guard.parapet', import.meta.url).href;
export const DEFAULT_IMAGE_MODEL_URL = new URL('../models/open-nsfw.parapet', import.meta.url).href;

function toHex(buf) {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Per byte array the loader handles: memoised digest promises, and the file hash once it has
 *  matched an expected one (`pinned`). */
const memo = new WeakMap();
const entry = (bytes) => {
  let e = memo.get(bytes);
  if (!e) memo.set(bytes, (e = {}));
  return e;
};

/** Whether this context can hash bundles in JS: Node (node:crypto), or WebCrypto (not on an
 *  insecure http: origin). */
export function hasWebCrypto() {
  return isNode || !!(globalThis.crypto && globalThis.crypto.subtle);
}

function trailerMatches(bodyDigest, bytes) {
  const digest = new Uint8Array(bodyDigest);
  const trailer = bytes.subarray(bytes.byteLength - 32);
  for (let i = 0; i < 32; i++) if (digest[i] !== trailer[i]) return false;
  return true;
}

/**
 * Both sha256 digests of a bundle: of the body (the trailer holds it) and of the whole file
 * (the bundle's identity, `info.sha256`). Node does both in one pass (node:crypto: the body
 * once, then a copy of that state finished with the trailer; Node's WebCrypto would first copy
 * the 24 MB on this thread). Browsers use WebCrypto, where Chromium hashes on the calling
 * thread (~45 ms per 24 MB digest). Memoised per byte array when `memo` (the loader's own
 * bytes; the exported `verifyBundleHash` always hashes afresh). Null without WebCrypto.
 */
function bundleDigests(bytes, useMemo = true) {
  const e = useMemo ? entry(bytes) : {};
  if (!e.both) {
    const body = bytes.subarray(0, bytes.byteLength - 32);
    if (isNode) {
      e.both = nodeImport('node:crypto').then(({ createHash }) => {
        const h = createHash('sha256').update(body);
        const whole = h.copy().update(bytes.subarray(bytes.byteLength - 32));
        const b = h.digest();
        return { trailerOk: trailerMatches(b, bytes), body: toHex(b), file: whole.digest('hex') };
      });
    } else if (!hasWebCrypto()) {
      e.both = Promise.resolve(null);
    } else {
      e.both = Promise.all([globalThis.crypto.subtle.digest('SHA-256', body), fileSha256(bytes, useMemo)])
        .then(([b, file]) => ({ trailerOk: trailerMatches(b, bytes), body: toHex(b), file }));
    }
  }
  return e.both;
}

/** The whole file's sha256 (hex), or null without WebCrypto. One digest in browsers. */
function fileSha256(bytes, useMemo = true) {
  const e = useMemo ? entry(bytes) : {};
  if (!e.file) {
    if (isNode) e.file = bundleDigests(bytes, useMemo).then((d) => d.file);
    else if (!hasWebCrypto()) e.file = Promise.resolve(null);
    else e.file = globalThis.crypto.subtle.digest('SHA-256', bytes).then(toHex);
  }
  return e.file;
}

/**
 * Whether `bytes` are an intact bundle: with `expected` (the file's sha256, hex), whether they
 * are exactly that file, which takes one digest (the bundle's own trailer then needs no second
 * pass: the pinned hash covers every byte); without, whether the trailer checks out. True
 * where nothing can hash here (the engine then checks every hash itself).
 */
async function intact(bytes, expected) {
  if (bytes.byteLength < 48) return true; // the engine names what is wrong with it
  if (expected) {
    const file = await fileSha256(bytes);
    if (file === null) return true;
    if (file !== expected.toLowerCase()) return false;
    entry(bytes).pinned = file;
    return true;
  }
  return (await trailerCheck(bytes, true)) !== false;
}

/**
 * Checks the bundle trailer: sha256(bytes[0, len-32]) == bytes[len-32, len). Returns the hex
 * digest, false when it fails, or null where WebCrypto is unavailable (an insecure http:
 * origin; the engine still verifies every hash when it loads the bundle).
 */
export async function verifyBundleHash(bytes) {
  return trailerCheck(bytes, false);
}

async function trailerCheck(bytes, useMemo) {
  if (bytes.byteLength < 48) return '';
  const d = await bundleDigests(bytes, useMemo);
  if (!d) return null;
  return d.trailerOk ? d.body : false;
}

/**
 * The bundle file's sha256 (hex) once its integrity is known: pinned by an expected hash
 * (`loadBundle`'s `sha256`), or from the trailer check; null when nothing can hash here or the
 * trailer fails (the engine then checks, and names the problem). Handed to the engine so it
 * does not hash the file again in wasm (~1 s for 24 MB).
 */
export async function bundleSha256(bytes) {
  if (bytes.byteLength < 48) return null;
  const pinned = memo.get(bytes)?.pinned;
  if (pinned) return pinned;
  const d = await bundleDigests(bytes);
  return d && d.trailerOk ? d.file : null;
}

function pinMismatch(label, where, expected) {
  return bundleError('HASH_MISMATCH', `the ${label} from ${where} is not the expected file (sha256 ${expected}): ` +
    'it is another version, corrupted, cut short or tampered with; download it again, or fix the expected sha256');
}

function describe(source) {
  return typeof source === 'string' ? source : source instanceof URL ? source.href : String(source);
}

async function readNodeFile(url, label, onProgress) {
  const { readFile, stat } = await nodeImport('node:fs/promises');
  const { fileURLToPath } = await nodeImport('node:url');
  const path = url.protocol === 'file:' ? fileURLToPath(url) : url.pathname;
  let size;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw bundleError('NOT_FOUND', `cannot read the ${label} at ${path}: ${e.code || e.message}. ` +
      (url.href === DEFAULT_MODEL_URL || url.href === DEFAULT_IMAGE_MODEL_URL
        ? 'The default bundles are copied into the package by scripts/build-pkg.sh; run it, or pass `model`.'
        : 'Check the path, or pass the bytes as a Uint8Array.'));
  }
  onProgress({ status: 'download', name: label, file: path, total: size });
  const buf = await readFile(path);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  onProgress({ status: 'progress', name: label, file: path, loaded: size, total: size, progress: 100 });
  return bytes;
}

async function fetchWithProgress(url, label, onProgress) {
  let res;
  try {
    try {
      res = await fetch(url);
    } catch {
      // One retry: a pooled keep-alive connection closed by the server at the moment it is
      // reused fails the request without reaching the server (seen with Node's fetch).
      res = await fetch(url);
    }
  } catch (e) {
    throw bundleError('FETCH_FAILED', `could not download the ${label} from ${url}: ${e.message}. ` +
      'Check the URL and your connection (after one successful load it is served from Cache Storage offline).');
  }
  if (!res.ok) {
    throw bundleError('FETCH_FAILED', `could not download the ${label} from ${url}: HTTP ${res.status} ${res.statusText}. ` +
      'Check that the file is served at that URL.');
  }
  const total = Number(res.headers.get('content-length')) || 0;
  onProgress({ status: 'download', name: label, file: url, total });
  if (!res.body || !res.body.getReader) {
    const bytes = new Uint8Array(await res.arrayBuffer());
    onProgress({ status: 'progress', name: label, file: url, loaded: bytes.byteLength, total: bytes.byteLength, progress: 100 });
    return bytes;
  }
  const reader = res.body.getReader();
  let out = new Uint8Array(total || 1 << 20);
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.byteLength > out.byteLength) {
      const grown = new Uint8Array(Math.max(out.byteLength * 2, loaded + value.byteLength));
      grown.set(out.subarray(0, loaded));
      out = grown;
    }
    out.set(value, loaded);
    loaded += value.byteLength;
    onProgress({ status: 'progress', name: label, file: url, loaded, total: total || loaded,
      progress: total ? (100 * loaded) / total : 0 });
  }
  return loaded === out.byteLength ? out : out.slice(0, loaded);
}

async function openCache() {
  try {
    if (typeof caches === 'undefined') return null;
    return await caches.open(CACHE_NAME);
  } catch {
    return null; // opaque origins, disabled storage: work without a cache
  }
}

/**
 * Loads a bundle. `source`: Uint8Array | ArrayBuffer | URL | string (URL or, in Node, a path).
 * `label` names it in messages and progress events ("model", "image model").
 * Emits transformers.js-style progress: initiate, download, progress {loaded, total}, done.
 * Options: `cache` (default true; Cache Storage in browsers), `onProgress`, `sha256` (the
 * file's expected sha256: bytes that differ are HASH_MISMATCH, a cached copy that differs is
 * fetched again, and the check takes one digest instead of two).
 */
export async function loadBundle(source, { label = 'model', cache = true, onProgress = () => {}, sha256 = undefined } = {}) {
  if (sha256 !== undefined && sha256 !== null && !(typeof sha256 === 'string' && /^[0-9a-fA-F]{64}$/.test(sha256))) {
    throw inputError('INVALID_ARGUMENT', `the expected sha256 of the ${label} must be 64 hex digits (the file's sha256, as \`sha256sum\` prints it)`);
  }
  const given = source instanceof Uint8Array ? source : source instanceof ArrayBuffer ? new Uint8Array(source)
    : ArrayBuffer.isView(source) ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength) : null;
  if (given) {
    if (sha256 && !(await intact(given, sha256))) throw pinMismatch(label, 'the given bytes', sha256);
    return given;
  }
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw inputError('INVALID_ARGUMENT', `the ${label} must be a URL (string or URL), a Uint8Array or an ArrayBuffer ` +
      `of a .parapet bundle, or omitted for the default; got ${source === null ? 'null' : typeof source}`);
  }
  let url;
  try {
    url = new URL(String(source instanceof URL ? source.href : source),
      isNode ? (await nodeImport('node:url')).pathToFileURL(process.cwd() + '/').href
        : (globalThis.location && globalThis.location.href) || undefined);
  } catch {
    throw inputError('INVALID_ARGUMENT', `the ${label} URL ${describe(source)} is not a valid URL`);
  }
  onProgress({ status: 'initiate', name: label, file: url.href });

  if (isNode && url.protocol === 'file:') {
    const bytes = await readNodeFile(url, label, onProgress);
    await checkHash(bytes, label, url.href, sha256);
    onProgress({ status: 'done', name: label, file: url.href });
    return bytes;
  }

  const store = cache ? await openCache() : null;
  if (store) {
    const hit = await store.match(url.href);
    if (hit) {
      const bytes = new Uint8Array(await hit.arrayBuffer());
      if (await intact(bytes, sha256)) {
        onProgress({ status: 'progress', name: label, file: url.href, loaded: bytes.byteLength,
          total: bytes.byteLength, progress: 100, cached: true });
        onProgress({ status: 'done', name: label, file: url.href, cached: true });
        return bytes;
      }
      // A corrupted or tampered entry, or another version than the expected one: fetch again.
      await store.delete(url.href);
      onProgress({ status: 'cache-invalid', name: label, file: url.href });
    }
  }
  let bytes;
  try {
    bytes = await fetchWithProgress(url.href, label, onProgress);
  } catch (e) {
    if (store && e.code === 'FETCH_FAILED') {
      e.message += ' (no valid copy was in the cache)';
    }
    throw e;
  }
  await checkHash(bytes, label, url.href, sha256);
  if (store) {
    try {
      await store.put(url.href, new Response(bytes, {
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.byteLength) },
      }));
    } catch {
      // Quota exceeded or storage disabled: the guard still works, only without offline reuse.
    }
  }
  onProgress({ status: 'done', name: label, file: url.href });
  return bytes;
}

async function checkHash(bytes, label, where, expected) {
  if (expected) {
    if (!(await intact(bytes, expected))) throw pinMismatch(label, where, expected);
    return;
  }
  const ok = await trailerCheck(bytes, true);
  if (ok === false) {
    throw bundleError('HASH_MISMATCH', `the ${label} from ${where} fails its sha256 (bundle trailer): ` +
      'the file is corrupted, cut short or tampered with; download it again');
  }
}

/** Removes every cached bundle (Cache Storage) of this origin. Resolves to true if one was there. */
export async function clearCache() {
  if (typeof caches === 'undefined') return false;
  return caches.delete(CACHE_NAME);
}
