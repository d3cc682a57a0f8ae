//! The guard: bundle + constitution in, verdicts out.
//!
//! [`Guard`] owns the tokenizer, the optimised model and the resolved constitution. Checks
//! tokenize, window, run the model in small batches, turn logits into calibrated probabilities
//! (`sigmoid(logit / temperature)` per head), take the max over windows per category, and apply
//! the constitution. The engine does no I/O: bytes in, verdicts out.
//!
//! Exemplar categories (`crate::exemplar`) are scored from the same model run: every window's
//! pooled embedding is compared with the category's embedded exemplars. Exemplars are embedded
//! when a constitution is parsed or set, each as one prompt window, through a cache keyed by
//! text that clones of a guard share, so re-setting a constitution costs no model runs.
//! Pattern categories (`crate::patterns`) are matched on the normalised text.

use crate::bundle::{Bundle, Manifest};
use crate::constitution::{Action, CheckKind, Constitution, Source};
use crate::image::{ImageBundle, ImageManifest, ImageModel, Pixels};
use crate::error::{Error, Result};
use crate::exemplar::{self, Embedding, ExemplarSet};
use crate::model::{EngineChoice, TextModel};
use crate::normalize::{self, View, ViewKind};
use crate::patterns;
use crate::text::{TextEncoder, Tokens, Window, FINE_LEN};
use crate::verdict::{convert_offsets, CategoryResult, TextSpan, Timings, Verdict};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use web_time::Instant;

/// Largest text (prompt plus response, UTF-8 bytes) one check accepts. A check is linear in
/// length, so this bounds time and memory; longer inputs should be split by the caller.
pub const MAX_INPUT_BYTES: usize = 8 * 1024 * 1024;
/// Default gate of the short-window stage, for bundles whose manifest fits none
/// ([`crate::bundle::HeadSpec::fine_gate`]): a full window whose `unsafe` or `prompt_attack`
/// probability reaches this gets its short windows scored. It was set by hand on a few
/// examples (a pipe-bomb sentence after 40 sentences about alchemy scored 0.013 in full windows,
/// then 0.95 with short windows); it opens on most longer benign text, which the fitted gates
/// of bundles from v0.4.0 on avoid.
pub const FINE_GATE: f32 = 0.01;
/// Windows per model call: bounds peak memory on long inputs while amortising call overhead.
const BATCH: usize = 8;
/// Exemplars per model call when embedding a constitution: they are short (one prompt each),
/// so bigger batches cost little memory and save per-call overhead.
const EXEMPLAR_BATCH: usize = 16;
/// Exemplar embeddings kept in a guard's cache; beyond this it is emptied before adding more,
/// so a long-lived page that sets many constitutions does not grow without bound.
const CACHE_LIMIT: usize = 20_000;

/// Per-window outputs of a model run: calibrated head probabilities `[window][head]` and
/// pooled, L2-normalised embeddings `[window][dim]`.
pub type WindowOutputs = (Vec<Vec<f32>>, Vec<Vec<f32>>);

/// What a loaded bundle is.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleInfo {
    /// Model name.
    pub name: String,
    /// Model version.
    pub version: String,
    /// Weights licence.
    pub license: String,
    /// sha256 of the bundle file.
    pub sha256: String,
    /// Trained heads in output order.
    pub heads: Vec<String>,
    /// Longest model input in tokens.
    pub max_seq_len: usize,
    /// Which engine runs the text model: `"int8"` (parapet's own) or `"tract"`.
    pub engine: &'static str,
    /// Why a guard asked for `"auto"` runs on tract although the graph was recognised (empty
    /// otherwise): its int8 outputs disagreed with the bundle's precomputed embeddings.
    pub engine_note: String,
    /// Which parapet build runs: `"full"` (int8 engine, tract, images) or `"lite"` (int8 engine
    /// only; built without the `tract` feature).
    pub build: &'static str,
    /// Where the load's time went.
    pub load_ms: LoadTimings,
    /// The short-window cascade's gate per head that has one (head id → calibrated
    /// probability a full window must reach for its short windows to run; see
    /// [`Guard::gates`]): the bundle's fitted `fine_gate`s, or 0.01 on `unsafe` and
    /// `prompt_attack` for a bundle without fitted gates. Heads not listed never open it.
    #[serde(serialize_with = "crate::verdict::ser_decimal_map")]
    pub gates: std::collections::BTreeMap<String, f32>,
}

/// Milliseconds spent in each phase of loading a guard (`info().load_ms`; `guard.info.loadMs`
/// in JS): what a cold start costs besides instantiating the `.wasm`.
#[derive(Debug, Clone, Copy, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadTimings {
    /// Parsing the container and checking its trailer hash (no hashing when the caller supplied
    /// the file's sha256).
    pub verify: f64,
    /// Loading the tokenizer.
    pub tokenizer: f64,
    /// Everything between the tokenizer and the exemplars: the five phases below, the int8
    /// engine's check against `embeddings.bin` (`model_check`), and the load-time limits.
    pub model: f64,
    /// Parsing the ONNX protobuf.
    pub model_parse: f64,
    /// tract's `into_typed` (shape inference; constant weights are folded here).
    pub model_typed: f64,
    /// tract's `into_decluttered`.
    pub model_declutter: f64,
    /// tract's `into_optimized` + `into_runnable` (kernel selection, weight packing).
    pub model_optimize: f64,
    /// One probe run that checks the outputs match the manifest.
    pub model_validate: f64,
    /// Reading `embeddings.bin` and the int8 engine's check against it (a few of its texts
    /// tokenized and run).
    pub model_check: f64,
    /// Embedding the default exemplars and background prompts the bundle's `embeddings.bin`
    /// part does not cover (reading that part included).
    pub exemplars: f64,
    /// All of it.
    pub total: f64,
}

/// A loaded guard.
#[derive(Debug, Clone)]
pub struct Guard {
    manifest: Manifest,
    sha256: String,
    encoder: TextEncoder,
    model: TextModel,
    constitution: Constitution,
    image: Option<ImageGuard>,
    /// Embeddings of exemplar texts, by text (shared by clones).
    cache: Arc<Mutex<HashMap<String, Embedding>>>,
    /// Embeddings of the shipped background set of benign prompts.
    background: Arc<Vec<Embedding>>,
    load_ms: LoadTimings,
    engine_note: String,
    /// The engine asked for at load; image models loaded later follow it.
    engine_choice: EngineChoice,
    /// Short-window gate per head (see [`Guard::gates`]).
    gates: Vec<Option<f32>>,
}

