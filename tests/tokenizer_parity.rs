//! The engine's tokenizer against Python `tokenizers` on the same `tokenizer.json`.
//!
//! tests/fixtures/tokenizer_parity.jsonl is written by models/recipe/make_fixtures.py:
//! `{"text", "ids", "offsets"}` per line from `tokenizer.encode(text, add_special_tokens=False)`.
//! Python's offsets index the Python `str`, i.e. they count Unicode code points; the engine's
//! `Guard::tokenize` gives UTF-8 byte offsets (what spans are computed from). Ids must be equal
//! and offsets equal after converting bytes to code points.

mod common;

use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    text: String,
    ids: Vec<u32>,
    offsets: Vec<(usize, usize)>,
}

fn cases() -> Vec<Case> {
    let path = common::fixture("tokenizer_parity.jsonl");
    let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    src.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("{}:{}: bad fixture line: {e}", path.display(), i + 1))
        })
        .collect()
}

/// Code point offset of every char boundary (and the end) of `text`, indexed by byte.
fn byte_to_char_table(text: &str) -> Vec<Option<usize>> {
    let mut t = vec![None; text.len() + 1];
    for (ci, (bi, _)) in text.char_indices().enumerate() {
        t[bi] = Some(ci);
    }
    t[text.len()] = Some(text.chars().count());
    t
}

#[test]
fn ids_and_offsets_match_python_tokenizers() {
    let g = common::guard();
    let cases = cases();
    assert!(cases.len() >= 300, "the fixture has only {} cases; regenerate it", cases.len());
    let (mut id_bad, mut off_bad, mut boundary_bad) = (Vec::new(), Vec::new(), Vec::new());
    for (n, c) in cases.iter().enumerate() {
        let line = n + 1;
        let t = g
            .tokenize(&c.text)
            .unwrap_or_else(|e| panic!("line {line}: tokenize({:?}) failed: {} {e}", c.text, e.code()));
        assert_eq!(t.ids.len(), t.offsets.len(), "line {line}: one offset per token");
        if t.ids != c.ids {
            let at = t.ids.iter().zip(&c.ids).position(|(a, b)| a != b).unwrap_or(t.ids.len().min(c.ids.len()));
            id_bad.push(format!(
                "line {line} {:?}: first difference at token {at}: ours {:?} python {:?} (lengths {} vs {})",
                c.text,
                t.ids.get(at..(at + 4).min(t.ids.len())),
                c.ids.get(at..(at + 4).min(c.ids.len())),
                t.ids.len(),
                c.ids.len()
            ));
            continue;
        }
        let table = byte_to_char_table(&c.text);
        let mut ours = Vec::with_capacity(t.offsets.len());
        for &(a, b) in &t.offsets {
            match (table.get(a).copied().flatten(), table.get(b).copied().flatten()) {
                (Some(a), Some(b)) => ours.push((a, b)),
                _ => {
                    boundary_bad.push(format!("line {line} {:?}: byte offsets ({a}, {b}) not on char boundaries", c.text));
                    ours.push((usize::MAX, usize::MAX));
                }
            }
        }
        if ours != c.offsets {
            let i = ours.iter().zip(&c.offsets).position(|(a, b)| a != b).unwrap_or(0);
            off_bad.push(format!(
                "line {line} {:?}: token {i} ({}): ours {:?} (bytes {:?}) python {:?}",
                c.text, c.ids[i], ours[i], t.offsets[i], c.offsets[i]
            ));
        }
    }
    let report = |name: &str, v: &[String]| {
        format!("{} {name} mismatches of {}; first ones:\n  {}", v.len(), cases.len(), v.iter().take(8).cloned().collect::<Vec<_>>().join("\n  "))
    };
    assert!(
        id_bad.is_empty() && off_bad.is_empty() && boundary_bad.is_empty(),
        "the engine's tokenizer disagrees with Python tokenizers (if tokenizer.json changed, rerun \
         models/recipe/make_fixtures.py):\n{}\n{}\n{}",
        report("id", &id_bad),
        report("offset (in code points)", &off_bad),
        report("char-boundary", &boundary_bad)
    );
}

/// The offsets are byte offsets into the original text: slicing by them gives the token's text
/// back (case- and accent-folded by the normaliser, so compared loosely), which is what spans
/// rely on.
#[test]
fn byte_offsets_slice_the_original_text() {
    let g = common::guard();
    for text in ["Hello, world!", "café naïve — 中文测试 😀 done", "  padded\ttext\n"] {
        let t = g.tokenize(text).unwrap();
        assert!(!t.ids.is_empty());
        let mut last = 0;
        for &(a, b) in &t.offsets {
            assert!(a < b && b <= text.len(), "{text:?}: offsets ({a}, {b})");
            assert!(text.is_char_boundary(a) && text.is_char_boundary(b), "{text:?}: ({a}, {b})");
            assert!(a >= last, "{text:?}: offsets go backwards");
            last = a;
            assert!(!text[a..b].trim().is_empty(), "{text:?}: token covers only whitespace");
        }
    }
}
