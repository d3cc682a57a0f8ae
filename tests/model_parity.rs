//! The engine's model and windowing against the recipe's reference (onnxruntime + Python
//! `tokenizers`) on the shipped bundle.
//!
//! tests/fixtures/model_parity.json is written by models/recipe/make_fixtures.py: for prompts
//! and (prompt, response) pairs, the exact `input_ids` / `attention_mask` / `token_type_ids`
//! the recipe feeds (models/recipe/encode.py, batch 1, no padding) and onnxruntime's raw
//! logits, calibrated probabilities and embedding. The fixture pins the bundle's sha256: when
//! the bundle is retrained the fixture must be regenerated with it.

// `!(x <= tol)` on purpose: a NaN must fail the comparison, not pass it.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

mod common;

use parapet::bundle::Bundle;
use parapet::model::{EngineChoice, TextModel};
use parapet::text::{TextEncoder, Tokens, Window};
use serde::Deserialize;

/// Largest allowed |tract - onnxruntime| on a raw logit. Both compute the same graph (int8
/// weights dequantized, fp32 activations; the fixture is made with ORT_ENABLE_BASIC, see
/// make_fixtures.py) and agree to ~5e-7; only float summation order differs. onnxruntime's
/// default extended optimisations, which quantise activations, differ by ~1e-2 and fail this.
const LOGIT_TOL: f32 = 1e-4;
/// Largest allowed difference of a calibrated probability.
const PROB_TOL: f32 = 1e-4;
/// Smallest allowed cosine between tract's and onnxruntime's embedding.
const MIN_COSINE: f32 = 0.99999;
/// parapet's int8 engine (the default for this bundle) quantises activations to 14 bits per
/// token: measured worst logit difference ~7e-3 and probability ~1.7e-3 over the bundle's 146
/// default texts (examples/engine_compare.rs). These bounds leave ~3x headroom and still fail
/// a wrong kernel, layout or scale by orders of magnitude.
const INT8_LOGIT_TOL: f32 = 2e-2;
const INT8_PROB_TOL: f32 = 5e-3;
const INT8_MIN_COSINE: f32 = 0.9999;

#[derive(Deserialize)]
struct Fixture {
    bundle_sha256: String,
    heads: Vec<String>,
    max_seq_len: usize,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    prompt: String,
    response: Option<String>,
    input_ids: Vec<i64>,
    attention_mask: Vec<i64>,
    token_type_ids: Vec<i64>,
    logits: Vec<f32>,
    probabilities: Vec<f32>,
    embedding: Vec<f32>,
}

impl Case {
    fn name(&self) -> String {
        let cut = |s: &str| s.chars().take(40).collect::<String>();
        match &self.response {
            None => format!("prompt {:?}", cut(&self.prompt)),
            Some(r) => format!("pair ({:?}, {:?})", cut(&self.prompt), cut(r)),
        }
    }

    fn window(&self) -> Window {
        Window { ids: self.input_ids.clone(), type_ids: self.token_type_ids.clone(), span: (0, 0) }
    }
}

struct Setup {
    fixture: Fixture,
    bundle: Bundle,
    encoder: TextEncoder,
    /// tract, the reference path.
    model: TextModel,
    /// parapet's int8 engine.
    int8: TextModel,
}

/// The fixture, bundle, tokenizer and model, loaded once for all tests of this file.
fn setup() -> &'static Setup {
    static SETUP: std::sync::OnceLock<Setup> = std::sync::OnceLock::new();
    SETUP.get_or_init(load)
}