/// The optional image model of a guard.
#[derive(Debug, Clone)]
struct ImageGuard {
    manifest: ImageManifest,
    sha256: String,
    model: ImageModel,
}

/// What a loaded image bundle is.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageBundleInfo {
    /// Model name.
    pub name: String,
    /// Model version.
    pub version: String,
    /// Weights licence.
    pub license: String,
    /// sha256 of the bundle file.
    pub sha256: String,
    /// Categories the image model scores (label order, duplicates kept once).
    pub categories: Vec<String>,
    /// Model input `[width, height]`.
    pub input_size: [usize; 2],
    /// Which engine runs it: `"int8"` (parapet's CNN engine) or `"tract"`.
    pub engine: &'static str,
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Cosine agreement the int8 engine must reach with tract's precomputed embeddings (measured on
/// the shipped bundle: 0.9999+; a wrongly read graph gives far less).
const INT8_MIN_COSINE: f32 = 0.999;
/// How many precomputed embeddings the int8 engine is checked against at load: the shortest
/// ones (a misread graph shows on any text; each token checked costs cold-start time, ~0.5 ms
/// in wasm, and four exemplar texts took 50 ms of a ~380 ms cold start; the first runs of a
/// fresh instance are the slowest, before V8 has optimised the kernels).
const INT8_CHECK_TEXTS: usize = 1;

