// Builds the demo into www/dist (scripts/demo.sh serves it; the browser tests load it).
// No parapet-specific configuration: the package's `new URL(..., import.meta.url)` assets and its
// module worker are handled by Vite's defaults.
import { defineConfig } from 'vite';

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
