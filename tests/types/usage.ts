// Compiled (not run) by tests/node/types.test.mjs: the package's TypeScript surface as an app
// would use it. A wrong type here, or a missing export, fails `tsc --noEmit`.
import { load, clearCache, verifyBundleHash, type Verdict, type Guard, type LoadOptions, type Backend,
  type ProgressEvent, type Constitution, type CategoryResult, type ParapetError } from 'parapet';
import { createOrtBackend } from 'parapet/ort';

const onProgress = (e: ProgressEvent): void => {
  if (e.status === 'progress') console.log(e.loaded / e.total);
};
const constitution: Constitution = { preset: 'strict', categories: { harassment: { enabled: false, threshold: 0.7 } } };
const options: LoadOptions = { constitution, onProgress, worker: true, backend: 'auto', cache: true };

async function main(): Promise<void> {
  const guard: Guard = await load(options);
  const v: Verdict = await guard.checkPrompt('hello');
  const triggered: CategoryResult[] = v.categories.filter((c) => c.triggered);
  const s: number | null = triggered[0]?.score ?? null;
  await guard.checkResponse('a', 'b');
  await guard.checkImage(new Uint8Array(4));
  await guard.setConstitution(null);
  const ok: string | false | null = await verifyBundleHash(new Uint8Array(64));
  const backend: Backend = await createOrtBackend({ executionProviders: ['wasm'] });
  await load({ backend, model: new URL('https://example.com/m.parapet'), imageModel: false });
  guard.dispose();
  await clearCache();
  try { await guard.checkPrompt('x'); } catch (e) { const err = e as ParapetError; console.log(err.name, err.code, s, ok); }
  // @ts-expect-error: checkPrompt takes a string
  await guard.checkPrompt(42);
  // @ts-expect-error: unknown backend name
  await load({ backend: 'webgpu' });
  const lite = await load({ build: 'lite', engine: 'int8', liteWasmUrl: new URL('https://cdn.example/parapet_lite_bg.wasm') });
  const build: 'full' | 'lite' = lite.info.build;
  const engine: 'int8' | 'tract' = lite.info.engine;
  console.log(build, engine);
  // @ts-expect-error: unknown build name
  await load({ build: 'tiny' });
}
void main;
