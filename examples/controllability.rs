//! Prints the controllability table: per policy of `tests/controllability/`, how often
//! parapet's verdict matches the policy's labels under the policy's constitution and under the
//! default constitution, and the F1 of the policy's user-defined categories from their
//! examples alone.
//!
//! `cargo run --release --example controllability [-- MODEL.parapet]`

#[path = "../tests/controllability/eval.rs"]
mod eval;

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let model = std::env::args().nth(1).unwrap_or_else(|| format!("{root}/{}", parapet::DEFAULT_BUNDLE_PATH));
    let guard = parapet::Guard::from_bundle_bytes(&std::fs::read(&model).expect("read the bundle")).expect("load");
    println!("model: {model} ({} {})\n", guard.info().name, &guard.info().sha256[..12]);
    println!("| policy | prompts (block) | agreement, default constitution | agreement, policy constitution | gain | user-defined categories: F1 (P / R, positives) |");
    println!("|---|---|---|---|---|---|");
    let (mut sum_d, mut sum_p, mut n) = (0.0, 0.0, 0);
    let (mut tp_f1, mut k) = (0.0, 0);
    for name in eval::policies() {
        let r = eval::evaluate(&guard, &name);
        let cats: Vec<String> = r
            .custom_f1
            .iter()
            .map(|(id, p, rc, f, pos)| {
                tp_f1 += f;
                k += 1;
                format!("`{id}` {f:.2} ({p:.2} / {rc:.2}, {pos})")
            })
            .collect();
        println!(
            "| {} | {} ({}) | {:.1}% | {:.1}% | {:+.1} pts | {} |",
            r.name,
            r.n,
            r.n_block,
            100.0 * r.agree_default,
            100.0 * r.agree_policy,
            100.0 * (r.agree_policy - r.agree_default),
            if cats.is_empty() { "—".to_string() } else { cats.join("; ") }
        );
        sum_d += r.agree_default;
        sum_p += r.agree_policy;
        n += 1;
    }
    println!(
        "| **mean** | | {:.1}% | {:.1}% | {:+.1} pts | mean F1 {:.2} |",
        100.0 * sum_d / n as f64,
        100.0 * sum_p / n as f64,
        100.0 * (sum_p - sum_d) / n as f64,
        tp_f1 / k.max(1) as f64
    );
}
