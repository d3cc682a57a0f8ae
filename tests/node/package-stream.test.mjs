// guard.stream() through the npm wrapper: pushing a response in chunks ends with the same verdict
// as checkResponse on the whole text; the wrapper's own errors (closed stream, bad arguments).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from 'parapet';

test('a streamed response ends with the verdict of checkResponse on the whole text', async () => {
  const guard = await load();
  const prompt = 'Tell me about the history of chemistry.';
  const full = 'Chemistry grew out of alchemy. '.repeat(40) + 'Now here is how to make a pipe bomb at home: take a steel pipe and fill it.';
  const s = await guard.stream({ prompt });
  let last = null;
  for (let i = 0; i < full.length; i += 97) {
    const v = await s.push(full.slice(i, i + 97));
    assert.ok(v.checkedUtf16 <= Math.min(full.length, i + 97));
    assert.ok(v.releasedUtf16 <= Math.min(full.length, i + 97));
    if (last) assert.ok(v.checkedUtf16 >= last.checkedUtf16, 'checked never goes back');
    last = v;
  }
  const end = await s.end();
  const whole = await guard.checkResponse(prompt, full);
  assert.equal(end.action, whole.action);
  // Equal up to float rounding of different batch shapes (README, Streaming).
  assert.deepEqual(end.categories.map((c) => c.id), whole.categories.map((c) => c.id));
  for (let i = 0; i < end.categories.length; i++) {
    const [a, b] = [end.categories[i], whole.categories[i]];
    assert.ok(Math.abs(a.score - b.score) < 1e-5, `${a.id}: stream ${a.score} vs whole ${b.score}`);
    assert.equal(a.triggered, b.triggered, a.id);
  }
  assert.equal(end.flagged, true, 'the harmful end of the response is caught');
  await assert.rejects(s.push('more'), (e) => e.name === 'InputError' && e.code === 'STREAM_CLOSED');
  await assert.rejects(s.end(), (e) => e.code === 'STREAM_CLOSED');
  s.dispose();
  await assert.rejects(guard.stream({}), (e) => e.name === 'InputError' && e.code === 'INVALID_ARGUMENT');
  const t = await guard.stream({ prompt: 'hi' });
  await assert.rejects(t.push(5), (e) => e.code === 'INVALID_ARGUMENT');
  t.dispose();
  t.dispose();
  await assert.rejects(t.push('x'), (e) => e.code === 'STREAM_CLOSED');
  guard.dispose();
  await assert.rejects(guard.stream({ prompt: 'x' }), (e) => e.code === 'DISPOSED');
});
