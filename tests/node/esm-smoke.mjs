// Node ESM smoke test of the package: `import { load } from 'parapet'` with no configuration,
// the default bundle from inside the package, the shared cases; prints the summary as JSON.
// tests/browser/package.test.mjs compares it with the same cases in a Vite production build.
import { load } from 'parapet';
import { runCases } from '../browser/vite-app/cases.js';

const guard = await load();
console.log(JSON.stringify(await runCases(guard)));
guard.dispose();