/// Runs a few of the bundle's precomputed texts through the model; `Some(worst cosine)` if any
/// falls below [`INT8_MIN_COSINE`].
fn int8_disagreement(model: &TextModel, encoder: &TextEncoder, entries: &[(String, Vec<f32>)]) -> Result<Option<f32>> {
    let mut windows = Vec::new();
    let mut refs = Vec::new();
    let mut shortest: Vec<&(String, Vec<f32>)> = entries.iter().collect();
    shortest.sort_by_key(|(text, _)| text.len());
    for (text, emb) in shortest.into_iter().take(INT8_CHECK_TEXTS) {
        if let Some(w) = encoder.prompt_windows(&encoder.tokenize(text)?).into_iter().next() {
            windows.push(w);
            refs.push(emb);
        }
    }
    let out = model.run(&windows, encoder.pad)?;
    let worst = out
        .embeddings
        .iter()
        .zip(refs)
        .map(|(a, b)| exemplar::cos(a, b))
        .fold(1.0f32, f32::min);
    Ok((!(worst >= INT8_MIN_COSINE)).then_some(worst))
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

impl Guard {
    /// Loads a guard from the bytes of a `.parapet` bundle, with the default constitution.
    pub fn from_bundle_bytes(bytes: &[u8]) -> Result<Guard> {
        Guard::from_bundle_bytes_hashed(bytes, None)
    }

    /// As [`Guard::from_bundle_bytes`], with the file's sha256 already computed and its trailer
    /// checked by the caller (see [`Bundle::from_bytes_hashed`]).
    pub fn from_bundle_bytes_hashed(bytes: &[u8], known_sha256: Option<&str>) -> Result<Guard> {
        Guard::from_bundle_bytes_with(bytes, known_sha256, EngineChoice::Auto)
    }

    /// As [`Guard::from_bundle_bytes_hashed`], with the text engine chosen.
    pub fn from_bundle_bytes_with(bytes: &[u8], known_sha256: Option<&str>, engine: EngineChoice) -> Result<Guard> {
        Guard::from_bundle_vec_with(bytes.to_vec(), known_sha256, engine)
    }

    /// As [`Guard::from_bundle_bytes_with`], taking ownership of the file's bytes so the bundle's
    /// parts are not copied out of them (what the wasm binding and the CLI use).
    pub fn from_bundle_vec_with(bytes: Vec<u8>, known_sha256: Option<&str>, engine: EngineChoice) -> Result<Guard> {
        let t = Instant::now();
        let bundle = Bundle::from_vec_hashed(bytes, known_sha256)?;
        let verify = ms(t);
        let mut g = Guard::from_bundle_with(bundle, engine)?;
        g.load_ms.verify = verify;
        g.load_ms.total += verify;
        Ok(g)
    }

    /// As [`Guard::from_bundle_vec_with`] with the file's hash checked by the caller while
    /// this runs ([`Bundle::from_vec_verify_later`]): the guard's sha256 is empty
    /// ([`Guard::hash_pending`]) until [`Guard::confirm_sha256`]. The wasm binding refuses
    /// checks until then; parapet's `load()` hands the guard out only after confirming it.
    pub fn from_bundle_vec_verify_later(bytes: Vec<u8>, engine: EngineChoice) -> Result<Guard> {
        let t = Instant::now();
        let bundle = Bundle::from_vec_verify_later(bytes)?;
        let verify = ms(t);
        let mut g = Guard::from_bundle_with(bundle, engine)?;
        g.load_ms.verify = verify;
        g.load_ms.total += verify;
        Ok(g)
    }

    /// Whether the bundle's hash is still to be confirmed (see
    /// [`Guard::from_bundle_vec_verify_later`]).
    pub fn hash_pending(&self) -> bool {
        self.sha256.is_empty()
    }

    /// Records the bundle file's sha256 (64 hex digits), which the caller has computed over
    /// exactly the bytes the guard was loaded from and whose trailer it has checked. Only for a
    /// guard whose hash is pending.
    pub fn confirm_sha256(&mut self, sha256: &str) -> Result<()> {
        crate::bundle::check_sha256_arg(sha256)?;
        if !self.hash_pending() {
            return Err(Error::input(
                "INVALID_ARGUMENT",
                "this guard's bundle hash is already known; confirmSha256 is only for a guard \
                 created with verifyLater",
            ));
        }
        self.sha256 = sha256.to_ascii_lowercase();
        Ok(())
    }

    /// Loads a guard from a verified bundle.
    pub fn from_bundle(bundle: Bundle) -> Result<Guard> {
        Guard::from_bundle_with(bundle, EngineChoice::Auto)
    }

    /// Loads a guard from a verified bundle, with the text engine chosen.
    pub fn from_bundle_with(bundle: Bundle, engine: EngineChoice) -> Result<Guard> {
        let t_start = Instant::now();
        let m = bundle.manifest.clone();
        let missing = |n: &str| Error::bundle("MISSING_PART", format!("the bundle has no '{n}' part"));
        let encoder = TextEncoder::from_bytes(
            bundle.part("tokenizer.json").ok_or_else(|| missing("tokenizer.json"))?,
            &m.tokenizer,
            m.max_seq_len,
        )?;
        let tokenizer_ms = ms(t_start);
        let t = Instant::now();
        let probe = encoder.prompt_windows(&encoder.tokenize("hello")?).remove(0);
        let onnx = bundle.part("model.onnx").ok_or_else(|| missing("model.onnx"))?;
        let mut model = TextModel::from_onnx_with(onnx, &m.model, m.heads.len(), &probe, engine)?;
        // The int8 engine's own check: the bundle's precomputed embeddings (made with tract at
        // build time) must come out again. On "auto" a disagreement falls back to tract.
        let mut cache_entries = None;
        let mut engine_note = String::new();
        let t_check = Instant::now();
        if let Some(part) = bundle.part(crate::bundle::EMBEDDING_CACHE_PART) {
            let entries = crate::bundle::decode_embedding_cache(part, m.model.embedding_dim)?;
            if model.engine() == "int8" {
                if let Some(worst) = int8_disagreement(&model, &encoder, &entries)? {
                    if engine == EngineChoice::Int8 {
                        return Err(Error::bundle(
                            "UNSUPPORTED_ENGINE",
                            format!(
                                "the int8 engine's embeddings differ from the bundle's \
                                 embeddings.bin (cosine {worst:.4}); load it with engine \"auto\" or \"tract\""
                            ),
                        ));
                    }
                    if cfg!(not(feature = "tract")) {
                        return Err(crate::model::no_tract(&format!(
                            "the int8 engine's embeddings differ from the bundle's embeddings.bin \
                             (cosine {worst:.4}), so this model must run on tract"
                        )));
                    }
                    engine_note = format!(
                        "int8 embeddings disagreed with embeddings.bin (cosine {worst:.4}); running on tract"
                    );
                    model = TextModel::from_onnx_with(onnx, &m.model, m.heads.len(), &probe, EngineChoice::Tract)?;
                }
            }
            cache_entries = Some(entries);
        }
        let check_ms = ms(t_check);
        model.check_limits(encoder.vocab_size(), m.max_seq_len)?;
        // Batches are padded with pad_id, which the model embeds like any id.
        if m.tokenizer.pad_id as usize >= encoder.vocab_size() {
            return Err(Error::bundle(
                "BAD_MANIFEST",
                format!(
                    "tokenizer.pad_id {} is not an id of the bundle's tokenizer ({} ids); \
                     rebuild the bundle",
                    m.tokenizer.pad_id,
                    encoder.vocab_size()
                ),
            ));
        }
        let model_ms = ms(t);
        let t = Instant::now();
        let constitution = Constitution::default_for(&m.heads);
        let gates = gates_of(&m.heads);
        let mut guard = Guard {
            gates,
            sha256: bundle.sha256.clone(),
            manifest: m,
            encoder,
            model,
            constitution,
            cache: Arc::default(),
            background: Arc::default(),
            image: None,
            load_ms: LoadTimings::default(),
            engine_note,
            engine_choice: engine,
        };
        // Precomputed embeddings (the optional `embeddings.bin` part) fill the cache first, so
        // the passes below run the model only over texts the part does not cover.
        if let Some(entries) = cache_entries {
            let mut cache = guard.cache.lock().unwrap_or_else(|p| p.into_inner());
            for (text, emb) in entries.into_iter().take(CACHE_LIMIT) {
                cache.insert(text, Arc::from(emb));
            }
        }
        // One pass over the background and the default exemplars: full batches.
        guard.embed_texts(&guard.default_texts())?;
        let mut c = guard.constitution.clone();
        guard.background = Arc::new(guard.embed_texts(&exemplar::defaults().background)?);
        guard.embed_constitution(&mut c)?;
        guard.constitution = c;
        guard.load_ms = LoadTimings {
            verify: 0.0,
            tokenizer: tokenizer_ms,
            model: model_ms,
            model_parse: guard.model.load_ms[0],
            model_typed: guard.model.load_ms[1],
            model_declutter: guard.model.load_ms[2],
            model_optimize: guard.model.load_ms[3],
            model_validate: guard.model.load_ms[4],
            model_check: check_ms,
            exemplars: ms(t),
            total: ms(t_start),
        };
        Ok(guard)
    }

    /// The texts a freshly loaded guard embeds, which a bundle's `embeddings.bin` part holds:
    /// the background prompts and every exemplar text of the default constitution for this
    /// guard's heads.
    pub fn default_texts(&self) -> Vec<String> {
        let mut texts = exemplar::defaults().background.clone();
        texts.extend(Constitution::default_for(&self.manifest.heads).exemplar_texts());
        texts
    }

    /// Embeddings of texts, each run as one prompt window (its first, for a long text), through
    /// the guard's cache.
    pub fn embed_texts(&self, texts: &[String]) -> Result<Vec<Embedding>> {
        let mut out: Vec<Option<Embedding>> = {
            let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            texts.iter().map(|t| cache.get(t).cloned()).collect()
        };
        let mut todo: Vec<(usize, Window)> = Vec::new();
        for (i, t) in texts.iter().enumerate() {
            if out[i].is_none() && !todo.iter().any(|(j, _)| texts[*j] == *t) {
                let tokens = self.encoder.tokenize(t)?;
                let w = self.encoder.prompt_windows(&tokens).into_iter().next().unwrap_or(Window {
                    ids: vec![],
                    type_ids: vec![],
                    span: (0, 0),
                });
                todo.push((i, w));
            }
        }
        // Similar lengths share a batch: less padding.
        todo.sort_by_key(|(_, w)| w.ids.len());
        let mut fresh: Vec<(usize, Embedding)> = Vec::with_capacity(todo.len());
        for batch in todo.chunks(EXEMPLAR_BATCH) {
            let windows: Vec<Window> = batch.iter().map(|(_, w)| w.clone()).collect();
            let res = self.model.run(&windows, self.encoder.pad)?;
            for ((i, _), e) in batch.iter().zip(res.embeddings) {
                fresh.push((*i, Arc::from(e)));
            }
        }
        {
            let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            if cache.len() + fresh.len() > CACHE_LIMIT {
                cache.clear();
            }
            for (i, e) in &fresh {
                cache.insert(texts[*i].clone(), e.clone());
            }
        }
        for (i, e) in fresh {
            out[i] = Some(e);
        }
        // Duplicates of a text embedded in this call take its embedding.
        for i in 0..texts.len() {
            if out[i].is_none() {
                let j = texts.iter().position(|t| *t == texts[i]).unwrap_or(i);
                out[i] = out[j].clone();
            }
        }
        Ok(out.into_iter().map(|e| e.unwrap_or_else(|| Arc::from(vec![]))).collect())
    }

    /// Fills in the embeddings of every exemplar set of a constitution.
    pub fn embed_constitution(&self, c: &mut Constitution) -> Result<()> {
        // All new texts in one pass (full batches), then every set from the cache.
        let mut texts = Vec::new();
        for set in c.exemplar_sets_mut().filter(|s| !s.is_embedded()) {
            texts.extend(set.positives.iter().chain(&set.negatives).cloned());
        }
        if texts.len() > 1 {
            self.embed_texts(&texts)?;
        }
        for set in c.exemplar_sets_mut() {
            self.embed_exemplars(set)?;
        }
        Ok(())
    }

    /// Fills in the embeddings of one exemplar set (no-op when already embedded).
    pub fn embed_exemplars(&self, set: &mut ExemplarSet) -> Result<()> {
        if !set.is_embedded() {
            set.pos_emb = self.embed_texts(&set.positives)?;
            set.neg_emb = self.embed_texts(&set.negatives)?;
        }
        Ok(())
    }

    /// Embeddings of the background set of benign prompts.
    pub fn background(&self) -> &[Embedding] {
        &self.background
    }

    /// Loads (or replaces) the image model from the bytes of an `image-guard` bundle, e.g.
    /// `models/open-nsfw.parapet`. Every label must score a category the constitution knows
    /// (a taxonomy id or a head of the text model). On error the previous image model stays.
    /// The engine follows the guard's: `Auto` (the int8 engine for a plain CNN it recognises,
    /// tract otherwise), `Tract` or `Int8` (see [`Guard::load_image_bundle_with`]).
    pub fn load_image_bundle(&mut self, bytes: &[u8]) -> Result<()> {
        self.load_image_bundle_with(bytes, self.engine_choice)
    }

    /// As [`Guard::load_image_bundle`], with the engine chosen: `Auto` (the int8 engine for a
    /// plain CNN it recognises, tract otherwise), `Tract` (the f32 reference) or `Int8` (an
    /// error for a graph it does not recognise).
    pub fn load_image_bundle_with(&mut self, bytes: &[u8], engine: EngineChoice) -> Result<()> {
        let bundle = ImageBundle::from_bytes(bytes)?;
        for l in &bundle.manifest.image.labels {
            if !self.constitution.categories().iter().any(|c| c.id == l.category) {
                return Err(Error::bundle(
                    "BAD_MANIFEST",
                    format!(
                        "image label {} scores '{}', which is not a constitution category; use \
                         one of: {}",
                        l.index,
                        l.category,
                        crate::taxonomy::known_ids()
                    ),
                ));
            }
        }
        let model = ImageModel::from_bundle_with(&bundle, engine)?;
        self.image = Some(ImageGuard { sha256: bundle.sha256.clone(), manifest: bundle.manifest, model });
        Ok(())
    }

    /// Whether an image model is loaded.
    pub fn has_image_model(&self) -> bool {
        self.image.is_some()
    }

    /// Summary of the loaded image bundle, if any.
    pub fn image_info(&self) -> Option<ImageBundleInfo> {
        self.image.as_ref().map(|g| {
            let mut categories: Vec<String> = Vec::new();
            for l in &g.manifest.image.labels {
                if !categories.contains(&l.category) {
                    categories.push(l.category.clone());
                }
            }
            let (w, h) = g.model.spec().input_size();
            ImageBundleInfo {
                name: g.manifest.name.clone(),
                version: g.manifest.version.clone(),
                license: g.manifest.license.clone(),
                sha256: g.sha256.clone(),
                categories,
                input_size: [w, h],
                engine: g.model.engine(),
            }
        })
    }

    fn image_guard(&self) -> Result<&ImageGuard> {
        self.image.as_ref().ok_or_else(|| {
            Error::input(
                "NO_IMAGE_MODEL",
                "no image model is loaded; load an image-guard bundle first (Rust: \
                 guard.load_image_bundle(bytes), JS: guard.loadImageModel(bytes), e.g. the bytes \
                 of models/open-nsfw.parapet)",
            )
        })
    }

    /// Checks an image given as RGBA pixels (`width * height * 4` bytes, row-major; alpha is
    /// ignored). Needs an image model ([`Guard::load_image_bundle`]).
    pub fn check_image_rgba(&self, rgba: &[u8], width: usize, height: usize) -> Result<Verdict> {
        let t0 = Instant::now();
        let g = self.image_guard()?;
        let px = Pixels::new(rgba, width, height, 4)?;
        self.judge_image(g, &px, t0)
    }

    /// Checks an encoded image (PNG, JPEG or WebP bytes). Needs an image model.
    pub fn check_image_bytes(&self, bytes: &[u8]) -> Result<Verdict> {
        let t0 = Instant::now();
        let g = self.image_guard()?;
        let decoded = crate::image::decode(bytes)?;
        self.judge_image(g, &decoded.pixels(), t0)
    }

    fn judge_image(&self, g: &ImageGuard, px: &Pixels, t0: Instant) -> Result<Verdict> {
        let spec = g.model.spec();
        let input = crate::image::preprocess(px, spec)?;
        let preprocess_ms = ms(t0);
        let t1 = Instant::now();
        let probs = g.model.label_probs(input)?;
        let inference_ms = ms(t1);
        let preset = self.constitution.spec().preset;
        let mut categories = Vec::new();
        for pol in self.constitution.categories() {
            if !pol.enabled || !pol.applies_to.covers(CheckKind::Image) {
                continue;
            }
            let labels: Vec<usize> =
                (0..spec.labels.len()).filter(|&i| spec.labels[i].category == pol.id).collect();
            let Some(&first) = labels.first() else { continue };
            let score = labels.iter().map(|&i| probs.get(i).copied().unwrap_or(0.0)).fold(0.0f32, f32::max);
            let preset_threshold = spec.labels[first].thresholds.for_preset(preset);
            let threshold = self
                .constitution
                .spec()
                .categories
                .get(&pol.id)
                .and_then(|o| o.threshold)
                .unwrap_or(preset_threshold);
            categories.push(CategoryResult {
                id: pol.id.clone(),
                score: Some(score),
                threshold,
                action: pol.action,
                source: Some(Source::Image),
                view: None,
                triggered: score >= threshold,
                spans: vec![],
            });
        }
        let acting = categories.iter().filter(|c| c.action != Action::Allow);
        let action =
            acting.clone().filter(|c| c.triggered).map(|c| c.action).max().unwrap_or(Action::Allow);
        let score = acting.filter_map(|c| c.score).fold(0.0f32, f32::max);
        Ok(Verdict {
            kind: CheckKind::Image,
            action,
            flagged: action != Action::Allow,
            score,
            categories,
            spans: vec![],
            redacted: None,
            tokens: 0,
            windows: 1,
            views: vec![],
            timings: Timings { tokenize_ms: preprocess_ms, inference_ms, total_ms: ms(t0) },
        })
    }

    /// The bundle manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Summary of the loaded bundle.
    pub fn info(&self) -> BundleInfo {
        let m = &self.manifest;
        BundleInfo {
            name: m.name.clone(),
            version: m.version.clone(),
            license: m.license.clone(),
            sha256: self.sha256.clone(),
            heads: m.heads.iter().map(|h| h.id.clone()).collect(),
            max_seq_len: m.max_seq_len,
            engine: self.model.engine(),
            engine_note: self.engine_note.clone(),
            build: crate::BUILD,
            load_ms: self.load_ms,
            gates: m.heads.iter().zip(&self.gates).filter_map(|(h, g)| g.map(|g| (h.id.clone(), g))).collect(),
        }
    }

    /// The active constitution.
    pub fn constitution(&self) -> &Constitution {
        &self.constitution
    }

    /// Parses constitution JSON against this guard's model, embedding its exemplars, without
    /// applying it.
    pub fn parse_constitution(&self, json: &str) -> Result<Constitution> {
        let mut c = Constitution::from_json(json, &self.manifest.heads)?;
        self.embed_constitution(&mut c)?;
        Ok(c)
    }

    /// Validates and applies constitution JSON; on error the old constitution stays.
    pub fn set_constitution_json(&mut self, json: &str) -> Result<()> {
        self.constitution = self.parse_constitution(json)?;
        Ok(())
    }

    /// Applies an already-validated constitution (embedding its exemplars if that was not
    /// done yet); on error the old constitution stays.
    pub fn set_constitution(&mut self, mut constitution: Constitution) -> Result<()> {
        self.embed_constitution(&mut constitution)?;
        self.constitution = constitution;
        Ok(())
    }

    /// Tokenizes text (no special tokens).
    pub fn tokenize(&self, text: &str) -> Result<Tokens> {
        self.encoder.tokenize(text)
    }

    fn check_size(len: usize) -> Result<()> {
        if len > MAX_INPUT_BYTES {
            return Err(Error::input(
                "TOO_LARGE",
                format!(
                    "the text is {len} bytes; one check takes at most {MAX_INPUT_BYTES} bytes \
                     (8 MiB) of UTF-8, split it into parts and check each"
                ),
            ));
        }
        Ok(())
    }

    /// Checks a user prompt.
    pub fn check_prompt(&self, text: &str) -> Result<Verdict> {
        let p = self.prepare_prompt(text)?;
        self.run_cascade(&p)
    }

    /// Checks a model response in the context of the prompt that produced it.
    pub fn check_response(&self, prompt: &str, response: &str) -> Result<Verdict> {
        let p = self.prepare_response(prompt, response)?;
        self.run_cascade(&p)
    }

    /// Runs a prepared check in two stages: the full windows, then only the short windows
    /// inside full windows that the gate ([`Guard::fine_gate`]) marks as worth a closer look.
    fn run_cascade(&self, p: &PreparedCheck) -> Result<Verdict> {
        let first: Vec<usize> = (0..p.windows.len()).filter(|&i| p.meta[i].0 != WindowSet::Fine).collect();
        let ws: Vec<Window> = first.iter().map(|&i| p.windows[i].clone()).collect();
        let (mut probs, mut embs) = self.run_windows(&ws)?;
        let mut keep = first.clone();
        let by_index: HashMap<usize, usize> = first.iter().enumerate().map(|(k, &i)| (i, k)).collect();
        let fine = self.select_fine(p, |i| by_index.get(&i).map(|&k| probs[k].as_slice()));
        if !fine.is_empty() {
            let ws: Vec<Window> = fine.iter().map(|&i| p.windows[i].clone()).collect();
            let (fp, fe) = self.run_windows(&ws)?;
            keep.extend(&fine);
            probs.extend(fp);
            embs.extend(fe);
        }
        self.complete(&p.subset(&keep), probs, embs)
    }

    /// The short-window gate of each head, in head order: the bundle's fitted
    /// [`crate::bundle::HeadSpec::fine_gate`]s, or, when it fits none, [`FINE_GATE`] on
    /// `unsafe` and `prompt_attack`. A full window opens its short windows when any head with
    /// a gate reaches it; with no gate at all (a bundle with neither head) every one opens.
    pub fn gates(&self) -> &[Option<f32>] {
        &self.gates
    }

    /// Whether a full window's calibrated head probabilities call for its short windows
    /// under this guard's gates ([`Guard::gates`]).
    pub fn fine_gate(&self, probs: &[f32]) -> bool {
        gate_open(&self.gates, probs)
    }

    /// Short windows of `p` to run: those overlapping a full window (same view) whose outputs
    /// (given by `main`, calibrated) pass the gate. Full windows without outputs yet do not
    /// count.
    pub(crate) fn select_fine<'a>(&self, p: &PreparedCheck, main: impl Fn(usize) -> Option<&'a [f32]>) -> Vec<usize> {
        select_fine_with(&self.gates, p, main)
    }

    /// Tokenizes and windows a prompt check (every view of the text) without running the
    /// model: run [`PreparedCheck::windows`] through any runtime of the bundle's `model.onnx`,
    /// then [`Guard::complete_logits`] (or [`Guard::complete`] with calibrated outputs).
    pub fn prepare_prompt(&self, text: &str) -> Result<PreparedCheck> {
        Self::check_size(text.len())?;
        self.prepare_with(CheckKind::Prompt, None, text, None)
    }

    /// Tokenizes and windows a response check without running the model.
    pub fn prepare_response(&self, prompt: &str, response: &str) -> Result<PreparedCheck> {
        Self::check_size(prompt.len().saturating_add(response.len()))?;
        let p = self.encoder.tokenize(prompt)?;
        self.prepare_with(CheckKind::Response, Some(&p), response, None)
    }

    /// Whether a live category is scored by exemplars on response-alone windows.
    fn needs_alone_windows(&self, kind: CheckKind) -> bool {
        kind == CheckKind::Response
            && self.constitution.categories().iter().any(|p| {
                p.enabled && p.applies_to.covers(kind) && p.head.is_none() && p.exemplars.is_some()
            })
    }

    /// Views and windows of a text check. `prompt` is given for response checks; `tokens`
    /// may carry the text's tokens when the caller has them (streaming).
    pub(crate) fn prepare_with(
        &self,
        kind: CheckKind,
        prompt: Option<&Tokens>,
        text: &str,
        tokens: Option<Tokens>,
    ) -> Result<PreparedCheck> {
        let t0 = Instant::now();
        let tokens = match tokens {
            Some(t) => t,
            None => self.encoder.tokenize(text)?,
        };
        let mut views = vec![View::original(text)];
        if !tokens.ids.is_empty() && self.constitution.spec().normalize {
            let enc = &self.encoder;
            views.extend(normalize::views(text, &|w: &str| enc.is_word(w)));
        }
        let alone = self.needs_alone_windows(kind);
        let mut windows = Vec::new();
        let mut meta = Vec::new();
        for (vi, view) in views.iter().enumerate() {
            let owned;
            let toks = if vi == 0 {
                &tokens
            } else {
                owned = self.encoder.tokenize(&view.text)?;
                &owned
            };
            if toks.ids.is_empty() {
                continue;
            }
            let mut push = |set: WindowSet, ws: Vec<Window>| {
                for mut w in ws {
                    let (a, b) = view.to_original(w.span.0, w.span.1);
                    // A view's windows that only repeat unchanged text add nothing.
                    if vi > 0 && !view.touches_change(a, b) {
                        continue;
                    }
                    w.span = (a, b);
                    windows.push(w);
                    meta.push((set, vi));
                }
            };
            match prompt {
                Some(p) if kind == CheckKind::Response => {
                    push(WindowSet::Main, self.encoder.response_windows(p, toks));
                    if p.ids.len() + toks.ids.len() > FINE_LEN - 3 {
                        push(WindowSet::Fine, self.encoder.response_windows_of(p, toks, FINE_LEN));
                    }
                    if alone {
                        push(WindowSet::Alone, self.encoder.prompt_windows(toks));
                    }
                }
                _ => {
                    push(WindowSet::Main, self.encoder.prompt_windows(toks));
                    if toks.ids.len() > FINE_LEN - 2 {
                        push(WindowSet::Fine, self.encoder.prompt_windows_of(toks, FINE_LEN));
                    }
                }
            }
        }
        Ok(PreparedCheck {
            kind,
            text: text.to_string(),
            tokens: tokens.ids.len(),
            views,
            windows,
            meta,
            started: t0,
            tokenize_ms: ms(t0),
            prepared: Instant::now(),
        })
    }

    /// Calibrated per-head probabilities of each window.
    pub fn score_windows(&self, windows: &[Window]) -> Result<Vec<Vec<f32>>> {
        Ok(self.run_windows(windows)?.0)
    }

    /// Calibrated per-head probabilities and the pooled, L2-normalised embedding of each window.
    pub fn run_windows(&self, windows: &[Window]) -> Result<WindowOutputs> {
        let mut probs = Vec::with_capacity(windows.len());
        let mut embs = Vec::with_capacity(windows.len());
        for batch in windows.chunks(BATCH) {
            let out = self.model.run(batch, self.encoder.pad)?;
            for row in out.logits {
                probs.push(self.calibrate(&row));
            }
            embs.extend(out.embeddings);
        }
        Ok((probs, embs))
    }

    /// Calibrated probabilities of one window's raw head logits (`sigmoid(logit / T)`).
    pub fn calibrate(&self, logits: &[f32]) -> Vec<f32> {
        logits.iter().zip(&self.manifest.heads).map(|(&l, h)| sigmoid(l / h.temperature)).collect()
    }

    /// Finishes a prepared check from the raw outputs of the bundle's ONNX graph, run by the
    /// caller: `logits` row-major `[windows × heads]`, `embeddings` `[windows × embedding_dim]`.
    pub fn complete_logits(&self, p: &PreparedCheck, logits: &[f32], embeddings: &[f32]) -> Result<Verdict> {
        let (n, h, d) = (p.windows.len(), self.manifest.heads.len(), self.manifest.model.embedding_dim);
        if logits.len() != n * h || embeddings.len() != n * d {
            return Err(Error::input(
                "BAD_OUTPUTS",
                format!(
                    "the prepared check has {n} windows, so it needs {} logits ({n} × {h} heads) and \
                     {} embedding values ({n} × {d}); got {} and {}",
                    n * h,
                    n * d,
                    logits.len(),
                    embeddings.len()
                ),
            ));
        }
        if logits.iter().chain(embeddings).any(|x| !x.is_finite()) {
            return Err(Error::input("BAD_OUTPUTS", "the model outputs contain NaN or infinite values"));
        }
        let probs: Vec<Vec<f32>> = logits.chunks(h.max(1)).take(n).map(|r| self.calibrate(r)).collect();
        let embs: Vec<Vec<f32>> = embeddings.chunks(d.max(1)).take(n).map(<[f32]>::to_vec).collect();
        // The backend ran every short window; keep those the cascade would have run, so the
        // verdict is the one tract gives.
        Ok(self.complete_gated(p, &probs, &embs, &self.gates)?.0)
    }

    /// Indices of the short windows of `p` the cascade runs under `gates`, given calibrated
    /// outputs of every window.
    pub fn gated_windows(p: &PreparedCheck, probs: &[Vec<f32>], gates: &[Option<f32>]) -> Vec<usize> {
        select_fine_with(gates, p, |i| probs.get(i).map(Vec::as_slice))
    }

    /// Finishes a prepared check from calibrated outputs of *every* window (short ones
    /// included), keeping only the short windows the cascade would run under `gates` (one per
    /// head, as [`Guard::gates`]); also returns how many short windows that is. Lets a tool
    /// try gates without running the model again (`examples/fit_gates.rs`).
    pub fn complete_gated(
        &self,
        p: &PreparedCheck,
        probs: &[Vec<f32>],
        embs: &[Vec<f32>],
        gates: &[Option<f32>],
    ) -> Result<(Verdict, usize)> {
        let n = p.windows.len();
        if probs.len() != n || embs.len() != n {
            return Err(Error::inference(format!(
                "{n} windows were prepared but {} results came back",
                probs.len().min(embs.len())
            )));
        }
        let mut keep: Vec<usize> = (0..n).filter(|&i| p.meta[i].0 != WindowSet::Fine).collect();
        let fine = Self::gated_windows(p, probs, gates);
        let k = fine.len();
        keep.extend(fine);
        let (kp, ke) = keep.iter().map(|&i| (probs[i].clone(), embs[i].clone())).unzip();
        Ok((self.complete(&p.subset(&keep), kp, ke)?, k))
    }

    /// Embeddings of the windows of a prompt (one per window), for tools that study exemplar
    /// scoring (`examples/calibrate_exemplars.rs`).
    pub fn embed_prompt(&self, text: &str) -> Result<Vec<Vec<f32>>> {
        Self::check_size(text.len())?;
        let tokens = self.encoder.tokenize(text)?;
        if tokens.ids.is_empty() {
            return Ok(vec![]);
        }
        Ok(self.run_windows(&self.encoder.prompt_windows(&tokens))?.1)
    }

    /// Turns the calibrated outputs of a prepared check's windows into a verdict.
    pub fn complete(&self, p: &PreparedCheck, probs: Vec<Vec<f32>>, embs: Vec<Vec<f32>>) -> Result<Verdict> {
        if probs.len() != p.windows.len() || embs.len() != p.windows.len() {
            return Err(Error::inference(format!(
                "{} windows were prepared but {} results came back",
                p.windows.len(),
                probs.len().min(embs.len())
            )));
        }
        let kind = p.kind;
        let text = p.text.as_str();
        let inference_ms = ms(p.prepared);
        // Heads (and exemplars, for prompts) score the full and the short windows.
        let main: Vec<usize> = (0..p.windows.len()).filter(|&i| p.meta[i].0 != WindowSet::Alone).collect();
        let alone: Vec<usize> = (0..p.windows.len()).filter(|&i| p.meta[i].0 == WindowSet::Alone).collect();
        // Empty or whitespace-only text has nothing to judge: it is safe by definition and
        // scored 0 without running the model.
        let judged = p.meta.iter().any(|m| m.0 == WindowSet::Main);
        let live: Vec<_> = self
            .constitution
            .categories()
            .iter()
            .filter(|p| p.enabled && p.applies_to.covers(kind))
            .collect();
        // Every live matcher runs over each view's normalised text; hits are mapped back to
        // the original text. Matches by matcher: (start, end, view).
        let mut matchers: Vec<&patterns::Matcher> = Vec::new();
        if judged {
            for p in &live {
                matchers.extend(p.patterns.iter().filter(|(_, a)| a.covers(kind)).map(|(m, _)| m));
                matchers.extend(p.allow.iter().flat_map(|a| &a.matchers));
            }
        }
        let mut found: Vec<Vec<(usize, usize, usize)>> = vec![vec![]; matchers.len()];
        if !matchers.is_empty() {
            for (vi, view) in p.views.iter().enumerate() {
                for (m, hits) in patterns::find_all(&view.text, &matchers).into_iter().enumerate() {
                    for (a, b) in hits {
                        let (a, b) = view.to_original(a, b);
                        if !found[m].iter().any(|h| h.0 == a && h.1 == b) {
                            found[m].push((a, b, vi));
                        }
                    }
                }
            }
        }
        let hits_of = |m: &patterns::Matcher| -> &[(usize, usize, usize)] {
            matchers.iter().position(|x| std::ptr::eq(*x, m)).map_or(&[], |i| found[i].as_slice())
        };

        // Byte spans of triggering windows (or matches) per category, converted to code
        // points/UTF-16 once.
        let mut categories = Vec::new();
        let mut raw_spans: Vec<(usize, usize, f32, usize)> = Vec::new(); // (a, b, score, cat)
        for pol in live {
            let cat = categories.len();
            let mut score = None;
            let mut view = None;
            let mut triggered = false;
            if pol.source == Some(Source::Pattern) {
                let mut hits = Vec::new();
                for (m, _) in &pol.patterns {
                    hits.extend_from_slice(hits_of(m));
                }
                let s = if hits.is_empty() { 0.0 } else { 1.0 };
                score = Some(s);
                view = hits.iter().map(|h| p.views[h.2].kind).min();
                triggered = judged && s >= pol.threshold;
                if triggered {
                    raw_spans.extend(hits.into_iter().map(|(a, b, _)| (a, b, 1.0, cat)));
                }
            } else {
                // Exemplars are prompts; a response is compared with them on its own (a pair
                // window's embedding would carry the prompt, so a refusal of a gambling prompt
                // would look like gambling).
                let idx: &[usize] = match pol.head {
                    None if !alone.is_empty() => &alone,
                    _ => &main,
                };
                let per_window: Option<Vec<f32>> = match (pol.head, &pol.exemplars) {
                    (Some(h), _) => Some(idx.iter().map(|&i| probs[i][h]).collect()),
                    (None, Some(set)) => {
                        Some(idx.iter().map(|&i| exemplar::score(&embs[i], set, &self.background)).collect())
                    }
                    (None, None) => None,
                };
                if let Some(mut ws) = per_window {
                    for rule in &pol.allow {
                        let hits: Vec<(usize, usize)> = rule
                            .matchers
                            .iter()
                            .flat_map(|m| hits_of(m).iter().map(|h| (h.0, h.1)))
                            .collect();
                        for (k, &i) in idx.iter().enumerate() {
                            let w = &p.windows[i];
                            let hit = hits.iter().any(|&(a, b)| a < w.span.1 && w.span.0 < b);
                            ws[k] *= exemplar::allow_factor(
                                &embs[i],
                                &rule.examples.pos_emb,
                                &self.background,
                                hit,
                                rule.strength,
                            );
                        }
                    }
                    let mut s = 0.0f32;
                    for (k, &x) in ws.iter().enumerate() {
                        if x > s || view.is_none() {
                            s = s.max(x);
                            view = Some(p.views[p.meta[idx[k]].1].kind);
                        }
                    }
                    score = Some(s);
                    // No window, nothing judged: even a threshold of 0 cannot trigger on empty text.
                    triggered = judged && s >= pol.threshold;
                    if triggered {
                        for (k, &x) in ws.iter().enumerate() {
                            if x >= pol.threshold {
                                let w = &p.windows[idx[k]];
                                raw_spans.push((w.span.0, w.span.1, x, cat));
                            }
                        }
                    }
                }
            }
            categories.push(CategoryResult {
                id: pol.id.clone(),
                score,
                threshold: pol.threshold,
                action: pol.action,
                source: pol.source,
                view: if judged { view } else { None },
                triggered,
                spans: vec![],
            });
        }
        let redact_ranges: Vec<(usize, usize, String)> = raw_spans
            .iter()
            .filter(|s| categories[s.3].action == Action::Redact)
            .map(|s| (s.0, s.1, format!("[REDACTED:{}]", categories[s.3].id)))
            .collect();
        let redacted = (!redact_ranges.is_empty()).then(|| patterns::redact(text, &redact_ranges));
        let byte_offsets: Vec<usize> = raw_spans.iter().flat_map(|s| [s.0, s.1]).collect();
        let conv = convert_offsets(text, &byte_offsets);
        let mk = |i: usize, score: f32| TextSpan {
            start: conv[2 * i].0,
            end: conv[2 * i + 1].0,
            start_utf16: conv[2 * i].1,
            end_utf16: conv[2 * i + 1].1,
            score,
            categories: vec![],
        };
        for (i, s) in raw_spans.iter().enumerate() {
            merge_into(&mut categories[s.3].spans, mk(i, s.2));
        }
        let mut spans: Vec<TextSpan> = Vec::new();
        for c in categories.iter().filter(|c| c.triggered && c.action != Action::Allow) {
            for s in &c.spans {
                let mut s = s.clone();
                s.categories = vec![c.id.clone()];
                merge_into(&mut spans, s);
            }
        }
        spans.sort_by_key(|s| s.start);

        let acting = categories.iter().filter(|c| c.action != Action::Allow);
        let action = acting
            .clone()
            .filter(|c| c.triggered)
            .map(|c| c.action)
            .max()
            .unwrap_or(Action::Allow);
        let score = acting.filter_map(|c| c.score).fold(0.0f32, f32::max);
        let mut views: Vec<ViewKind> = Vec::new();
        for &(_, vi) in &p.meta {
            let k = p.views[vi].kind;
            if !views.contains(&k) {
                views.push(k);
            }
        }
        Ok(Verdict {
            kind,
            action,
            flagged: action != Action::Allow,
            score,
            categories,
            spans,
            redacted,
            tokens: p.tokens,
            windows: p.meta.iter().filter(|m| m.0 == WindowSet::Main && m.1 == 0).count(),
            views,
            timings: Timings {
                tokenize_ms: p.tokenize_ms,
                inference_ms,
                total_ms: ms(p.started),
            },
        })
    }
}

