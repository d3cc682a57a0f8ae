// A Backend that runs the guard's ONNX graph with onnxruntime-web (an optional peer
// dependency): its WebGPU execution provider where `navigator.gpu` is present, else its wasm
// provider. parapet keeps tokenization, windowing, calibration, the constitution and verdicts;
// this only maps int64 input batches to the logits and embedding outputs.
//
//   import { load } from 'parapet';
//   import { createOrtBackend } from 'parapet/ort';
//   const guard = await load({ backend: await createOrtBackend() });

import { inputError, parapetError } from './errors.js';

async function importOrt() {
  try {
    // A bare specifier: resolved by the app's bundler or Node from the app's dependencies.
    return await import('onnxruntime-web');
  } catch (e) {
    throw inputError('BACKEND_UNAVAILABLE', 'the onnxruntime-web backend needs the onnxruntime-web package: ' +
      `npm install onnxruntime-web (${e.message})`);
  }
}

/**
 * Creates the onnxruntime-web Backend.
 * @param {object} [o]
 * @param {object} [o.ort] the onnxruntime-web module, if the app imported it already
 * @param {string[]} [o.executionProviders] default: ['webgpu', 'wasm'] when navigator.gpu exists, else ['wasm']
 * @param {object} [o.sessionOptions] extra InferenceSession options
 */
export async function createOrtBackend(o = {}) {
  const ort = o.ort || (await importOrt());
  const hasGpu = !!(globalThis.navigator && globalThis.navigator.gpu);
  const providers = o.executionProviders || (hasGpu ? ['webgpu', 'wasm'] : ['wasm']);
  let session = null;
  let spec = null;
  const backend = {
    name: 'onnxruntime-web',
    providers,
    async init({ onnx, spec: s }) {
      spec = s;
      try {
        // 'basic' = exact graph rewrites only: onnxruntime's default extended optimisations
        // quantise activations of this int8 model and move logits by ~1e-2 (tests/model_parity.rs).
        session = await ort.InferenceSession.create(onnx, {
          executionProviders: providers, graphOptimizationLevel: 'basic', ...(o.sessionOptions || {}) });
      } catch (e) {
        throw parapetError('InferenceError', 'BACKEND_FAILED', `onnxruntime-web could not load the guard model ` +
          `(providers ${providers.join(', ')}): ${e.message}`);
      }
    },
    async run(feeds) {
      const shape = [feeds.batch, feeds.seqLen];
      const [ids, mask, types] = spec.inputs;
      const inputs = {
        [ids]: new ort.Tensor('int64', feeds.inputIds, shape),
        [mask]: new ort.Tensor('int64', feeds.attentionMask, shape),
      };
      if (types && session.inputNames.includes(types)) inputs[types] = new ort.Tensor('int64', feeds.tokenTypeIds, shape);
      let out;
      try {
        out = await session.run(inputs);
      } catch (e) {
        throw parapetError('InferenceError', 'BACKEND_FAILED', `onnxruntime-web failed to run the guard model: ${e.message}`);
      }
      const logits = out[spec.logitsOutput];
      const embeddings = out[spec.embeddingOutput];
      if (!logits || !embeddings) {
        throw parapetError('InferenceError', 'BACKEND_FAILED', `the model has no output ${!logits ? spec.logitsOutput : spec.embeddingOutput}`);
      }
      // Copy: getData() may return a view onto the provider's memory.
      return { logits: Float32Array.from(await logits.getData()), embeddings: Float32Array.from(await embeddings.getData()) };
    },
    dispose() {
      if (session) session.release();
      session = null;
    },
  };
  return backend;
}
