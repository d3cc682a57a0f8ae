//! Text checks on arbitrary Unicode: prompt and response checks through the real model with
//! every de-obfuscation view; results are consistent, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let g = common::guard();
    let (prompt, response) = text.split_at(text.char_indices().nth(text.chars().count() / 3).map_or(0, |(i, _)| i));
    for v in [g.check_prompt(&text), g.check_response(prompt, response)] {
        let v = v.expect("a text check of valid UTF-8 within the size limit succeeds");
        assert!(v.score.is_finite() && (0.0..=1.0).contains(&v.score));
        let n = text.chars().count();
        for s in &v.spans {
            assert!(s.start <= s.end && s.end <= n, "span {s:?} outside the text");
        }
    }
});