/// Which group a window of a prepared check belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum WindowSet {
    /// The check's own windows (prompt, or prompt+response pairs), scored by heads and
    /// exemplars.
    Main,
    /// The same text in short windows ([`FINE_LEN`] tokens), scored like `Main`.
    Fine,
    /// A response's windows without its prompt, scored by exemplar categories only.
    Alone,
}

/// Gates of a bundle's heads: their fitted `fine_gate`s, or [`FINE_GATE`] on `unsafe` and
/// `prompt_attack` when the manifest fits none.
fn gates_of(heads: &[crate::bundle::HeadSpec]) -> Vec<Option<f32>> {
    if heads.iter().any(|h| h.fine_gate.is_some()) {
        heads.iter().map(|h| h.fine_gate).collect()
    } else {
        heads
            .iter()
            .map(|h| (h.id == "unsafe" || h.id == "prompt_attack").then_some(FINE_GATE))
            .collect()
    }
}

/// Whether calibrated probabilities open the cascade under `gates`: any gated head at or
/// above its gate (a missing probability counts as open), or always when no head is gated.
fn gate_open(gates: &[Option<f32>], probs: &[f32]) -> bool {
    let mut any = false;
    for (i, g) in gates.iter().enumerate() {
        if let Some(g) = g {
            any = true;
            if probs.get(i).copied().unwrap_or(1.0) >= *g {
                return true;
            }
        }
    }
    !any
}

