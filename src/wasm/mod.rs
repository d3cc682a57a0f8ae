//! WebAssembly bindings (wasm-bindgen). The only module that knows about JS.
//!
//! Exposes `Guard` with `new Guard(bundleBytes, constitution?)`, `checkPrompt`,
//! `checkResponse`, `loadImageModel`, `checkImage`, `imageInfo`, `constitution` (getter) / `setConstitution`, `categories()`, `info` and
//! `free()`. Every failure becomes a JS `Error` whose `name` is the stable kind
//! (`BundleError`, `ConstitutionError`, `InputError`, `InferenceError`) with `code` (and `path`
//! for constitution errors) — converted here, in one place. Arguments are taken as `JsValue`
//! and checked, so a wrong type from JS is an `InputError`, never a trap.

use crate::constitution::Constitution;
use crate::error::Error;
use crate::guard::{Guard, PreparedCheck};
use crate::model::EngineChoice;
use crate::stream::{StreamOptions, StreamSession};
use std::cell::RefCell;
use std::rc::Rc;
use crate::taxonomy::TAXONOMY;
use js_sys::{ArrayBuffer, BigInt64Array, Float32Array, Object, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Converts an engine error into a named JS `Error` (the one place this happens).
fn to_js(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name(e.name());
    // Setting a property on a fresh Error object cannot fail.
    let _ = Reflect::set(&err, &"code".into(), &e.code().into());
    if let Error::Constitution { path, .. } = &e {
        let _ = Reflect::set(&err, &"path".into(), &path.as_str().into());
    }
    err.into()
}

fn arg_error(what: &str) -> JsValue {
    to_js(Error::Input { code: "INVALID_ARGUMENT", message: what.to_string() })
}

fn to_plain<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    // json_compatible: maps become plain objects, None becomes null.
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    value
        .serialize(&ser)
        .map_err(|e| to_js(Error::inference(format!("could not convert the result for JS: {e}"))))
}

fn text_arg(v: &JsValue, name: &str) -> Result<String, JsValue> {
    // Lone surrogates are replaced by U+FFFD on the way in (TextEncoder semantics).
    v.as_string().ok_or_else(|| {
        arg_error(&format!(
            "{name} must be a string, got {}",
            v.js_typeof().as_string().unwrap_or_default()
        ))
    })
}

fn bytes_arg(v: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(a) = v.dyn_ref::<Uint8Array>() {
        Ok(a.to_vec())
    } else if let Some(b) = v.dyn_ref::<ArrayBuffer>() {
        Ok(Uint8Array::new(b).to_vec())
    } else {
        Err(arg_error("the model bundle must be a Uint8Array or ArrayBuffer of a .parapet file"))
    }
}

/// Reads `{width, height, data}` (ImageData or a plain object) without trusting any of it.
fn image_data_arg(v: &JsValue) -> Result<(Vec<u8>, usize, usize), JsValue> {
    let dim = |k: &str| -> Result<usize, JsValue> {
        let x = Reflect::get(v, &k.into()).ok().and_then(|x| x.as_f64());
        match x {
            Some(f) if f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f <= 4_294_967_295.0 => Ok(f as usize),
            _ => Err(arg_error(&format!("image.{k} must be a non-negative integer"))),
        }
    };
    let (w, h) = (dim("width")?, dim("height")?);
    let data = Reflect::get(v, &"data".into()).unwrap_or(JsValue::UNDEFINED);
    let bytes = if let Some(a) = data.dyn_ref::<js_sys::Uint8ClampedArray>() {
        a.to_vec()
    } else if let Some(a) = data.dyn_ref::<Uint8Array>() {
        a.to_vec()
    } else {
        return Err(arg_error("image.data must be a Uint8ClampedArray or Uint8Array of RGBA pixels"));
    };
    Ok((bytes, w, h))
}

