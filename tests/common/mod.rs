//! Shared helpers of the integration tests: the real shipped bundle, loaded once per test
//! binary, and the invariants every verdict must satisfy whatever the model's scores are.
//!
//! Not every test binary uses every helper.
#![allow(dead_code)]

use parapet::{Guard, Verdict};
use std::path::PathBuf;
use std::sync::OnceLock;

/// The bundle the crate ships (and the CLI embeds).
pub fn bundle_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(parapet::DEFAULT_BUNDLE_PATH)
}

/// Bytes of the shipped bundle, read once.
pub fn bundle_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        std::fs::read(bundle_path()).unwrap_or_else(|e| {
            panic!("cannot read the shipped bundle {}: {e}", bundle_path().display())
        })
    })
}

/// A guard on the shipped bundle with the default constitution, loaded once per test binary
/// (tract optimises the graph at load, which takes a second on a busy machine). Tests that
/// change the constitution work on a `clone()`.
pub fn guard() -> &'static Guard {
    static GUARD: OnceLock<Guard> = OnceLock::new();
    GUARD.get_or_init(|| {
        Guard::from_bundle_bytes(bundle_bytes())
            .unwrap_or_else(|e| panic!("the shipped bundle must load: {} {}: {e}", e.name(), e.code()))
    })
}

/// Path of a fixture under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("fixtures").join(name)
}

/// A fresh path under Cargo's per-target temporary directory for integration tests.
pub fn temp_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("parapet-tests");
    std::fs::create_dir_all(&dir).expect("create the test temp dir");
    dir.join(format!("{}-{name}", std::process::id()))
}

/// Invariants of any verdict on `text`, independent of what the model scores:
/// scores are probabilities, `triggered` agrees with score/threshold, `flagged`/`action`
/// agree with the triggered categories, spans lie inside the text in code points and UTF-16,
/// and every category a top-level span names is a triggered, acting category.
pub fn assert_verdict_consistent(v: &Verdict, text: &str) {
    let n_chars = text.chars().count();
    let n_units = text.encode_utf16().count();
    let mut acting_triggered = false;
    let mut strictest = parapet::Action::Allow;
    for c in &v.categories {
        assert!((0.0..=1.0).contains(&c.threshold), "{}: threshold {} outside 0..=1", c.id, c.threshold);
        match c.score {
            Some(s) => {
                assert!(s.is_finite() && (0.0..=1.0).contains(&s), "{}: score {s} is not a probability", c.id);
                let judged = v.windows > 0;
                assert_eq!(
                    c.triggered,
                    judged && s >= c.threshold,
                    "{}: triggered disagrees with score {s} >= threshold {} ({} windows)",
                    c.id,
                    c.threshold,
                    v.windows
                );
            }
            None => assert!(!c.triggered, "{}: an unscored category cannot trigger", c.id),
        }
        if !c.triggered {
            assert!(c.spans.is_empty(), "{}: spans on a category that did not trigger", c.id);
        }
        if c.triggered && c.action != parapet::Action::Allow {
            acting_triggered = true;
            strictest = strictest.max(c.action);
        }
        for s in &c.spans {
            assert_span_in_bounds(s, n_chars, n_units, &c.id);
        }
    }
    assert_eq!(v.flagged, acting_triggered, "flagged must be true exactly when a warn/block category triggered");
    assert_eq!(v.action, strictest, "the verdict's action must be the strictest triggered action");
    assert!(v.score.is_finite() && (0.0..=1.0).contains(&v.score), "overall score {} is not a probability", v.score);
    for s in &v.spans {
        assert_span_in_bounds(s, n_chars, n_units, "top-level");
        assert!(!s.categories.is_empty(), "a top-level span must name its categories: {s:?}");
        for id in &s.categories {
            let c = v.category(id).unwrap_or_else(|| panic!("span names category {id} missing from the verdict"));
            assert!(c.triggered && c.action != parapet::Action::Allow, "span names {id}, which did not trigger with warn/block");
        }
    }
    for pair in v.spans.windows(2) {
        assert!(pair[0].end < pair[1].start, "top-level spans must be sorted and merged: {pair:?}");
    }
    if v.windows == 0 {
        assert!(!v.flagged && v.spans.is_empty(), "no windows means nothing was judged");
    }
    let t = &v.timings;
    for (name, x) in [("tokenizeMs", t.tokenize_ms), ("inferenceMs", t.inference_ms), ("totalMs", t.total_ms)] {
        assert!(x.is_finite() && x >= 0.0, "{name} = {x}");
    }
    assert!(t.total_ms + 1e-6 >= t.inference_ms, "total time below inference time: {t:?}");
}

fn assert_span_in_bounds(s: &parapet::TextSpan, n_chars: usize, n_units: usize, what: &str) {
    assert!(s.start < s.end, "{what}: empty or inverted span {s:?}");
    assert!(s.end <= n_chars, "{what}: span {s:?} ends past the text's {n_chars} code points");
    assert!(s.start_utf16 < s.end_utf16, "{what}: empty or inverted UTF-16 span {s:?}");
    assert!(s.end_utf16 <= n_units, "{what}: span {s:?} ends past the text's {n_units} UTF-16 units");
    assert!(s.start_utf16 >= s.start && s.end_utf16 >= s.end, "{what}: UTF-16 offsets below code point offsets {s:?}");
    assert!((0.0..=1.0).contains(&s.score), "{what}: span score {} is not a probability", s.score);
}

/// Converts a byte offset of `text` to a code point offset.
pub fn byte_to_char(text: &str, byte: usize) -> usize {
    text.char_indices().take_while(|&(b, _)| b < byte).count()
}