/// Short windows of `p` overlapping a full window (same view) whose outputs open `gates`.
fn select_fine_with<'a>(
    gates: &[Option<f32>],
    p: &PreparedCheck,
    main: impl Fn(usize) -> Option<&'a [f32]>,
) -> Vec<usize> {
    let hot: Vec<usize> = (0..p.windows.len())
        .filter(|&i| p.meta[i].0 == WindowSet::Main && main(i).is_some_and(|pr| gate_open(gates, pr)))
        .collect();
    (0..p.windows.len())
        .filter(|&i| p.meta[i].0 == WindowSet::Fine)
        .filter(|&i| {
            let (a, b) = p.windows[i].span;
            hot.iter().any(|&j| {
                let (c, d) = p.windows[j].span;
                p.meta[j].1 == p.meta[i].1 && a < d && c < b
            })
        })
        .collect()
}

/// A text check tokenized and windowed, ready for a model run: by the guard itself, or by an
/// app-supplied runtime of the bundle's `model.onnx` (e.g. onnxruntime-web on WebGPU).
#[derive(Debug, Clone)]
pub struct PreparedCheck {
    pub(crate) kind: CheckKind,
    pub(crate) text: String,
    pub(crate) tokens: usize,
    pub(crate) views: Vec<View>,
    pub(crate) windows: Vec<Window>,
    pub(crate) meta: Vec<(WindowSet, usize)>,
    pub(crate) started: Instant,
    pub(crate) tokenize_ms: f64,
    pub(crate) prepared: Instant,
}

