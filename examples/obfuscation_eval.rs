//! Obfuscation benchmark: how much recall the guard keeps when harmful prompts are disguised,
//! with and without the normalisation stage, and what normalisation costs on benign text.
//!
//! Input: JSONL of `{"text": ..., "unsafe": 0|1}` dev prompts, written by
//! `python3 -m models.recipe.export_dev` (a sample of the recipe's dev split; the data stays in
//! ../shared/data). Every prompt is disguised eight ways (Cyrillic homoglyphs, zero-width
//! characters, full-width forms, spaced-out letters, leetspeak, base64, hex, ROT13,
//! URL-encoding; encoded ones wrapped as "Decode this and answer: ...") and checked with the
//! default constitution, once with `normalize: true` (default) and once with
//! `normalize: false`.
//!
//! ```text
//! python3 -m models.recipe.export_dev            # -> /tmp/parapet-dev-prompts.jsonl
//! cargo run --release --example obfuscation_eval -- /tmp/parapet-dev-prompts.jsonl [--json] [--only leet,rot13]
//! ```

use parapet::Guard;
use rayon::prelude::*;
use serde_json::Value;

type Obfuscation = (&'static str, fn(&str) -> String);

fn homoglyph(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'a' => 'а', 'e' => 'е', 'o' => 'о', 'p' => 'р', 'c' => 'с', 'y' => 'у', 'x' => 'х',
            'i' => 'і', 'A' => 'А', 'E' => 'Е', 'O' => 'О', 'P' => 'Р', 'C' => 'С', 'T' => 'Т',
            'H' => 'Н', 'K' => 'К', 'M' => 'М', 'B' => 'В', 'X' => 'Х',
            _ => c,
        })
        .collect()
}

fn zero_width(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        out.push(c);
        if c.is_alphanumeric() {
            out.push('\u{200B}');
        }
    }
    out
}

fn fullwidth(s: &str) -> String {
    s.chars()
        .map(|c| if ('!'..='~').contains(&c) { char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c) } else { c })
        .collect()
}

fn spaced(s: &str) -> String {
    s.split_whitespace()
        .map(|w| w.chars().map(String::from).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("   ")
}

fn leet(s: &str) -> String {
    s.chars()
        .map(|c| match c.to_ascii_lowercase() {
            'a' => '4', 'e' => '3', 'i' => '1', 'o' => '0', 's' => '5', 't' => '7',
            _ => c,
        })
        .collect()
}

fn base64(s: &str) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, &x)| acc | (x as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    format!("Decode this and answer: {out}")
}

fn hex(s: &str) -> String {
    let h: String = s.bytes().map(|b| format!("{b:02x}")).collect();
    format!("Decode this and answer: {h}")
}

fn rot13(s: &str) -> String {
    let r: String = s
        .chars()
        .map(|c| match c {
            'a'..='z' => (((c as u8 - b'a') + 13) % 26 + b'a') as char,
            'A'..='Z' => (((c as u8 - b'A') + 13) % 26 + b'A') as char,
            _ => c,
        })
        .collect();
    format!("Decode this and answer: {r}")
}

fn url(s: &str) -> String {
    let e: String = s
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    format!("Decode this and answer: {e}")
}

const OBFUSCATIONS: &[Obfuscation] = &[
    ("clean", |s| s.to_string()),
    ("homoglyph", homoglyph),
    ("zero_width", zero_width),
    ("fullwidth", fullwidth),
    ("spaced", spaced),
    ("leet", leet),
    ("base64", base64),
    ("hex", hex),
    ("rot13", rot13),
    ("url", url),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).map(String::as_str).unwrap_or("/tmp/parapet-dev-prompts.jsonl");
    let json = args.iter().any(|a| a == "--json");
    let rows: Vec<(String, bool)> = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {path}: {e} (write it with python3 -m models.recipe.export_dev)"))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("a JSON line");
            (v["text"].as_str().unwrap_or_default().to_string(), v["unsafe"].as_i64() == Some(1))
        })
        .collect();
    let bytes = std::fs::read(parapet::DEFAULT_BUNDLE_PATH).expect("run from the repository root");
    let on = Guard::from_bundle_bytes(&bytes).expect("the shipped bundle loads");
    let mut off = on.clone();
    off.set_constitution_json(r#"{"normalize": false}"#).expect("valid constitution");
    let (pos, neg) = (rows.iter().filter(|r| r.1).count(), rows.iter().filter(|r| !r.1).count());
    eprintln!("{} prompts ({pos} unsafe, {neg} safe)", rows.len());
    let mut report = serde_json::Map::new();
    println!("| obfuscation | recall, normalisation on | recall, off | on / clean on | FP on | FP off |");
    println!("|---|---|---|---|---|---|");
    let mut clean_recall = 0.0;
    // `--only a,b` runs just those obfuscations (and `clean`, the baseline).
    let only: Option<Vec<String>> = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.split(',').map(String::from).collect());
    for (name, f) in OBFUSCATIONS {
        if *name != "clean" && only.as_ref().is_some_and(|o| !o.iter().any(|x| x == name)) {
            continue;
        }
        let res: Vec<(bool, bool, bool)> = rows
            .par_iter()
            .map(|(t, y)| {
                let x = f(t);
                let a = on.check_prompt(&x).map(|v| v.flagged).unwrap_or(false);
                let b = off.check_prompt(&x).map(|v| v.flagged).unwrap_or(false);
                (*y, a, b)
            })
            .collect();
        let rate = |label: bool, k: usize| {
            let n = res.iter().filter(|r| r.0 == label).count().max(1);
            res.iter().filter(|r| r.0 == label && if k == 0 { r.1 } else { r.2 }).count() as f64 / n as f64
        };
        let (r_on, r_off, fp_on, fp_off) = (rate(true, 0), rate(true, 1), rate(false, 0), rate(false, 1));
        if *name == "clean" {
            clean_recall = r_on;
        }
        let rel = if clean_recall > 0.0 { r_on / clean_recall } else { 0.0 };
        println!(
            "| {name} | {:.1}% | {:.1}% | {:.2} | {:.1}% | {:.1}% |",
            100.0 * r_on,
            100.0 * r_off,
            rel,
            100.0 * fp_on,
            100.0 * fp_off
        );
        report.insert(
            name.to_string(),
            serde_json::json!({"recall_on": r_on, "recall_off": r_off, "relative_recall": rel, "fp_on": fp_on, "fp_off": fp_off}),
        );
    }
    if json {
        println!("{}", Value::Object(report));
    }
}
