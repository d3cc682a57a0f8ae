//! The controllability evaluation, shared by `examples/controllability.rs` (prints the table)
//! and `tests/controllability.rs` (asserts the gain).
//!
//! Every policy is `tests/controllability/<policy>.json` (a constitution) with
//! `<policy>.jsonl`: prompts labelled `{"prompt", "expect": "block" | "allow", "category"?}`
//! (`category`: the policy category that should fire, when it is a custom, pattern or allow
//! one). A verdict *blocks* when it is flagged (a `warn`, `redact` or `block` category
//! triggered). Agreement is the share of prompts whose verdict matches `expect`, under the
//! policy's constitution and under the default one. Custom-category F1 scores a category's
//! `triggered` under the policy against the prompts labelled with that category.
#![allow(dead_code)]

use parapet::Guard;
use std::path::{Path, PathBuf};

/// One labelled prompt.
pub struct Item {
    /// The prompt checked.
    pub prompt: String,
    /// Whether the policy should block it.
    pub block: bool,
    /// The policy category that should fire, when labelled.
    pub category: Option<String>,
}

/// Results of one policy.
pub struct PolicyResult {
    /// Policy name (file stem).
    pub name: String,
    /// Prompts.
    pub n: usize,
    /// Prompts labelled block.
    pub n_block: usize,
    /// Agreement with the labels under the policy's constitution.
    pub agree_policy: f64,
    /// Agreement with the labels under the default constitution.
    pub agree_default: f64,
    /// (category id, precision, recall, F1, positives).
    pub custom_f1: Vec<(String, f64, f64, f64, usize)>,
}

/// The directory of the set.
pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("controllability")
}

/// Policy names, sorted.
pub fn policies() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir())
        .expect("read tests/controllability")
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".jsonl")).map(String::from))
        .collect();
    v.sort();
    v
}

/// Loads a policy's items.
pub fn items(name: &str) -> Vec<Item> {
    std::fs::read_to_string(dir().join(format!("{name}.jsonl")))
        .expect("read the jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
            let expect = v["expect"].as_str().expect("expect");
            assert!(expect == "block" || expect == "allow", "expect must be block or allow: {l}");
            Item {
                prompt: v["prompt"].as_str().expect("prompt").to_string(),
                block: expect == "block",
                category: v["category"].as_str().map(String::from),
            }
        })
        .collect()
}

/// The policy's constitution JSON.
pub fn constitution(name: &str) -> String {
    std::fs::read_to_string(dir().join(format!("{name}.json"))).expect("read the constitution")
}

fn f1(tp: usize, fp: usize, fn_: usize) -> (f64, f64, f64) {
    let p = if tp + fp == 0 { 0.0 } else { tp as f64 / (tp + fp) as f64 };
    let r = if tp + fn_ == 0 { 0.0 } else { tp as f64 / (tp + fn_) as f64 };
    let f = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
    (p, r, f)
}

/// Evaluates one policy; `base` has the default constitution.
pub fn evaluate(base: &Guard, name: &str) -> PolicyResult {
    let items = items(name);
    let mut policy = base.clone();
    policy
        .set_constitution_json(&constitution(name))
        .unwrap_or_else(|e| panic!("{name}.json: {} {}: {e}", e.name(), e.code()));
    let custom: Vec<String> = policy.constitution().spec().custom_categories.iter().map(|c| c.id.clone()).collect();
    let (mut ok_p, mut ok_d) = (0, 0);
    let mut counts = vec![(0usize, 0usize, 0usize); custom.len()];
    for it in &items {
        let vp = policy.check_prompt(&it.prompt).expect("check");
        let vd = base.check_prompt(&it.prompt).expect("check");
        ok_p += usize::from(vp.flagged == it.block);
        ok_d += usize::from(vd.flagged == it.block);
        for (i, id) in custom.iter().enumerate() {
            let truth = it.category.as_deref() == Some(id.as_str());
            let pred = vp.category(id).is_some_and(|c| c.triggered);
            match (pred, truth) {
                (true, true) => counts[i].0 += 1,
                (true, false) => counts[i].1 += 1,
                (false, true) => counts[i].2 += 1,
                _ => {}
            }
        }
    }
    let n = items.len();
    PolicyResult {
        name: name.to_string(),
        n,
        n_block: items.iter().filter(|i| i.block).count(),
        agree_policy: ok_p as f64 / n as f64,
        agree_default: ok_d as f64 / n as f64,
        custom_f1: custom
            .into_iter()
            .zip(counts)
            .map(|(id, (tp, fp, fn_))| {
                let (p, r, f) = f1(tp, fp, fn_);
                (id, p, r, f, tp + fn_)
            })
            .collect(),
    }
}