/// Loads the fixture and fails with what to do if it does not describe the shipped bundle.
fn load() -> Setup {
    let path = common::fixture("model_parity.json");
    let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let fixture: Fixture = serde_json::from_str(&src).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let bundle = Bundle::from_bytes(common::bundle_bytes()).expect("the shipped bundle verifies");
    let m = &bundle.manifest;
    let heads: Vec<String> = m.heads.iter().map(|h| h.id.clone()).collect();
    assert!(
        fixture.bundle_sha256 == bundle.sha256 && fixture.heads == heads && fixture.max_seq_len == m.max_seq_len,
        "tests/fixtures/model_parity.json is stale: it was made for bundle sha256 {} but {} has sha256 \
         {} (heads {:?} vs {:?}). After retraining or rebuilding the bundle, regenerate the fixtures \
         with `python -m models.recipe.make_fixtures` (models/recipe/make_fixtures.py) and commit them \
         with the bundle.",
        fixture.bundle_sha256,
        parapet::DEFAULT_BUNDLE_PATH,
        bundle.sha256,
        fixture.heads,
        heads
    );
    assert!(fixture.cases.len() >= 10, "the fixture has only {} cases", fixture.cases.len());
    let encoder = TextEncoder::from_bytes(bundle.part("tokenizer.json").unwrap(), &m.tokenizer, m.max_seq_len)
        .expect("tokenizer loads");
    let probe = fixture.cases[0].window();
    let onnx = bundle.part("model.onnx").unwrap();
    let model = TextModel::from_onnx_with(onnx, &m.model, m.heads.len(), &probe, EngineChoice::Tract).expect("model loads");
    let int8 = TextModel::from_onnx_with(onnx, &m.model, m.heads.len(), &probe, EngineChoice::Int8)
        .expect("the int8 engine recognises the shipped model");
    assert_eq!((model.engine(), int8.engine()), ("tract", "int8"));
    for c in &fixture.cases {
        let n = c.input_ids.len();
        assert!(
            c.attention_mask.len() == n && c.token_type_ids.len() == n && c.attention_mask.iter().all(|&x| x == 1),
            "{}: the fixture's inputs are not one unpadded sequence",
            c.name()
        );
        assert_eq!(c.logits.len(), heads.len(), "{}", c.name());
        assert_eq!(c.embedding.len(), m.model.embedding_dim, "{}", c.name());
    }
    Setup { fixture, bundle, encoder, model, int8 }
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (na * nb)
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Checks one output row per case against the fixture; returns the failures.
fn compare(s: &Setup, logits: &[Vec<f32>], embeddings: &[Vec<f32>], how: &str) -> Vec<String> {
    compare_with(s, logits, embeddings, how, LOGIT_TOL, MIN_COSINE)
}

fn compare_with(s: &Setup, logits: &[Vec<f32>], embeddings: &[Vec<f32>], how: &str, logit_tol: f32, min_cos: f32) -> Vec<String> {
    let mut bad = Vec::new();
    let (mut worst_logit, mut worst_cos) = (0.0f32, 1.0f32);
    for (i, c) in s.fixture.cases.iter().enumerate() {
        let d = max_abs_diff(&logits[i], &c.logits);
        let cos = cosine(&embeddings[i], &c.embedding);
        let norm: f32 = embeddings[i].iter().map(|x| x * x).sum::<f32>().sqrt();
        worst_logit = worst_logit.max(d);
        worst_cos = worst_cos.min(cos);
        if !(d <= logit_tol) {
            bad.push(format!("{how}: {}: max |logit diff| {d:.2e} > {logit_tol:.0e}", c.name()));
        }
        if !(cos >= min_cos) {
            bad.push(format!("{how}: {}: embedding cosine {cos:.6} < {min_cos}", c.name()));
        }
        if !((norm - 1.0).abs() < 1e-3) {
            bad.push(format!("{how}: {}: embedding norm {norm} is not 1", c.name()));
        }
    }
    eprintln!("{how}: worst logit diff {worst_logit:.2e}, worst embedding cosine {worst_cos:.7}");
    bad
}

#[test]
fn logits_and_embeddings_match_onnxruntime() {
    let s = setup();
    // One window per run, as the fixture was made.
    let (mut logits, mut embs) = (Vec::new(), Vec::new());
    for c in &s.fixture.cases {
        let out = s.model.run(&[c.window()], s.encoder.pad).unwrap();
        logits.push(out.logits[0].clone());
        embs.push(out.embeddings[0].clone());
    }
    let mut bad = compare(s, &logits, &embs, "batch 1");
    // All windows in one padded batch: padding and the attention mask must not change anything.
    let windows: Vec<Window> = s.fixture.cases.iter().map(Case::window).collect();
    let out = s.model.run(&windows, s.encoder.pad).unwrap();
    assert_eq!(out.logits.len(), windows.len());
    bad.extend(compare(s, &out.logits, &out.embeddings, "one padded batch"));
    assert!(bad.is_empty(), "tract disagrees with onnxruntime on the shipped model:\n  {}", bad.join("\n  "));
}

/// The int8 engine against the same reference, one window per run and all windows in one
/// (unpadded) batch, which must give bit-identical rows: a window's result never depends on
/// what it is batched with.
#[test]
fn int8_engine_matches_onnxruntime_within_its_quantisation() {
    let s = setup();
    let (mut logits, mut embs) = (Vec::new(), Vec::new());
    for c in &s.fixture.cases {
        let out = s.int8.run(&[c.window()], s.encoder.pad).unwrap();
        logits.push(out.logits[0].clone());
        embs.push(out.embeddings[0].clone());
    }
    let mut bad = compare_with(s, &logits, &embs, "int8 batch 1", INT8_LOGIT_TOL, INT8_MIN_COSINE);
    let windows: Vec<Window> = s.fixture.cases.iter().map(Case::window).collect();
    let out = s.int8.run(&windows, s.encoder.pad).unwrap();
    assert_eq!(out.logits, logits, "int8: batching changed a window's logits");
    assert_eq!(out.embeddings, embs, "int8: batching changed a window's embedding");
    let heads = &s.bundle.manifest.heads;
    let mut worst = 0f32;
    for (c, l) in s.fixture.cases.iter().zip(&logits) {
        let p: Vec<f32> = l.iter().zip(heads).map(|(&l, h)| sigmoid(l / h.temperature)).collect();
        let d = max_abs_diff(&p, &c.probabilities);
        worst = worst.max(d);
        if !(d <= INT8_PROB_TOL) {
            bad.push(format!("int8: {}: max |probability diff| {d:.2e} > {INT8_PROB_TOL:.0e}", c.name()));
        }
    }
    eprintln!("int8: worst probability diff {worst:.2e}");
    assert!(bad.is_empty(), "the int8 engine disagrees with onnxruntime on the shipped model:\n  {}", bad.join("\n  "));
}

#[test]
fn calibrated_probabilities_match() {
    let s = setup();
    let g = parapet::Guard::from_bundle_bytes_with(common::bundle_bytes(), None, EngineChoice::Tract).unwrap();
    let heads = &s.bundle.manifest.heads;
    let windows: Vec<Window> = s.fixture.cases.iter().map(Case::window).collect();
    let probs = g.score_windows(&windows).unwrap();
    assert_eq!(probs.len(), windows.len());
    let mut bad = Vec::new();
    for (c, p) in s.fixture.cases.iter().zip(&probs) {
        // The fixture's probabilities, and the manifest's calibration applied to its logits.
        let from_logits: Vec<f32> = c.logits.iter().zip(heads).map(|(&l, h)| sigmoid(l / h.temperature)).collect();
        assert!(max_abs_diff(&from_logits, &c.probabilities) < 1e-5, "{}: fixture probabilities do not follow the manifest temperatures", c.name());
        let d = max_abs_diff(p, &c.probabilities);
        if !(d <= PROB_TOL) {
            bad.push(format!("{}: max |probability diff| {d:.2e}", c.name()));
        }
    }
    assert!(bad.is_empty(), "Guard::score_windows disagrees with the reference:\n  {}", bad.join("\n  "));
}

/// The engine's own tokenization and windowing produce exactly the sequences the recipe
/// trains and evaluates on (the first window of each text; the recipe truncates where the
/// engine goes on windowing).
#[test]
fn engine_windows_match_the_recipe_encoding() {
    let s = setup();
    let mut bad = Vec::new();
    for c in &s.fixture.cases {
        let p = s.encoder.tokenize(&c.prompt).unwrap();
        let windows = match &c.response {
            None => s.encoder.prompt_windows(&p),
            Some(r) => s.encoder.response_windows(&p, &s.encoder.tokenize(r).unwrap()),
        };
        let w = &windows[0];
        if w.ids != c.input_ids || w.type_ids != c.token_type_ids {
            bad.push(format!(
                "{}: engine window 0 has {} tokens (type ids {:?}...), the recipe {} tokens",
                c.name(),
                w.ids.len(),
                &w.type_ids[..w.type_ids.len().min(3)],
                c.input_ids.len()
            ));
        }
        if c.input_ids.len() < s.fixture.max_seq_len && windows.len() != 1 {
            bad.push(format!("{}: fits one window but the engine made {}", c.name(), windows.len()));
        }
    }
    assert!(bad.is_empty(), "engine windows differ from models/recipe/encode.py:\n  {}", bad.join("\n  "));
}

/// A port of models/recipe/encode.py `build` (the encoding the model is trained and evaluated
/// on) for lengths the fixture does not cover.
fn recipe_build(p: &[i64], r: Option<&[i64]>, max_len: usize) -> (Vec<i64>, Vec<i64>) {
    const CLS: i64 = 101;
    const SEP: i64 = 102;
    const MIN_PROMPT: usize = 16;
    match r {
        None => {
            let p = &p[..p.len().min(max_len - 2)];
            let ids: Vec<i64> = [&[CLS][..], p, &[SEP]].concat();
            let n = ids.len();
            (ids, vec![0; n])
        }
        Some(r) => {
            let budget = max_len - 3;
            let (mut p, mut r) = (p, r);
            if p.len() + r.len() > budget {
                let keep_p = (budget as isize - r.len() as isize).max(p.len().min(MIN_PROMPT) as isize) as usize;
                p = &p[..keep_p];
                r = &r[..budget - p.len()];
            }
            let ids: Vec<i64> = [&[CLS][..], p, &[SEP], r, &[SEP]].concat();
            let tt = [vec![0; p.len() + 2], vec![1; r.len() + 1]].concat();
            (ids, tt)
        }
    }
}

fn synthetic_tokens(n: usize, base: u32) -> Tokens {
    Tokens { ids: (0..n as u32).map(|i| base + i % 500).collect(), offsets: (0..n).map(|i| (i * 2, i * 2 + 1)).collect() }
}

/// Prompt and pair windows against the recipe's encoding for every interesting length: the
/// first window must be exactly the recipe's sequence, every window must fit the model, and
/// the windows together must cover every response token.
#[test]
fn windowing_matches_the_recipe_at_all_lengths() {
    let s = setup();
    let max = s.fixture.max_seq_len;
    assert_eq!(s.encoder.prompt_windows(&synthetic_tokens(1, 2000))[0].ids[0], 101, "[CLS] is 101 in this vocabulary");
    let lens = [0usize, 1, 5, 15, 16, 17, 40, 63, 64, 65, 100, 200, 236, 237, 238, 250, 252, 253, 254, 255, 256, 300, 600];
    let mut bad = Vec::new();
    for &np in &lens {
        let p = synthetic_tokens(np, 2000);
        let p_ids: Vec<i64> = p.ids.iter().map(|&i| i64::from(i)).collect();
        if np > 0 {
            let w = s.encoder.prompt_windows(&p);
            let (ids, tt) = recipe_build(&p_ids, None, max);
            if w[0].ids != ids || w[0].type_ids != tt {
                bad.push(format!("prompt of {np} tokens"));
            }
        }
        for &nr in &lens[1..] {
            let r = synthetic_tokens(nr, 5000);
            let r_ids: Vec<i64> = r.ids.iter().map(|&i| i64::from(i)).collect();
            let w = s.encoder.response_windows(&p, &r);
            let (ids, tt) = recipe_build(&p_ids, Some(&r_ids), max);
            if w[0].ids != ids || w[0].type_ids != tt {
                let n_prompt = w[0].type_ids.iter().filter(|&&t| t == 0).count() - 2;
                let want_prompt = tt.iter().filter(|&&t| t == 0).count() - 2;
                bad.push(format!(
                    "prompt {np} + response {nr} tokens: engine keeps {n_prompt} prompt tokens, the recipe {want_prompt}"
                ));
            }
            let mut covered = vec![false; nr];
            for win in &w {
                assert!(win.ids.len() <= max, "a window of {} tokens exceeds max_seq_len", win.ids.len());
                assert_eq!(win.ids.len(), win.type_ids.len());
                let n0 = win.type_ids.iter().take_while(|&&t| t == 0).count();
                assert!(win.type_ids[n0..].iter().all(|&t| t == 1), "type ids must be 0s then 1s");
                assert_eq!(win.ids[n0 - 1], 102, "the prompt segment ends with [SEP]");
                assert_eq!(win.ids.last(), Some(&102), "the window ends with [SEP]");
                // Token i of the synthetic response has byte span (2i, 2i + 1).
                let (a, b) = win.span;
                for (i, c) in covered.iter_mut().enumerate() {
                    if a <= i * 2 && i * 2 < b {
                        *c = true;
                    }
                }
            }
            if let Some(i) = covered.iter().position(|c| !c) {
                bad.push(format!("prompt {np} + response {nr}: response token {i} is in no window"));
            }
        }
    }
    assert!(bad.is_empty(), "{} windowing mismatches against models/recipe/encode.py:\n  {}", bad.len(), bad.iter().take(12).cloned().collect::<Vec<_>>().join("\n  "));
}