fn constitution_json(v: &JsValue) -> Result<Option<String>, JsValue> {
    if v.is_undefined() || v.is_null() {
        Ok(None)
    } else if let Some(s) = v.as_string() {
        Ok(Some(s))
    } else if v.is_object() {
        // Objects go through the same JSON parser as strings, so errors name the same paths.
        let s = js_sys::JSON::stringify(v)
            .map_err(|_| arg_error("the constitution object cannot be converted to JSON"))?;
        Ok(Some(String::from(s)))
    } else {
        Err(to_js(Error::constitution(
            "INVALID_VALUE",
            "",
            "a constitution must be an object or a JSON string",
        )))
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** What to do when a category triggers (redact: flag and mask the category's spans in `Verdict.redacted`). */
export type Action = "allow" | "warn" | "redact" | "block";
/** How a category is scored: a trained head, similarity to exemplars, or keyword/regex rules. */
export type Source = "head" | "exemplar" | "pattern" | "image";
/** Which checks a category applies to. */
export type AppliesTo = "prompt" | "response" | "both" | "image";
/** A range of the checked text: code points (start/end) and JS string indices (startUtf16/endUtf16). */
export interface TextSpan {
  start: number; end: number; startUtf16: number; endUtf16: number; score: number;
  /** Categories triggered in this range (top-level spans only). */
  categories?: string[];
}
/** The result for one category; score (and source) is null when nothing can score it. */
export interface CategoryResult {
  id: string; score: number | null; threshold: number; action: Action; source: Source | null;
  triggered: boolean; spans: TextSpan[];
  /** Which view of the text gave the score (absent for images and empty text). */
  view?: View;
}
/** A view of the text the guard scored: as given, or de-obfuscated. */
export type View = "original" | "normalized" | "base64" | "hex" | "rot13" | "url";
export interface Timings { tokenizeMs: number; inferenceMs: number; totalMs: number }
/** The outcome of one check. */
export interface Verdict {
  kind: "prompt" | "response" | "image"; action: Action; flagged: boolean; score: number;
  categories: CategoryResult[]; spans: TextSpan[]; tokens: number; windows: number; timings: Timings;
  /** Views that were scored: "original" plus each de-obfuscated view that differed. */
  views: View[];
  /** The text with the spans of triggered `redact` categories masked as `[REDACTED:<id>]`. */
  redacted?: string;
}
/** Per-category overrides. */
export interface CategoryOverride { enabled?: boolean; threshold?: number; action?: Action; applies_to?: AppliesTo }
/** A category defined by a description and 5-50 example prompts. */
export interface CustomCategory {
  id: string; description: string; examples: string[]; counterexamples?: string[];
  enabled?: boolean; threshold?: number; action?: Action; applies_to?: AppliesTo;
}
/** A keyword or regex rule (exactly one of regex and keywords), matched on NFKC + lower-cased text. */
export interface PatternRule {
  id: string; regex?: string; keywords?: string[]; category?: string; action?: Action; applies_to?: AppliesTo;
}
/** Lowers one category where its examples, patterns or keywords apply. */
export interface AllowRule {
  category: string; examples?: string[]; patterns?: string[]; keywords?: string[]; strength?: number;
}
/** The user's policy (JSON Schema: pkg/constitution.schema.json). */
export interface Constitution {
  preset?: "strict" | "balanced" | "permissive";
  categories?: Record<string, CategoryOverride>;
  custom_categories?: CustomCategory[];
  patterns?: PatternRule[];
  allow?: AllowRule[];
  /** Also score de-obfuscated views of the text (default true). */
  normalize?: boolean;
}
/** Options of `Guard.stream`. */
export interface StreamOptions {
  prompt: string;
  /** Report as released only text that has been scored and is not blocked (default false). */
  holdBack?: boolean;
  /** Re-score the growing last window after this many new tokens (default 64). */
  scoreEvery?: number;
}
/** The verdict on a stream so far, with how much of it was scored and may be shown. */
export interface StreamVerdict extends Verdict {
  checked: number; checkedUtf16: number; released: number; releasedUtf16: number;
}
/** What an external runtime of the guard's model.onnx needs to know. */
export interface ModelSpec {
  inputs: string[]; logitsOutput: string; embeddingOutput: string; heads: number;
  embeddingDim: number; maxSeqLen: number; padId: number;
}
/** One padded int64 batch of prepared windows, row-major [batch, seqLen]. */
export interface ModelFeeds {
  inputIds: BigInt64Array; attentionMask: BigInt64Array; tokenTypeIds: BigInt64Array; batch: number; seqLen: number;
}
/** The resolved policy of one category. */
export interface CategoryPolicy {
  id: string; description: string; enabled: boolean; threshold: number; action: Action;
  appliesTo: AppliesTo; scored: boolean; source: Source | null;
}
/** `new Guard(bundle, constitution, options)`. `sha256`: the bundle file's sha256 (hex), computed by the caller
 *  over exactly these bytes after checking the bundle's trailer (parapet's loader does, with WebCrypto); the
 *  engine then does not hash the 24 MB again (about a second in wasm). Leave it out to have the engine check. */
export interface GuardOptions {
  sha256?: string;
  /** Text engine. "auto" (default): parapet's int8 engine for the recipe's encoder (the shipped model), tract
   *  for any other graph. "int8": that engine or an error (BundleError UNSUPPORTED_ENGINE). "tract": tract's f32
   *  path, the reference (slower to load and run; probabilities differ from int8 by ~1e-3). */
  engine?: "auto" | "int8" | "tract";
  /** For a loader that hashes the file while the guard loads (parapet's `load()` does: WebCrypto's two digests
   *  of the 24 MB run on another thread meanwhile). The bundle is parsed and validated as usual, but the guard
   *  refuses checks (BundleError HASH_PENDING) until `guard.confirmSha256(hex)` is called with the file's
   *  sha256, computed over exactly these bytes after checking the bundle's trailer. Not with `sha256`. */
  verifyLater?: boolean;
}
/** Milliseconds per load phase: sha256 checks, tokenizer, ONNX parse + optimise, default exemplar embeddings. */
export interface LoadTimings { verify: number; tokenizer: number; model: number; modelParse: number; modelTyped: number; modelDeclutter: number; modelOptimize: number; modelValidate: number; modelCheck: number; exemplars: number; total: number }
export interface BundleInfo { name: string; version: string; license: string; sha256: string; heads: string[]; maxSeqLen: number; engine: "int8" | "tract"; engineNote: string; build: "full" | "lite"; loadMs: LoadTimings; /** Short-window cascade gate per head that has one: the bundle's fitted `fine_gate`s (or 0.01 on unsafe and prompt_attack for a bundle without). */ gates: Record<string, number> }
export interface ImageBundleInfo { name: string; version: string; license: string; sha256: string; categories: string[]; inputSize: [number, number]; engine: "int8" | "tract" }
/** Raw pixels as in a canvas ImageData: RGBA, row-major, width * height * 4 bytes. */
export interface ImageLike { width: number; height: number; data: Uint8ClampedArray | Uint8Array }
export interface TaxonomyItem { id: string; code: string; description: string }
/** Every error thrown by parapet is an Error with one of these names, a stable code, and (for constitution errors) the JSON path. */
export interface ParapetError extends Error {
  name: "BundleError" | "ConstitutionError" | "InputError" | "InferenceError";
  code: string;
  path?: string;
}
"#;

/// An on-device safety guard.
#[wasm_bindgen(js_name = Guard)]
pub struct WasmGuard {
    /// Shared with the stream sessions this guard starts (single-threaded: never borrowed
    /// across a call into JS).
    inner: Rc<RefCell<Guard>>,
}

#[wasm_bindgen(js_class = Guard)]
impl WasmGuard {
    /// Loads a guard from the bytes of a `.parapet` bundle, with an optional constitution
    /// (object or JSON string; default: the balanced preset).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bundle: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Constitution | string | null")]
        constitution: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "GuardOptions")] options: JsValue,
    ) -> Result<WasmGuard, JsValue> {
        console_error_panic_hook::set_once();
        let (sha256, engine, later) = if options.is_undefined() || options.is_null() {
            (None, EngineChoice::Auto, false)
        } else if !options.is_object() {
            return Err(arg_error("the third argument is an options object: {sha256?: string, engine?: \"auto\" | \"int8\" | \"tract\", verifyLater?: boolean}"));
        } else {
            let sha = match Reflect::get(&options, &"sha256".into()).unwrap_or(JsValue::UNDEFINED) {
                v if v.is_undefined() || v.is_null() => None,
                v => Some(v.as_string().ok_or_else(|| arg_error("options.sha256 must be a string of 64 hex digits"))?),
            };
            let engine = match Reflect::get(&options, &"engine".into()).unwrap_or(JsValue::UNDEFINED) {
                v if v.is_undefined() || v.is_null() => EngineChoice::Auto,
                v => EngineChoice::parse(&v.as_string().ok_or_else(|| arg_error("options.engine must be \"auto\", \"int8\" or \"tract\""))?)
                    .map_err(to_js)?,
            };
            let later = match Reflect::get(&options, &"verifyLater".into()).unwrap_or(JsValue::UNDEFINED) {
                v if v.is_undefined() || v.is_null() => false,
                v => v.as_bool().ok_or_else(|| arg_error("options.verifyLater must be a boolean"))?,
            };
            if later && sha.is_some() {
                return Err(arg_error("options.sha256 and options.verifyLater exclude each other: pass the hash now, or confirm it later with guard.confirmSha256"));
            }
            (sha, engine, later)
        };
        let bytes = bytes_arg(&bundle)?;
        let loaded = if later {
            Guard::from_bundle_vec_verify_later(bytes, engine)
        } else {
            Guard::from_bundle_vec_with(bytes, sha256.as_deref(), engine)
        };
        let mut inner = loaded.map_err(to_js)?;
        if let Some(json) = constitution_json(&constitution)? {
            inner.set_constitution_json(&json).map_err(to_js)?;
        }
        Ok(WasmGuard { inner: Rc::new(RefCell::new(inner)) })
    }

    /// The guard, for a check: refused while a `verifyLater` guard's hash is unconfirmed.
    fn ready(&self) -> Result<std::cell::Ref<'_, Guard>, JsValue> {
        let g = self.inner.borrow();
        if g.hash_pending() {
            return Err(to_js(Error::bundle(
                "HASH_PENDING",
                "this guard was created with verifyLater and its bundle's sha256 is not confirmed \
                 yet: check the file's trailer and call guard.confirmSha256(hex) first (parapet's \
                 load() does this for you)",
            )));
        }
        Ok(g)
    }

    /// Confirms the bundle file's sha256 (64 hex digits) for a guard created with
    /// `verifyLater`, after the caller has checked the bundle's trailer over exactly the bytes
    /// it was loaded from. Checks are refused until then.
    #[wasm_bindgen(js_name = confirmSha256)]
    pub fn confirm_sha256(&self, #[wasm_bindgen(unchecked_param_type = "string")] sha256: JsValue) -> Result<(), JsValue> {
        let h = sha256.as_string().ok_or_else(|| arg_error("confirmSha256 takes the bundle file's sha256 as a string of 64 hex digits"))?;
        self.inner.borrow_mut().confirm_sha256(&h).map_err(to_js)
    }

    /// Checks a user prompt; returns a verdict object.
    #[wasm_bindgen(js_name = checkPrompt, unchecked_return_type = "Verdict")]
    pub fn check_prompt(&self, #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue) -> Result<JsValue, JsValue> {
        let text = text_arg(&text, "text")?;
        to_plain(&self.ready()?.check_prompt(&text).map_err(to_js)?)
    }

    /// Checks a model response in the context of its prompt; returns a verdict object.
    #[wasm_bindgen(js_name = checkResponse, unchecked_return_type = "Verdict")]
    pub fn check_response(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] prompt: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] response: JsValue,
    ) -> Result<JsValue, JsValue> {
        let prompt = text_arg(&prompt, "prompt")?;
        let response = text_arg(&response, "response")?;
        to_plain(&self.ready()?.check_response(&prompt, &response).map_err(to_js)?)
    }

    /// Loads (or replaces) the image model from the bytes of an `image-guard` bundle (e.g.
    /// `models/open-nsfw.parapet`). On error the previous image model stays.
    #[wasm_bindgen(js_name = loadImageModel)]
    pub fn load_image_model(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bundle: JsValue,
    ) -> Result<(), JsValue> {
        let bytes = bytes_arg(&bundle)?;
        self.inner.borrow_mut().load_image_bundle(&bytes).map_err(to_js)
    }

    /// The loaded image bundle (`null` when none is loaded).
    #[wasm_bindgen(getter, js_name = imageInfo, unchecked_return_type = "ImageBundleInfo | null")]
    pub fn image_info(&self) -> Result<JsValue, JsValue> {
        to_plain(&self.inner.borrow().image_info())
    }

    /// Checks an image: an `ImageData` or `{width, height, data}` of RGBA pixels, or the
    /// encoded bytes (PNG, JPEG, WebP) as a `Uint8Array` / `ArrayBuffer`. Returns a verdict with
    /// `kind: "image"`.
    #[wasm_bindgen(js_name = checkImage, unchecked_return_type = "Verdict")]
    pub fn check_image(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ImageData | ImageLike | Uint8Array | ArrayBuffer")] image: JsValue,
    ) -> Result<JsValue, JsValue> {
        let v = if image.is_instance_of::<Uint8Array>() || image.is_instance_of::<ArrayBuffer>() {
            let bytes = bytes_arg(&image)?;
            self.ready()?.check_image_bytes(&bytes)
        } else if image.is_object() {
            let (data, w, h) = image_data_arg(&image)?;
            self.ready()?.check_image_rgba(&data, w, h)
        } else {
            return Err(arg_error(
                "checkImage takes an ImageData, {width, height, data} of RGBA pixels, or the bytes \
                 of a PNG/JPEG/WebP file as a Uint8Array or ArrayBuffer",
            ));
        };
        to_plain(&v.map_err(to_js)?)
    }

    /// The constitution as written (preset and overrides).
    #[wasm_bindgen(getter, unchecked_return_type = "Constitution")]
    pub fn constitution(&self) -> Result<JsValue, JsValue> {
        to_plain(self.inner.borrow().constitution().spec())
    }

    /// Validates and applies a constitution (object or JSON string). On error the previous
    /// constitution stays in force.
    #[wasm_bindgen(js_name = setConstitution)]
    pub fn set_constitution(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Constitution | string | null | undefined")]
        constitution: JsValue,
    ) -> Result<(), JsValue> {
        let c = match constitution_json(&constitution)? {
            Some(json) => self.inner.borrow().parse_constitution(&json).map_err(to_js)?,
            None => Constitution::default_for(&self.inner.borrow().manifest().heads),
        };
        self.inner.borrow_mut().set_constitution(c).map_err(to_js)
    }

    /// Property form of [`WasmGuard::set_constitution`]: `guard.constitution = {...}` validates
    /// and applies, throwing a `ConstitutionError` (old constitution kept) when invalid.
    #[wasm_bindgen(setter = constitution)]
    pub fn set_constitution_property(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Constitution | string | null | undefined")]
        constitution: JsValue,
    ) -> Result<(), JsValue> {
        self.set_constitution(constitution)
    }

    /// Resolved policy of every category (id, description, enabled, threshold, action,
    /// appliesTo, scored, source).
    #[wasm_bindgen(unchecked_return_type = "CategoryPolicy[]")]
    pub fn categories(&self) -> Result<JsValue, JsValue> {
        to_plain(&self.inner.borrow().constitution().categories())
    }

    /// Name, version, licence, sha256 and heads of the loaded bundle.
    #[wasm_bindgen(getter, unchecked_return_type = "BundleInfo")]
    pub fn info(&self) -> Result<JsValue, JsValue> {
        to_plain(&self.inner.borrow().info())
    }
    /// What an external runtime of the bundle's `model.onnx` needs to know: input and output
    /// names, number of heads, embedding width, longest input and the padding id.
    #[wasm_bindgen(getter, js_name = modelSpec, unchecked_return_type = "ModelSpec")]
    pub fn model_spec(&self) -> Result<JsValue, JsValue> {
        let g = self.inner.borrow();
        let m = g.manifest();
        to_plain(&ModelSpecJs {
            inputs: m.model.inputs.clone(),
            logits_output: m.model.logits_output.clone(),
            embedding_output: m.model.embedding_output.clone(),
            heads: m.heads.len(),
            embedding_dim: m.model.embedding_dim,
            max_seq_len: m.max_seq_len,
            pad_id: m.tokenizer.pad_id,
        })
    }

    /// Tokenizes and windows a check without running the model (for an app-supplied backend):
    /// run `prepared.feeds(start, end)` through the ONNX graph, then `complete`.
    #[wasm_bindgen(unchecked_return_type = "PreparedCheck")]
    pub fn prepare(
        &self,
        #[wasm_bindgen(unchecked_param_type = "\"prompt\" | \"response\"")] kind: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] prompt: JsValue,
    ) -> Result<WasmPrepared, JsValue> {
        let text = text_arg(&text, "text")?;
        let g = self.ready()?;
        let inner = match kind.as_string().as_deref() {
            Some("prompt") => g.prepare_prompt(&text),
            Some("response") => {
                let prompt = if prompt.is_undefined() || prompt.is_null() {
                    String::new()
                } else {
                    text_arg(&prompt, "prompt")?
                };
                g.prepare_response(&prompt, &text)
            }
            _ => return Err(arg_error("prepare(kind, text, prompt?): kind must be \"prompt\" or \"response\"")),
        }
        .map_err(to_js)?;
        Ok(WasmPrepared { inner, pad: g.manifest().tokenizer.pad_id as i64 })
    }

    /// Finishes a prepared check from the raw outputs of the ONNX graph: `logits` row-major
    /// `[windows × heads]` and `embeddings` `[windows × embeddingDim]`, in window order.
    #[wasm_bindgen(unchecked_return_type = "Verdict")]
    pub fn complete(
        &self,
        prepared: &WasmPrepared,
        #[wasm_bindgen(unchecked_param_type = "Float32Array")] logits: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Float32Array")] embeddings: JsValue,
    ) -> Result<JsValue, JsValue> {
        let f32s = |v: &JsValue, name: &str| -> Result<Vec<f32>, JsValue> {
            v.dyn_ref::<Float32Array>()
                .map(Float32Array::to_vec)
                .ok_or_else(|| arg_error(&format!("{name} must be a Float32Array of the model's {name} output")))
        };
        let (l, e) = (f32s(&logits, "logits")?, f32s(&embeddings, "embeddings")?);
        to_plain(&self.ready()?.complete_logits(&prepared.inner, &l, &e).map_err(to_js)?)
    }

    /// Starts moderating a streamed response: `guard.stream({prompt, holdBack?, scoreEvery?})`.
    #[wasm_bindgen(unchecked_return_type = "StreamSession")]
    pub fn stream(
        &self,
        #[wasm_bindgen(unchecked_param_type = "StreamOptions")] options: JsValue,
    ) -> Result<WasmStream, JsValue> {
        if !options.is_object() {
            return Err(arg_error("stream takes an options object: {prompt: string, holdBack?: boolean, scoreEvery?: number}"));
        }
        let get = |k: &str| Reflect::get(&options, &k.into()).unwrap_or(JsValue::UNDEFINED);
        let prompt = get("prompt");
        let prompt = if prompt.is_undefined() || prompt.is_null() { String::new() } else { text_arg(&prompt, "options.prompt")? };
        let mut opts = StreamOptions::default();
        let hb = get("holdBack");
        if !hb.is_undefined() {
            opts.hold_back = hb.as_bool().ok_or_else(|| arg_error("options.holdBack must be a boolean"))?;
        }
        let se = get("scoreEvery");
        if !se.is_undefined() {
            match se.as_f64() {
                Some(f) if f.is_finite() && f >= 1.0 && f.fract() == 0.0 && f <= 1e6 => opts.score_every = f as usize,
                _ => return Err(arg_error("options.scoreEvery must be a whole number of tokens from 1 to 1000000")),
            }
        }
        let session = self.ready()?.stream(&prompt, opts).map_err(to_js)?;
        Ok(WasmStream { guard: self.inner.clone(), session })
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ModelSpecJs {
    inputs: Vec<String>,
    logits_output: String,
    embedding_output: String,
    heads: usize,
    embedding_dim: usize,
    max_seq_len: usize,
    pad_id: u32,
}

/// A check prepared for an external model runtime (see `Guard.prepare`).
#[wasm_bindgen(js_name = PreparedCheck)]
pub struct WasmPrepared {
    inner: PreparedCheck,
    pad: i64,
}

#[wasm_bindgen(js_class = PreparedCheck)]
impl WasmPrepared {
    /// Number of model windows (rows) to run.
    #[wasm_bindgen(getter)]
    pub fn windows(&self) -> usize {
        self.inner.windows().len()
    }

    /// Windows `[start, end)` as one int64 batch padded to its longest window:
    /// `{inputIds, attentionMask, tokenTypeIds, batch, seqLen}` (row-major `[batch, seqLen]`).
    #[wasm_bindgen(unchecked_return_type = "ModelFeeds")]
    pub fn feeds(&self, start: usize, end: usize) -> Result<JsValue, JsValue> {
        let ws = self.inner.windows();
        if start >= end || end > ws.len() {
            return Err(arg_error(&format!(
                "feeds(start, end) needs 0 <= start < end <= {} (the number of windows)",
                ws.len()
            )));
        }
        let ws = &ws[start..end];
        let s = ws.iter().map(|w| w.ids.len()).max().unwrap_or(0);
        let b = ws.len();
        let mut ids = vec![self.pad; b * s];
        let mut mask = vec![0i64; b * s];
        let mut types = vec![0i64; b * s];
        for (r, w) in ws.iter().enumerate() {
            for (c, (&id, &t)) in w.ids.iter().zip(&w.type_ids).enumerate() {
                ids[r * s + c] = id;
                mask[r * s + c] = 1;
                types[r * s + c] = t;
            }
        }
        let o = Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = Reflect::set(&o, &k.into(), &v);
        };
        set("inputIds", BigInt64Array::from(&ids[..]).into());
        set("attentionMask", BigInt64Array::from(&mask[..]).into());
        set("tokenTypeIds", BigInt64Array::from(&types[..]).into());
        set("batch", (b as f64).into());
        set("seqLen", (s as f64).into());
        Ok(o.into())
    }
}

