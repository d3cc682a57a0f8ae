//! Runs one length through one engine many times, for `perf record`:
//! `cargo run --release --example engine_profile -- int8 256 50`.
use parapet::bundle::Bundle;
use parapet::model::{EngineChoice, TextModel};
use parapet::text::TextEncoder;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let engine = EngineChoice::parse(a.get(1).map_or("int8", |s| s)).unwrap();
    let n: usize = a.get(2).and_then(|s| s.parse().ok()).unwrap_or(128);
    let reps: usize = a.get(3).and_then(|s| s.parse().ok()).unwrap_or(50);
    let bytes = std::fs::read(parapet::DEFAULT_BUNDLE_PATH).unwrap();
    let b = Bundle::from_bytes(&bytes).unwrap();
    let m = &b.manifest;
    let enc = TextEncoder::from_bytes(b.part("tokenizer.json").unwrap(), &m.tokenizer, m.max_seq_len).unwrap();
    let toks = enc.tokenize(&"The quick brown fox jumps over the lazy dog. ".repeat(100)).unwrap();
    let mut w = enc.prompt_windows(&toks).remove(0);
    w.ids.truncate(n);
    w.type_ids.truncate(n);
    let model = TextModel::from_onnx_with(b.part("model.onnx").unwrap(), &m.model, m.heads.len(), &w, engine).unwrap();
    let t = std::time::Instant::now();
    for _ in 0..reps {
        model.run(std::slice::from_ref(&w), enc.pad).unwrap();
    }
    println!("{} tokens, {}: {:.1} ms per run", w.ids.len(), model.engine(), t.elapsed().as_secs_f64() * 1e3 / reps as f64);
}
