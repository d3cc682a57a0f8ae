// Types of parapet's ESM surface (lib/index.js). Result types come from the engine's glue.
import type {
  Verdict, CategoryResult, TextSpan, Timings, Action, Source, AppliesTo, Constitution, CategoryOverride,
  CustomCategory, PatternRule, AllowRule, CategoryPolicy, BundleInfo, ImageBundleInfo, ImageLike,
  TaxonomyItem, ParapetError, LoadTimings,
} from '../wasm/web/parapet.js';

export type {
  Verdict, CategoryResult, TextSpan, Timings, Action, Source, AppliesTo, Constitution, CategoryOverride,
  CustomCategory, PatternRule, AllowRule, CategoryPolicy, BundleInfo, ImageBundleInfo, ImageLike,
  TaxonomyItem, ParapetError, LoadTimings,
};

/** Where a bundle comes from: a URL (or, in Node, a file path), or its bytes. */
export type ModelSource = string | URL | Uint8Array | ArrayBuffer;

/** Loading progress, as in transformers.js. `name` is "model" or "image model". */
export type ProgressEvent =
  | { status: 'initiate'; name: string; file: string }
  | { status: 'download'; name: string; file: string; total: number }
  | { status: 'progress'; name: string; file: string; loaded: number; total: number; progress: number; cached?: boolean }
  | { status: 'cache-invalid'; name: string; file: string }
  | { status: 'done'; name: string; file: string; cached?: boolean }
  | { status: 'ready'; name: 'model'; backend: string; worker: boolean };

/** Model inputs of one batch of windows, int64 row-major [batch, seqLen]. */
export interface Feeds {
  inputIds: BigInt64Array; attentionMask: BigInt64Array; tokenTypeIds: BigInt64Array; batch: number; seqLen: number;
}
/** What a Backend needs to know about the guard's ONNX graph. */
export interface ModelSpec {
  inputs: string[]; logitsOutput: string; embeddingOutput: string; heads: number; embeddingDim: number;
  maxSeqLen: number; padId: number;
}
/** Runs the guard's ONNX graph for parapet (e.g. createOrtBackend() from 'parapet/ort'). */
export interface Backend {
  name: string;
  init(model: { onnx: Uint8Array; spec: ModelSpec }): Promise<void>;
  /** Raw logits [batch × heads] and embeddings [batch × embeddingDim], row-major. */
  run(feeds: Feeds): Promise<{ logits: Float32Array; embeddings: Float32Array }>;
  dispose?(): void;
}

export interface LoadOptions {
  /** The text bundle; default: the package's models/parapet-guard.parapet. */
  model?: ModelSource;
  /** The image bundle, loaded on the first checkImage; default: the package's open_nsfw; false: none. */
  imageModel?: ModelSource | false;
  /** Default: the balanced preset. */
  constitution?: Constitution | string;
  onProgress?: (event: ProgressEvent) => void;
  /** Run inference in a module Web Worker (browsers). Default false. */
  worker?: boolean;
  /** 'wasm' (the engine inside the wasm, default), 'auto' (onnxruntime-web + WebGPU when both are there), or your Backend. */
  backend?: 'wasm' | 'auto' | Backend;
  /** Keep downloaded bundles in Cache Storage (browsers). Default true. */
  cache?: boolean;
  /** Where parapet_bg.wasm (the full build) is served; default: next to the package's glue. */
  wasmUrl?: string | URL;
  /** Where parapet_lite_bg.wasm (the lite build) is served; default: next to the package's glue. */
  liteWasmUrl?: string | URL;
  /** Which wasm build runs. 'auto' (default): the lite build (int8 text engine only, 1.2 MB gzipped), moving to
   *  the full build (also tract and the image model, 5.4 MB gzipped) when the bundle needs tract, engine 'tract'
   *  is asked for, or an image model is loaded (open streams then end). 'lite': never the full build (images and
   *  other graphs fail with BundleError UNSUPPORTED_ENGINE). 'full': always the full build. */
  build?: 'auto' | 'lite' | 'full';
  /** Text engine inside the wasm. 'auto' (default): parapet's int8 engine when the bundle's model is the recipe's
   *  encoder (the shipped one), tract for any other graph; 'int8': that engine or BundleError UNSUPPORTED_ENGINE;
   *  'tract': tract's f32 path (the reference; slower to load and run, scores differ from int8 by ~1e-3). */
  engine?: 'auto' | 'int8' | 'tract';
  /** The text bundle file's expected sha256 (64 hex digits, as `sha256sum` prints it). Pins it: other bytes fail
   *  with BundleError HASH_MISMATCH, a cached copy that differs is fetched again, and the integrity check takes one
   *  digest instead of two. The package's default bundle is pinned already. */
  modelSha256?: string;
  /** The same for the image bundle (the default one is pinned already). */
  imageModelSha256?: string;
}

/** Anything checkImage takes. */
export type ImageInput =
  | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | ImageBitmap | HTMLVideoElement | Blob
  | ImageData | ImageLike | Uint8Array | ArrayBuffer;

/** A streaming check: push deltas, then end(). */
export interface GuardStream {
  /** The verdict on the response so far, with how much of it was checked and may be shown. */
  push(delta: string): Promise<Verdict & { checked: number; checkedUtf16: number; released: number; releasedUtf16: number }>;
  /** The verdict on the whole response (equals checkResponse(prompt, fullText)). */
  end(): Promise<Verdict>;
  /** Drops the stream without a final verdict. Idempotent. */
  dispose(): void;
}

export declare class Guard {
  private constructor();
  readonly info: BundleInfo;
  /** 'wasm' or the Backend's name. */
  readonly backend: string;
  readonly worker: boolean;
  readonly disposed: boolean;
  checkPrompt(text: string): Promise<Verdict>;
  checkResponse(prompt: string, response: string): Promise<Verdict>;
  checkImage(image: ImageInput): Promise<Verdict>;
  loadImageModel(source: ModelSource): Promise<ImageBundleInfo>;
  /** Moderates a streamed response chunk by chunk (the engine's own model, also with a Backend). */
  stream(options: { prompt: string; holdBack?: boolean; scoreEvery?: number }): Promise<GuardStream>;
  setConstitution(constitution: Constitution | string | null | undefined): Promise<void>;
  getConstitution(): Promise<Constitution>;
  categories(): Promise<CategoryPolicy[]>;
  imageInfo(): Promise<ImageBundleInfo | null>;
  taxonomy(): Promise<TaxonomyItem[]>;
  version(): Promise<string>;
  memoryBytes(): Promise<number>;
  /** Idempotent; afterwards every method rejects with InputError DISPOSED. */
  dispose(): void;
}

export declare function load(options?: LoadOptions): Promise<Guard>;
/** Deletes parapet's Cache Storage entries; resolves to true if there were any. */
export declare function clearCache(): Promise<boolean>;
/** Checks a bundle's trailing sha256; the hex digest, false on mismatch, null without WebCrypto. */
export declare function verifyBundleHash(bytes: Uint8Array): Promise<string | false | null>;
export declare const CACHE_NAME: string;
export declare function isEngineCrash(e: unknown): boolean;
