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

#[cfg(test)]
mod tests {
    use super::convert_offsets;

    #[test]
    fn offsets_in_code_points_and_utf16() {
        let t = "a😀é b";
        // bytes: a=0, 😀=1..5, é=5..7, ' '=7, b=8
        let got = convert_offsets(t, &[8, 0, 5, 1, 9]);
        assert_eq!(got, vec![(4, 5), (0, 0), (2, 3), (1, 1), (5, 6)]);
    }
}
