// Shared by the Node tests of the wasm glue: asserts that `fn` throws a named parapet error.
import assert from 'node:assert/strict';

export function expectError(fn, name, code) {
  let err;
  try { fn(); } catch (e) { err = e; }
  assert.ok(err instanceof Error, 'throws a JS Error');
  assert.equal(err.name, name);
  assert.equal(err.code, code);
  assert.ok(err.message.length > 20, `message says what to fix: ${err.message}`);
  return err;
}