/// A streamed response being moderated (see `Guard.stream`).
#[wasm_bindgen(js_name = StreamSession)]
pub struct WasmStream {
    guard: Rc<RefCell<Guard>>,
    session: StreamSession,
}

#[wasm_bindgen(js_class = StreamSession)]
impl WasmStream {
    /// Appends a delta of the response; returns the verdict on the text so far with
    /// `checked`/`released` positions.
    #[wasm_bindgen(unchecked_return_type = "StreamVerdict")]
    pub fn push(&mut self, #[wasm_bindgen(unchecked_param_type = "string")] delta: JsValue) -> Result<JsValue, JsValue> {
        let delta = text_arg(&delta, "delta")?;
        let g = self.guard.borrow();
        to_plain(&self.session.push(&g, &delta).map_err(to_js)?)
    }

    /// The verdict on the whole response (equals `checkResponse(prompt, text)`).
    #[wasm_bindgen(unchecked_return_type = "Verdict")]
    pub fn end(&mut self) -> Result<JsValue, JsValue> {
        let g = self.guard.borrow();
        to_plain(&self.session.end(&g).map_err(to_js)?)
    }

    /// The response text so far.
    #[wasm_bindgen(getter)]
    pub fn text(&self) -> String {
        self.session.text().to_string()
    }
}


