import type { Backend } from './index.js';
export interface OrtBackendOptions {
  /** The onnxruntime-web module, if already imported. */
  ort?: unknown;
  /** Default ['webgpu', 'wasm'] when navigator.gpu exists, else ['wasm']. */
  executionProviders?: string[];
  sessionOptions?: Record<string, unknown>;
}
export declare function createOrtBackend(options?: OrtBackendOptions): Promise<Backend & { providers: string[] }>;
