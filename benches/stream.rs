//! Streaming cost: a ~2,000-token response pushed in ~10-token deltas vs one full
//! `check_response` of the same text, in the same run (ratio is the headline; the machine is
//! shared). `cargo bench --bench stream` (add `-- --json` for one JSON line).

use parapet::{Guard, StreamOptions};
use std::time::Instant;

const PARAGRAPH: &str = "The river runs past the old mill, where volunteers restored the water wheel last \
spring. Children from the village school visit on Fridays to watch it turn, and the miller explains how \
grain becomes flour, why the stones must be dressed, and how the sluice gate controls the flow. ";

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let json = std::env::args().any(|a| a == "--json");
    let bytes = std::fs::read(parapet::DEFAULT_BUNDLE_PATH).expect("run from the repository root");
    let g = Guard::from_bundle_bytes(&bytes).unwrap();
    let prompt = "Tell me about the mill.";
    let mut text = String::new();
    while g.tokenize(&text).unwrap().ids.len() < 2000 {
        text.push_str(PARAGRAPH);
    }
    let tokens = g.tokenize(&text).unwrap();
    // Deltas of 10 tokens, cut at token starts (as an LLM streams them).
    let mut cuts: Vec<usize> = tokens.offsets.iter().step_by(10).map(|o| o.0).collect();
    cuts.push(text.len());
    let deltas: Vec<&str> = cuts.windows(2).map(|w| &text[w[0]..w[1]]).collect();
    let deltas: Vec<String> = std::iter::once(text[..cuts[0]].to_string())
        .chain(deltas.iter().map(|s| s.to_string()))
        .filter(|s| !s.is_empty())
        .collect();
    let reps = 5;
    let (mut full, mut stream) = (Vec::new(), Vec::new());
    let mut windows = (0, 0);
    g.check_response(prompt, &text).unwrap(); // warm-up
    for _ in 0..reps {
        let t = Instant::now();
        let v = g.check_response(prompt, &text).unwrap();
        full.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let mut s = g.stream(prompt, StreamOptions::default()).unwrap();
        for d in &deltas {
            s.push(&g, d).unwrap();
        }
        let e = s.end(&g).unwrap();
        stream.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(e.action, v.action);
        windows = (g.prepare_response(prompt, &text).unwrap().windows().len(), s.windows_run());
    }
    let (f, s) = (median(full), median(stream));
    if json {
        println!(
            "{{\"tokens\":{},\"deltas\":{},\"full_ms\":{f:.1},\"stream_ms\":{s:.1},\"ratio\":{:.3},\"full_windows\":{},\"stream_windows\":{}}}",
            tokens.ids.len(),
            deltas.len(),
            s / f,
            windows.0,
            windows.1
        );
    } else {
        println!("{} tokens in {} deltas (score_every {})", tokens.ids.len(), deltas.len(), StreamOptions::default().score_every);
        println!("full check_response: {f:.1} ms (median of {reps}); {} windows prepared (short ones run only where the gate passes)", windows.0);
        println!("stream push x{} + end: {s:.1} ms, {} windows run", deltas.len(), windows.1);
        println!("ratio stream / full: {:.2}", s / f);
    }
}
