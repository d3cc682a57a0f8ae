// Named errors of the JS wrapper. The engine's own errors (BundleError, ConstitutionError,
// InputError, InferenceError, each with a stable `code`) pass through unchanged; the wrapper adds
// a few codes of its own with the same names, and moves errors across the worker boundary
// without losing `name`, `code` or `path`.

/** The four error names every parapet error uses. */
export const ERROR_NAMES = ['BundleError', 'ConstitutionError', 'InputError', 'InferenceError'];

/** Makes an Error with a stable name and code (and extra fields such as `path`). */
export function parapetError(name, code, message, extra) {
  const err = new Error(message);
  err.name = name;
  err.code = code;
  if (extra) Object.assign(err, extra);
  return err;
}

export const inputError = (code, message) => parapetError('InputError', code, message);
export const bundleError = (code, message) => parapetError('BundleError', code, message);

/** The error every call on a disposed guard throws. */
export function disposedError(method) {
  return inputError('DISPOSED',
    `guard.${method}() was called after guard.dispose(): this guard has been disposed; ` +
    'create a new one with load()');
}

/** The error a call rejects with when the wasm instance trapped (it has been re-created). */
export function crashedError(cause) {
  const detail = cause && cause.message ? `: ${cause.message}` : '';
  const err = parapetError('InferenceError', 'ENGINE_CRASHED',
    `the wasm engine crashed during this call (${cause && cause.name ? cause.name : 'trap'}${detail}); ` +
    'it has been re-created with the same model, constitution and image model, so the next call ' +
    'works. If this repeats for the same input, please report it with that input.');
  err.cause = cause;
  return err;
}

/** A plain, structured-cloneable copy of an error (for postMessage). */
export function serializeError(e) {
  if (e && typeof e === 'object') {
    const out = { name: String(e.name || 'Error'), message: String(e.message || e) };
    if (e.code !== undefined) out.code = String(e.code);
    if (e.path !== undefined) out.path = String(e.path);
    return out;
  }
  return { name: 'Error', message: String(e) };
}

/** Re-creates an Error from serializeError's output (same name, code, path). */
export function deserializeError(o) {
  const err = new Error(o.message);
  err.name = o.name;
  if (o.code !== undefined) err.code = o.code;
  if (o.path !== undefined) err.path = o.path;
  return err;
}

/**
 * True when `e` means the wasm instance can no longer be trusted: a trap (RuntimeError: out of
 * bounds, unreachable after a panic or an allocation failure), or wasm-bindgen's borrow guard
 * tripping because a trapped call left an object borrowed.
 */
export function isEngineCrash(e) {
  if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) return true;
  if (e && e.name === 'RuntimeError') return true;
  return !!(e && typeof e.message === 'string' && /recursive use of an object detected|null pointer passed to rust/.test(e.message));
}
