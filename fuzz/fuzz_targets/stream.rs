//! Streaming sessions: arbitrary text cut into arbitrary deltas; every push succeeds with
//! consistent positions and the final verdict matches a full check.
#![no_main]
use libfuzzer_sys::fuzz_target;
use parapet::StreamOptions;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&cfg, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let g = common::guard();
    let opts = StreamOptions { hold_back: cfg & 1 == 1, score_every: 1 + (cfg >> 1) as usize % 64 };
    let mut s = g.stream("Tell me something.", opts).expect("a stream starts");
    let step = 1 + (cfg as usize % 13);
    let chars: Vec<char> = text.chars().collect();
    for chunk in chars.chunks(step) {
        let d: String = chunk.iter().collect();
        let v = s.push(g, &d).expect("a push within the size limit succeeds");
        let n = s.text().chars().count();
        assert!(v.released <= n && v.checked <= n);
        if opts.hold_back {
            assert!(v.released <= v.checked);
        }
    }
    let end = s.end(g).expect("end succeeds");
    let full = g.check_response("Tell me something.", s.text()).expect("a full check succeeds");
    assert_eq!(end.action, full.action);
    assert_eq!(end.tokens, full.tokens);
    assert_eq!(end.windows, full.windows);
});
