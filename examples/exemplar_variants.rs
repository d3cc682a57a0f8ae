//! Compares forms of the exemplar score by threshold-free AUC: per category (mean) and pooled
//! over categories (what one global calibration sees), on the held-out set
//! (`tests/exemplars/heldout.jsonl`, default categories) and the controllability custom
//! categories. This is how the form in `src/exemplar.rs` was chosen (variant "D l=.5 negmax").
//!
//! With `CENTER=1` embeddings are first centred on the background mean (tried for the trained
//! model: better per-category AUC, worse pooled AUC, so not adopted).
//!
//! `cargo run --release --example exemplar_variants [-- MODEL.parapet]`
use parapet::exemplar::{cos, Embedding};
#[path = "../tests/controllability/eval.rs"]
mod eval;

/// (category, positives, negatives, labelled prompts).
type Task = (String, Vec<String>, Vec<String>, Vec<(String, bool)>);

fn topk(e: &[f32], s: &[Embedding], k: usize) -> f32 {
    if s.is_empty() { return f32::NAN; }
    let mut v: Vec<f32> = s.iter().map(|x| cos(e, x)).collect();
    v.sort_by(|a, b| b.total_cmp(a));
    let k = k.min(v.len());
    v[..k].iter().sum::<f32>() / k as f32
}
fn auc(s: &[(f32, bool)]) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for a in s.iter().filter(|x| x.1) { for b in s.iter().filter(|x| !x.1) { den += 1.0; if a.0 > b.0 { num += 1.0 } else if a.0 == b.0 { num += 0.5 } } }
    num / den
}
fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let model = std::env::args().nth(1).unwrap_or_else(|| format!("{root}/{}", parapet::DEFAULT_BUNDLE_PATH));
    let g = parapet::Guard::from_bundle_bytes(&std::fs::read(&model).unwrap()).unwrap();
    let bg_raw: Vec<Embedding> = g.background().to_vec();
    let center = std::env::var("CENTER").is_ok();
    let dim = bg_raw[0].len();
    let mut mu = vec![0.0f32; dim];
    for e in &bg_raw { for (m, x) in mu.iter_mut().zip(e.iter()) { *m += x / bg_raw.len() as f32; } }
    let c = |e: &[f32]| -> Vec<f32> {
        if !center { return e.to_vec(); }
        let v: Vec<f32> = e.iter().zip(&mu).map(|(x, m)| x - m).collect();
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
        v.iter().map(|x| x / n).collect()
    };
    let ce = |v: Vec<Embedding>| -> Vec<Embedding> { v.iter().map(|e| Embedding::from(c(e))).collect() };
    let bg: Vec<Embedding> = ce(bg_raw.clone());
    // tasks: (pos exemplars, neg exemplars, items (text, label))
    let mut tasks: Vec<Task> = vec![];
    let held: Vec<(String, String)> = std::fs::read_to_string(format!("{root}/tests/exemplars/heldout.jsonl")).unwrap().lines().map(|l| { let v: serde_json::Value = serde_json::from_str(l).unwrap(); (v["category"].as_str().unwrap().into(), v["text"].as_str().unwrap().into()) }).collect();
    for (id, d) in &parapet::exemplar::defaults().categories {
        let mut p = vec![parapet::taxonomy::lookup(id).unwrap().description.to_string()];
        p.extend(d.examples.clone());
        tasks.push((id.clone(), p, d.counterexamples.clone(), held.iter().map(|(c, t)| (t.clone(), c == id)).collect()));
    }
    for name in eval::policies() {
        let c: serde_json::Value = serde_json::from_str(&eval::constitution(&name)).unwrap();
        let items = eval::items(&name);
        for cc in c["custom_categories"].as_array().unwrap_or(&vec![]) {
            let id = cc["id"].as_str().unwrap();
            let sv = |k: &str| cc[k].as_array().map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect::<Vec<_>>()).unwrap_or_default();
            let mut p = vec![cc["description"].as_str().unwrap().to_string()];
            p.extend(sv("examples"));
            tasks.push((id.to_string(), p, sv("counterexamples"), items.iter().map(|i| (i.prompt.clone(), i.category.as_deref() == Some(id))).collect()));
        }
    }
    let variants = ["D l=1", "D l=.75", "D l=.5", "D l=.25", "F top3 only", "D2 top2 l=.5", "D4 top4 l=.5", "D l=.5 negmax"];
    let mut tot = vec![0.0; variants.len()];
    let mut pooled: Vec<Vec<(f32, bool)>> = vec![vec![]; variants.len()];
    for (id, p, n, items) in &tasks {
        let pe = ce(g.embed_texts(p).unwrap());
        let ne = ce(g.embed_texts(n).unwrap());
        let mut row = format!("{id:<24}");
        let embs: Vec<Vec<f32>> = items.iter().map(|(t, _)| c(&g.embed_prompt(t).unwrap().swap_remove(0))).collect();
        for (vi, _) in variants.iter().enumerate() {
            let s: Vec<(f32, bool)> = items.iter().zip(&embs).map(|((_, y), e)| {
                let nm = if ne.is_empty() { f32::MIN } else { topk(e, &ne, 1) };
                let n3 = if ne.is_empty() { f32::MIN } else { topk(e, &ne, 3) };
                let v = match vi {
                    0 => topk(e, &pe, 3) - n3.max(topk(e, &bg, 3)),
                    1 => topk(e, &pe, 3) - 0.75 * n3.max(topk(e, &bg, 3)),
                    2 => topk(e, &pe, 3) - 0.5 * n3.max(topk(e, &bg, 3)),
                    3 => topk(e, &pe, 3) - 0.25 * n3.max(topk(e, &bg, 3)),
                    4 => topk(e, &pe, 3),
                    5 => topk(e, &pe, 2) - 0.5 * n3.max(topk(e, &bg, 3)),
                    6 => topk(e, &pe, 4) - 0.5 * n3.max(topk(e, &bg, 3)),
                    _ => topk(e, &pe, 3) - 0.5 * nm.max(topk(e, &bg, 3)),
                };
                (v, *y)
            }).collect();
            let a = auc(&s);
            pooled[vi].extend(s.iter().copied());
            tot[vi] += a;
            row.push_str(&format!(" {a:.3}"));
        }
        println!("{row}");
    }
    for (v, t) in variants.iter().zip(&tot) { println!("{v}: mean AUC {:.4}", t / tasks.len() as f64); }
    for (v, p) in variants.iter().zip(&pooled) { println!("{v}: pooled AUC {:.4}", auc(p)); }
}