#[derive(Serialize)]
struct TaxonomyItem {
    id: &'static str,
    code: &'static str,
    description: &'static str,
}

/// The default taxonomy: every category id a constitution may name.
#[wasm_bindgen(unchecked_return_type = "TaxonomyItem[]")]
pub fn taxonomy() -> Result<JsValue, JsValue> {
    let items: Vec<TaxonomyItem> = TAXONOMY
        .iter()
        .map(|e| TaxonomyItem { id: e.id, code: e.code, description: e.description })
        .collect();
    to_plain(&items)
}

/// The `model.onnx` inside a `.parapet` bundle (verified), for running the guard's graph
/// with another runtime such as onnxruntime-web.
#[wasm_bindgen(js_name = modelOnnx)]
pub fn model_onnx(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bundle: JsValue,
) -> Result<Uint8Array, JsValue> {
    let bytes = bytes_arg(&bundle)?;
    let b = crate::bundle::Bundle::from_bytes(&bytes).map_err(to_js)?;
    let part = b.part("model.onnx").ok_or_else(|| {
        to_js(Error::bundle("MISSING_PART", "the bundle has no 'model.onnx' part"))
    })?;
    Ok(Uint8Array::from(part))
}

/// The parapet engine version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Current size of this instance's linear memory in bytes (it never shrinks; used by the
/// memory-flat tests and benchmarks).
#[wasm_bindgen(js_name = memoryBytes)]
pub fn memory_bytes() -> f64 {
    core::arch::wasm32::memory_size(0) as f64 * 65536.0
}
