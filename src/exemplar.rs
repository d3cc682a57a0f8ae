//! Exemplar scoring: categories defined by a description and example prompts, scored with the
//! guard model's pooled, L2-normalised embedding.
//!
//! For a window with embedding `e` and a category with positives `P` (its description and
//! examples), negatives `N` (its counterexamples) and the engine's generic background set `G`
//! of benign prompts:
//!
//! ```text
//! raw = mean(top-3 cos(e, P)) - NEG_WEIGHT * max( max cos(e, N), mean(top-3 cos(e, G)) )
//! p   = sigmoid(CAL_A * raw + CAL_B)
//! ```
//!
//! i.e. "how close is this window to the category's examples, discounted by how close it is to
//! things known to be fine". The form and `NEG_WEIGHT` = 0.5 were chosen by threshold-free AUC
//! over the held-out set and the controllability categories (top-3 mean of positives alone,
//! full subtraction of the baseline, top-1/top-5 and top-3 negatives were all worse). `CAL_A`/`CAL_B` are a fixed logistic calibration fitted on held-out prompts
//! (`tests/exemplars/heldout.jsonl`, never used as exemplars) by
//! `cargo run --release --example calibrate_exemplars`. A category's score is the maximum of
//! `p` over the text's windows, like a head's.
//!
//! Allow exemplars lower a category per window by `1 - strength * p_allow`, where `p_allow` is
//! the same calibrated similarity of the window to the allow examples (see
//! [`allow_factor`]).
//!
//! The default exemplars for taxonomy categories the model has no trained head for, and the
//! background set, are written for this project and ship with the engine
//! (`src/exemplars/default.json`).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// An embedding (pooled, L2-normalised).
pub type Embedding = Arc<[f32]>;

/// How many nearest positives (and background prompts) are averaged.
pub const TOP_K: usize = 3;
/// Weight of the negative (counterexample / background) similarity.
pub const NEG_WEIGHT: f32 = 0.5;
/// Logistic calibration slope, fitted by `examples/calibrate_exemplars.rs`.
pub const CAL_A: f32 = 28.071;
/// Logistic calibration intercept, fitted by `examples/calibrate_exemplars.rs`.
pub const CAL_B: f32 = -12.897;

/// The texts of an exemplar-defined category and, once the guard has embedded them, their
/// embeddings. Equality compares the texts only.
#[derive(Debug, Clone, Default)]
pub struct ExemplarSet {
    /// Description and examples.
    pub positives: Vec<String>,
    /// Counterexamples.
    pub negatives: Vec<String>,
    pub(crate) pos_emb: Vec<Embedding>,
    pub(crate) neg_emb: Vec<Embedding>,
}

impl PartialEq for ExemplarSet {
    fn eq(&self, other: &Self) -> bool {
        self.positives == other.positives && self.negatives == other.negatives
    }
}

impl ExemplarSet {
    /// A set of texts, not embedded yet (`Guard::embed_exemplars` fills it in).
    pub fn new(positives: Vec<String>, negatives: Vec<String>) -> ExemplarSet {
        ExemplarSet { positives, negatives, ..Default::default() }
    }

    /// Whether the embeddings are filled in.
    pub fn is_embedded(&self) -> bool {
        self.pos_emb.len() == self.positives.len() && self.neg_emb.len() == self.negatives.len()
    }
}