impl PreparedCheck {
    /// The model inputs, in the order the outputs must come back. An external runtime scores
    /// all of them, short windows included; [`Guard::complete_logits`] then keeps the short
    /// windows the cascade would have run, so verdicts match the guard's own.
    pub fn windows(&self) -> &[Window] {
        &self.windows
    }

    /// The same check restricted to some of its windows (in the given order).
    pub(crate) fn subset(&self, idx: &[usize]) -> PreparedCheck {
        PreparedCheck {
            windows: idx.iter().map(|&i| self.windows[i].clone()).collect(),
            meta: idx.iter().map(|&i| self.meta[i]).collect(),
            views: self.views.clone(),
            text: self.text.clone(),
            ..*self
        }
    }

    /// Prompt or response.
    pub fn kind(&self) -> CheckKind {
        self.kind
    }
}

/// Adds a span to a list, merging it with any span it overlaps or touches.
fn merge_into(list: &mut Vec<TextSpan>, mut s: TextSpan) {
    let mut i = 0;
    while i < list.len() {
        let o = &list[i];
        if o.start <= s.end && s.start <= o.end {
            let o = list.swap_remove(i);
            s.start = s.start.min(o.start);
            s.end = s.end.max(o.end);
            s.start_utf16 = s.start_utf16.min(o.start_utf16);
            s.end_utf16 = s.end_utf16.max(o.end_utf16);
            s.score = s.score.max(o.score);
            for c in o.categories {
                if !s.categories.contains(&c) {
                    s.categories.push(c);
                }
            }
        } else {
            i += 1;
        }
    }
    list.push(s);
    list.sort_by_key(|s| s.start);
}
