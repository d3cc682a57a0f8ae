// The package's TypeScript surface (pkg/lib/*.d.ts + the glue's result types) compiles against
// an app's use of it (tests/types/usage.ts, with @ts-expect-error for calls that must not).
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('tsc --noEmit on tests/types/usage.ts', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  // Throws with tsc's diagnostics on any type error.
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tests/types/tsconfig.json'], { cwd: root, stdio: 'inherit' });
});
