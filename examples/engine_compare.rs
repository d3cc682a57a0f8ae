//! Compares parapet's int8 engine with tract (the f32 reference) on the shipped bundle: raw
//! logits, calibrated probabilities and embeddings over the bundle's own default texts, plus
//! the time of each at a few lengths. `cargo run --release --example engine_compare [bundle]`.
use parapet::bundle::Bundle;
use parapet::model::{EngineChoice, TextModel};
use parapet::text::{TextEncoder, Window};
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| parapet::DEFAULT_BUNDLE_PATH.to_string());
    let bytes = std::fs::read(&path).expect("read bundle");
    let bundle = Bundle::from_bytes(&bytes).expect("bundle");
    let m = &bundle.manifest;
    let enc = TextEncoder::from_bytes(bundle.part("tokenizer.json").unwrap(), &m.tokenizer, m.max_seq_len).unwrap();
    let probe = enc.prompt_windows(&enc.tokenize("hello").unwrap()).remove(0);
    let onnx = bundle.part("model.onnx").unwrap();
    let t = Instant::now();
    let tract = TextModel::from_onnx_with(onnx, &m.model, m.heads.len(), &probe, EngineChoice::Tract).unwrap();
    let tract_load = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let int8 = TextModel::from_onnx_with(onnx, &m.model, m.heads.len(), &probe, EngineChoice::Int8).unwrap();
    let int8_load = t.elapsed().as_secs_f64() * 1e3;
    println!("load ms: tract {tract_load:.0}, int8 {int8_load:.0}");
    let g = parapet::guard::Guard::from_bundle_bytes_with(&bytes, None, EngineChoice::Tract).unwrap();
    let texts = g.default_texts();
    let windows: Vec<Window> = texts.iter().filter_map(|t| enc.prompt_windows(&enc.tokenize(t).unwrap()).into_iter().next()).collect();
    let (mut wl, mut wp, mut wc) = (0f32, 0f32, 1f32);
    for chunk in windows.chunks(16) {
        let a = tract.run(chunk, enc.pad).unwrap();
        let b = int8.run(chunk, enc.pad).unwrap();
        for i in 0..chunk.len() {
            for (h, (x, y)) in a.logits[i].iter().zip(&b.logits[i]).enumerate() {
                wl = wl.max((x - y).abs());
                let t = m.heads[h].temperature;
                let s = |v: f32| 1.0 / (1.0 + (-v / t).exp());
                wp = wp.max((s(*x) - s(*y)).abs());
            }
            let c: f32 = a.embeddings[i].iter().zip(&b.embeddings[i]).map(|(x, y)| x * y).sum();
            wc = wc.min(c);
        }
    }
    println!("{} texts: worst |logit diff| {wl:.2e}, worst |prob diff| {wp:.2e}, worst cosine {wc:.6}", windows.len());
    let long = "The quick brown fox jumps over the lazy dog and keeps running through the field. ".repeat(40);
    let toks = enc.tokenize(&long).unwrap();
    for n in [16usize, 64, 128, 256] {
        let mut w = enc.prompt_windows(&toks).remove(0);
        w.ids.truncate(n.min(w.ids.len()));
        w.type_ids.truncate(w.ids.len());
        let ws = [w];
        let time = |mdl: &TextModel| {
            for _ in 0..3 { mdl.run(&ws, enc.pad).unwrap(); }
            let mut v: Vec<f64> = (0..15).map(|_| { let t = Instant::now(); mdl.run(&ws, enc.pad).unwrap(); t.elapsed().as_secs_f64() * 1e3 }).collect();
            v.sort_by(|a, b| a.partial_cmp(b).unwrap());
            v[v.len() / 2]
        };
        let (a, b) = (time(&tract), time(&int8));
        println!("{n:>4} tokens: tract {a:.1} ms, int8 {b:.1} ms, ratio {:.2}", b / a);
    }
}
