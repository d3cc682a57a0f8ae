//! Text-check benchmarks (criterion), native: tokenization, inference alone (the windows a
//! check runs) and the whole `check_prompt`, for benign prompts of 16/64/128/512 tokens, and a
//! guard's load (the cold start without instantiating a `.wasm`).
//!
//! `cargo bench --bench text` (the wasm twin, against onnxruntime-web: `node benches/compare.mjs`).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use parapet::Guard;

const WORDS: &str = "the a garden club met on tuesday to talk about compost tomatoes and slugs in the spring \
    weather while someone brought bread and tea for everyone who came early to help set up the chairs \
    near the old library where children read books about ships trains and animals after school";

/// A benign text of exactly `n` tokens with [CLS] and [SEP] (the same recipe as compare-core.mjs).
fn text_of(guard: &Guard, n: usize) -> String {
    let words: Vec<&str> = WORDS.split(' ').collect();
    let mut out: Vec<&str> = Vec::new();
    let count = |w: &[&str]| guard.tokenize(&w.join(" ")).map(|t| t.ids.len() + 2).unwrap_or(0);
    while count(&out) < n {
        out.push(words[out.len() % words.len()]);
    }
    while count(&out) > n {
        out.pop();
    }
    out.join(" ")
}

fn bench(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(root.join(parapet::DEFAULT_BUNDLE_PATH)).expect("text bundle");
    let guard = Guard::from_bundle_bytes(&bytes).expect("guard");
    let mut g = c.benchmark_group("text");
    g.sample_size(10);
    for n in [16usize, 64, 128, 512] {
        let text = text_of(&guard, n);
        let prepared = guard.prepare_prompt(&text).expect("prepared");
        let full = guard.check_prompt(&text).expect("verdict").windows;
        let windows = prepared.windows()[..full].to_vec();
        g.bench_with_input(BenchmarkId::new("tokenize", n), &text, |b, t| b.iter(|| guard.tokenize(t).expect("tokens")));
        g.bench_with_input(BenchmarkId::new("infer", n), &windows, |b, w| b.iter(|| guard.run_windows(w).expect("outputs")));
        g.bench_with_input(BenchmarkId::new("check_prompt", n), &text, |b, t| b.iter(|| guard.check_prompt(t).expect("verdict")));
    }
    g.bench_function("load (Guard::from_bundle_bytes)", |b| b.iter(|| Guard::from_bundle_bytes(&bytes).expect("guard")));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
