//! Fits the fixed logistic calibration of exemplar scores (`CAL_A`, `CAL_B` in
//! `src/exemplar.rs`) on held-out prompts that are never used as exemplars.
//!
//! For every shipped default exemplar category `c` and every prompt `t` of
//! `tests/exemplars/heldout.jsonl` (`{"category": "<id>" | "none", "text"}`), the raw score
//! of `t` under `c` is computed with the shipped exemplars and background set; the label is
//! whether `t` belongs to `c`. A two-parameter logistic regression (Newton's method, light L2)
//! maps raw scores to probabilities. Prints the fit, the held-out F1 at 0.5 with the fitted and
//! with the compiled-in constants, and the Rust lines to paste.
//!
//! `cargo run --release --example calibrate_exemplars [-- MODEL.parapet]`

use parapet::exemplar::{self, ExemplarSet};
use parapet::taxonomy;
use std::collections::BTreeMap;

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let model = std::env::args().nth(1).unwrap_or_else(|| format!("{root}/{}", parapet::DEFAULT_BUNDLE_PATH));
    let guard = parapet::Guard::from_bundle_bytes(&std::fs::read(&model).expect("read the bundle")).expect("load");
    let heldout = std::fs::read_to_string(format!("{root}/tests/exemplars/heldout.jsonl")).expect("read heldout");
    let items: Vec<(String, String)> = heldout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json line");
            (v["category"].as_str().unwrap().to_string(), v["text"].as_str().unwrap().to_string())
        })
        .collect();
    let embs: Vec<Vec<f32>> =
        items.iter().map(|(_, t)| guard.embed_prompt(t).expect("embed").swap_remove(0)).collect();
    let bg = guard.background();
    let mut data: Vec<(f32, bool, String)> = Vec::new();
    for (id, d) in &exemplar::defaults().categories {
        let desc = taxonomy::lookup(id).map(|t| t.description.to_string()).unwrap_or_default();
        let mut positives = vec![desc];
        positives.extend(d.examples.iter().cloned());
        let mut set = ExemplarSet::new(positives, d.counterexamples.clone());
        guard.embed_exemplars(&mut set).expect("embed exemplars");
        for ((cat, _), e) in items.iter().zip(&embs) {
            data.push((exemplar::raw_score(e, &set, bg), cat == id, id.clone()));
        }
    }
    // Logistic regression p = sigmoid(a x + b), fitted on standardised x (fine-tuned embeddings
    // can crowd raw scores into a narrow range) by Newton's method with step halving on the
    // (lightly ridge-penalised) log loss, then mapped back to raw x.
    let n = data.len() as f64;
    let mean = data.iter().map(|d| d.0 as f64).sum::<f64>() / n;
    let sd = (data.iter().map(|d| (d.0 as f64 - mean).powi(2)).sum::<f64>() / n).sqrt().max(1e-12);
    let z: Vec<(f64, f64)> = data.iter().map(|d| ((d.0 as f64 - mean) / sd, if d.1 { 1.0 } else { 0.0 })).collect();
    let lambda = 1e-3;
    let loss = |a: f64, b: f64| -> f64 {
        z.iter()
            .map(|&(x, y)| {
                let t = a * x + b;
                // log(1 + e^t) - y t, stably
                (if t > 0.0 { t + (-t).exp().ln_1p() } else { t.exp().ln_1p() }) - y * t
            })
            .sum::<f64>()
            + 0.5 * lambda * a * a
    };
    let (mut a, mut b) = (1.0f64, 0.0f64);
    for _ in 0..200 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (lambda * a, 0.0, lambda, 0.0, 1e-9);
        for &(x, y) in &z {
            let p = 1.0 / (1.0 + (-(a * x + b)).exp());
            let r = p - y;
            ga += r * x;
            gb += r;
            let w = p * (1.0 - p);
            haa += w * x * x;
            hab += w * x;
            hbb += w;
        }
        let det = haa * hbb - hab * hab;
        let (da, db) = ((hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det);
        let before = loss(a, b);
        let mut step = 1.0;
        while step > 1e-6 && loss(a - step * da, b - step * db) > before {
            step *= 0.5;
        }
        a -= step * da;
        b -= step * db;
        if (step * da).abs() + (step * db).abs() < 1e-10 {
            break;
        }
    }
    // Back to raw scores: a z + b = (a / sd) x + (b - a mean / sd).
    let (a, b) = (a / sd, b - a * mean / sd);
    println!("raw scores: mean {mean:.4}, sd {sd:.4}");
    let report = |name: &str, f: &dyn Fn(f32) -> f32| {
        let mut per: BTreeMap<&str, (u32, u32, u32)> = BTreeMap::new();
        let mut ll = 0.0f64;
        for (x, y, c) in &data {
            let p = f(*x);
            let e = per.entry(c.as_str()).or_default();
            match (p >= 0.5, *y) {
                (true, true) => e.0 += 1,
                (true, false) => e.1 += 1,
                (false, true) => e.2 += 1,
                _ => {}
            }
            let p = (p as f64).clamp(1e-6, 1.0 - 1e-6);
            ll -= if *y { p.ln() } else { (1.0 - p).ln() };
        }
        println!("\n{name}: log loss {:.4} over {} pairs", ll / data.len() as f64, data.len());
        let (mut tp, mut fp, mut fn_) = (0, 0, 0);
        for (c, (t, f, n)) in &per {
            let f1 = 2.0 * *t as f64 / (2 * t + f + n).max(1) as f64;
            println!("  {c:<24} tp {t:>2} fp {f:>2} fn {n:>2}  F1 {f1:.3}");
            tp += t;
            fp += f;
            fn_ += n;
        }
        println!("  {:<24} tp {tp:>2} fp {fp:>2} fn {fn_:>2}  F1 {:.3}", "all", 2.0 * tp as f64 / (2 * tp + fp + fn_).max(1) as f64);
    };
    let fitted = |x: f32| (1.0 / (1.0 + (-(a * x as f64 + b)).exp())) as f32;
    println!("model: {model}");
    println!("held-out prompts: {} ({} positive pairs)", items.len(), data.iter().filter(|d| d.1).count());
    report("fitted", &fitted);
    report("compiled-in", &|x| exemplar::calibrate(x));
    println!("\npub const CAL_A: f32 = {a:.3};\npub const CAL_B: f32 = {b:.3};");
}