/// Cosine of two L2-normalised vectors.
pub fn cos(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn top_k_mean(e: &[f32], set: &[Embedding], k: usize) -> Option<f32> {
    if set.is_empty() {
        return None;
    }
    let mut sims: Vec<f32> = set.iter().map(|s| cos(e, s)).collect();
    sims.sort_by(|a, b| b.total_cmp(a));
    let k = k.min(sims.len()).max(1);
    Some(sims[..k].iter().sum::<f32>() / k as f32)
}

fn max_cos(e: &[f32], set: &[Embedding]) -> Option<f32> {
    set.iter().map(|s| cos(e, s)).max_by(|a, b| a.total_cmp(b))
}

/// The uncalibrated score of one window (see the module docs).
pub fn raw_score(e: &[f32], set: &ExemplarSet, background: &[Embedding]) -> f32 {
    let pos = top_k_mean(e, &set.pos_emb, TOP_K).unwrap_or(0.0);
    let neg = max_cos(e, &set.neg_emb).into_iter().chain(top_k_mean(e, background, TOP_K)).fold(f32::MIN, f32::max);
    let neg = if neg == f32::MIN { 0.0 } else { neg };
    pos - NEG_WEIGHT * neg
}

/// Calibrated probability from a raw score.
pub fn calibrate(raw: f32) -> f32 {
    let p = 1.0 / (1.0 + (-(CAL_A * raw + CAL_B)).exp());
    if p.is_finite() {
        p.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// The calibrated probability that a window belongs to the category.
pub fn score(e: &[f32], set: &ExemplarSet, background: &[Embedding]) -> f32 {
    calibrate(raw_score(e, set, background))
}

/// Multiplier of a category's window score under an allow rule: `1 - strength * m`, where `m`
/// is 1 when an allow pattern matched inside the window, else the calibrated similarity of the
/// window to the allow examples (0 without examples).
pub fn allow_factor(e: &[f32], allow: &[Embedding], background: &[Embedding], pattern_hit: bool, strength: f32) -> f32 {
    let m = if pattern_hit {
        1.0
    } else if allow.is_empty() {
        0.0
    } else {
        let bg = top_k_mean(e, background, TOP_K).unwrap_or(0.0);
        calibrate(max_cos(e, allow).unwrap_or(0.0) - NEG_WEIGHT * bg)
    };
    (1.0 - strength * m).clamp(0.0, 1.0)
}

/// Default exemplars of one taxonomy category.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultExemplars {
    /// Prompts that belong to the category.
    pub examples: Vec<String>,
    /// Near misses that do not.
    #[serde(default)]
    pub counterexamples: Vec<String>,
}

/// The engine's shipped exemplar data.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultData {
    /// Generic benign prompts: the baseline every exemplar category is compared against.
    pub background: Vec<String>,
    /// Exemplars for taxonomy categories, by id (used when the model has no head for them).
    pub categories: BTreeMap<String, DefaultExemplars>,
}

/// The shipped defaults (`src/exemplars/default.json`), parsed once.
pub fn defaults() -> &'static DefaultData {
    static D: OnceLock<DefaultData> = OnceLock::new();
    D.get_or_init(|| {
        // The file is part of the crate and checked by a unit test; an empty set is the
        // fallback that cannot happen in a build that passed its tests.
        serde_json::from_str(include_str!("exemplars/default.json"))
            .unwrap_or(DefaultData { background: vec![], categories: BTreeMap::new() })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_cover_the_unscored_taxonomy() {
        let d: DefaultData = serde_json::from_str(include_str!("exemplars/default.json")).unwrap();
        assert!(d.background.len() >= 40);
        for id in ["defamation", "specialized_advice", "intellectual_property", "elections", "code_interpreter_abuse", "sex_crimes"] {
            let c = d.categories.get(id).unwrap_or_else(|| panic!("no default exemplars for {id}"));
            assert!((10..=30).contains(&c.examples.len()), "{id}: {}", c.examples.len());
            assert!(crate::taxonomy::lookup(id).is_some());
        }
        for id in d.categories.keys() {
            assert!(crate::taxonomy::lookup(id).is_some(), "{id} is not a taxonomy id");
        }
    }

    #[test]
    fn calibration_is_monotone_and_bounded() {
        assert!(calibrate(-1.0) < calibrate(0.0) && calibrate(0.0) < calibrate(0.5));
        assert!((0.0..=1.0).contains(&calibrate(f32::NAN)));
        assert!((0.0..=1.0).contains(&calibrate(1e9)));
    }
}
