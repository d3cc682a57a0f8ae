//! Verdicts: what a check returns.
//!
//! Serialised with camelCase names so JS receives plain objects shaped like the TypeScript
//! types in `pkg/`. Spans are given in Unicode code points (`start`/`end`, what Python and the
//! CLI slice by) and in UTF-16 code units (`startUtf16`/`endUtf16`, what JS strings slice by).

use crate::constitution::{Action, CheckKind, Source};
use crate::normalize::ViewKind;
use serde::Serialize;

/// A range of the checked text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TextSpan {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// First UTF-16 code unit (JS string index).
    pub start_utf16: usize,
    /// One past the last UTF-16 code unit.
    pub end_utf16: usize,
    /// Highest score of the triggering windows in this range.
    pub score: f32,
    /// Categories triggered in this range (top-level spans only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
}

/// The result for one category.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryResult {
    /// Category id.
    pub id: String,
    /// Calibrated probability (max over windows); `null` when the model has no head for it.
    pub score: Option<f32>,
    /// Threshold from the constitution.
    #[serde(serialize_with = "ser_decimal")]
    pub threshold: f32,
    /// Action from the constitution.
    pub action: Action,
    /// How the score was made: `head` (trained head), `exemplar` (similarity to the
    /// category's examples) or `pattern` (keyword/regex rules); `null` when unscored.
    pub source: Option<Source>,
    /// Which view of the text gave the score (`original`, `normalized`, `base64`, `hex`,
    /// `rot13`, `url`); absent for images and for text with nothing to judge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub view: Option<ViewKind>,
    /// Whether score >= threshold (never for text with no tokens: there was nothing to judge).
    pub triggered: bool,
    /// Where it triggered.
    pub spans: Vec<TextSpan>,
}

/// Wall-clock timings in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timings {
    /// Tokenization and windowing (for images: decoding and preprocessing).
    pub tokenize_ms: f64,
    /// Model inference.
    pub inference_ms: f64,
    /// The whole check.
    pub total_ms: f64,
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    /// `prompt`, `response` or `image`.
    pub kind: CheckKind,
    /// The strictest action among triggered categories (`allow` when none triggered).
    pub action: Action,
    /// Whether any category with action `warn` or `block` triggered.
    pub flagged: bool,
    /// Overall probability that the text violates the constitution: the highest score among
    /// enabled, applicable, scored categories whose action is not `allow`.
    pub score: f32,
    /// Every enabled category that applies to this kind of check.
    pub categories: Vec<CategoryResult>,
    /// Merged spans of the text that triggered something (always empty for images).
    pub spans: Vec<TextSpan>,
    /// The checked text with the spans of triggered `redact` categories masked as
    /// `[REDACTED:<id>]`; absent when nothing was redacted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redacted: Option<String>,
    /// Tokens in the checked text (the response, for response checks; 0 for images).
    pub tokens: usize,
    /// Model windows of the text as given (views add more, listed in `views`).
    pub windows: usize,
    /// Views of the text that were scored: `original` plus any de-obfuscated view that
    /// differed (empty for images and empty text).
    pub views: Vec<ViewKind>,
    /// Timings.
    pub timings: Timings,
}

impl Verdict {
    /// Score of one category, if present and scored.
    pub fn category(&self, id: &str) -> Option<&CategoryResult> {
        self.categories.iter().find(|c| c.id == id)
    }
}

/// Converts sorted-or-not byte offsets of `text` into (code point, UTF-16) offsets in one pass.
pub(crate) fn convert_offsets(text: &str, byte_offsets: &[usize]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..byte_offsets.len()).collect();
    order.sort_by_key(|&i| byte_offsets[i]);
    let mut out = vec![(0, 0); byte_offsets.len()];
    let (mut chars, mut units) = (0usize, 0usize);
    let mut iter = text.char_indices().peekable();
    for i in order {
        let target = byte_offsets[i];
        while let Some(&(b, c)) = iter.peek() {
            if b >= target {
                break;
            }
            chars += 1;
            units += c.len_utf16();
            iter.next();
        }
        out[i] = (chars, units);
    }
    out
}

/// `v` as the f64 with the same shortest decimal form (`0.03f32` → `0.03`, not the widened
/// `0.029999999329447746`): what thresholds and gates serialise as, so that a threshold written as
/// 0.7 in a constitution reads back as 0.7 in JS and JSON.
pub(crate) fn decimal_f64(v: f32) -> f64 {
    // The fewest decimal places that round-trip to `v` (settings are probabilities; anything
    // needing more than 12 places, or huge, is returned widened). Arithmetic, not formatting and
    // parsing: the float parser would add ~12 KB to the .wasm.
    let x = f64::from(v);
    if v.is_finite() && x.abs() < 1e9 {
        let mut e = 1.0f64;
        for _ in 0..=12 {
            let d = (x * e).round() / e; // e is an exact power of ten, so d is the decimal's nearest f64
            if d as f32 == v {
                return d;
            }
            e *= 10.0;
        }
    }
    x
}

/// `serialize_with` for an f32 setting ([`decimal_f64`]).
pub(crate) fn ser_decimal<S: serde::Serializer>(v: &f32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(decimal_f64(*v))
}

/// `serialize_with` for a map of f32 settings ([`decimal_f64`]).
pub(crate) fn ser_decimal_map<S: serde::Serializer>(m: &std::collections::BTreeMap<String, f32>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(m.iter().map(|(k, v)| (k, decimal_f64(*v))))
}

#[cfg(test)]
mod tests {
    use super::{convert_offsets, decimal_f64};

    #[test]
    fn settings_serialise_as_written() {
        for (v, want) in [(0.03f32, 0.03f64), (0.7, 0.7), (0.5, 0.5), (1.0, 1.0), (0.0, 0.0), (0.123_456_79, 0.123_456_79)] {
            assert_eq!(decimal_f64(v), want);
        }
        // the same shortest decimal as the f32's own formatting, across [0.001, 1]
        let mut r = 12345u32;
        for _ in 0..20_000 {
            r = r.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let v = 0.001 + (r >> 8) as f32 / (1u32 << 24) as f32;
            let d = decimal_f64(v);
            assert_eq!(d as f32, v);
            assert_eq!(d.to_string(), v.to_string());
        }
        assert!(decimal_f64(f32::NAN).is_nan());
        assert_eq!(decimal_f64(f32::INFINITY), f64::INFINITY);
    }

    #[test]
    fn offsets_in_code_points_and_utf16() {
        let t = "a😀é b";
        // bytes: a=0, 😀=1..5, é=5..7, ' '=7, b=8
        let got = convert_offsets(t, &[8, 0, 5, 1, 9]);
        assert_eq!(got, vec![(4, 5), (0, 0), (2, 3), (1, 1), (5, 6)]);
    }
}
