//! Compares parapet's int8 engine with tract (the f32 reference) on the shipped bundle: raw
//! logits, calibrated probabilities and embeddings over the bundle's own default texts, plus
//! the time of each at a few lengths; with `--dev FILE` (from `python3 -m models.recipe.export_dev`)
//! also the `unsafe` category's AUPRC and F1 at its balanced threshold on those dev prompts, per
//! engine, and how many decisions differ.
//! `cargo run --release --example engine_compare -- [bundle] [--dev /tmp/parapet-dev-prompts.jsonl]`
use parapet::bundle::Bundle;
use parapet::model::{EngineChoice, TextModel};
use parapet::text::{TextEncoder, Window};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dev = args.iter().position(|a| a == "--dev").and_then(|i| args.get(i + 1)).cloned();
    let path = args
        .iter()
        .find(|a| !a.starts_with("--") && Some(*a) != dev.as_ref())
        .cloned()
        .unwrap_or_else(|| parapet::DEFAULT_BUNDLE_PATH.to_string());
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
    if let Some(dev) = dev {
        dev_metrics(&bytes, &dev);
    }
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

/// `unsafe` AUPRC and F1 at the shipped balanced threshold on labelled dev prompts, per engine.
fn dev_metrics(bundle: &[u8], path: &str) {
    let rows: Vec<(String, bool)> = std::fs::read_to_string(path)
        .expect("read the dev file")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| Some((v["text"].as_str()?.to_string(), v["unsafe"].as_i64()? == 1)))
        .collect();
    let mut decisions = Vec::new();
    for engine in [EngineChoice::Tract, EngineChoice::Int8] {
        let g = parapet::guard::Guard::from_bundle_bytes_with(bundle, None, engine).unwrap();
        let mut scored: Vec<(f32, bool)> = Vec::new();
        let mut flagged = Vec::new();
        let mut threshold = 0.0;
        for (text, label) in &rows {
            let v = g.check_prompt(text).unwrap();
            let c = v.categories.iter().find(|c| c.id == "unsafe").unwrap();
            threshold = c.threshold;
            scored.push((c.score.unwrap_or(0.0), *label));
            flagged.push(c.triggered);
        }
        let (tp, fp, fn_) = rows.iter().zip(&flagged).fold((0, 0, 0), |(tp, fp, fn_), ((_, l), &f)| match (l, f) {
            (true, true) => (tp + 1, fp, fn_),
            (false, true) => (tp, fp + 1, fn_),
            (true, false) => (tp, fp, fn_ + 1),
            _ => (tp, fp, fn_),
        });
        let f1 = 2.0 * tp as f64 / (2 * tp + fp + fn_) as f64;
        scored.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
        let pos = scored.iter().filter(|s| s.1).count() as f64;
        let (mut hits, mut ap) = (0.0, 0.0);
        for (i, (_, l)) in scored.iter().enumerate() {
            if *l {
                hits += 1.0;
                ap += hits / (i + 1) as f64;
            }
        }
        println!(
            "dev {} prompts ({} unsafe), {}: unsafe AUPRC {:.4}, F1 {:.4} at threshold {threshold} (tp {tp}, fp {fp}, fn {fn_})",
            rows.len(),
            pos,
            g.info().engine,
            ap / pos,
            f1
        );
        decisions.push(flagged);
    }
    let differ = decisions[0].iter().zip(&decisions[1]).filter(|(a, b)| a != b).count();
    println!("decisions that differ between the engines: {differ} of {}", rows.len());
}
