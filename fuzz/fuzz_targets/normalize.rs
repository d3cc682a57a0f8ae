//! De-obfuscation views alone (fast: no model): every view maps back inside the original.
#![no_main]
use libfuzzer_sys::fuzz_target;
use parapet::normalize::views;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lex = |w: &str| matches!(w, "how" | "to" | "make" | "a" | "bomb" | "i" | "the");
    for v in views(&text, &lex) {
        let (a, b) = v.to_original(0, v.text.len());
        assert!(a <= b && b <= text.len());
        assert!(text.is_char_boundary(a) && text.is_char_boundary(b));
        for &(s, e) in &v.changed {
            assert!(s < e && e <= text.len());
        }
    }
});
