//! Fits the short-window cascade's gates (`fine_gate` of the `unsafe` and `prompt_attack` heads
//! in the bundle manifest) on long dev texts from `python -m models.recipe.gate_cases`: harmful
//! or attack passages hidden in benign text, and long benign documents.
//!
//! Every window of every case (full and short) is scored once with the guard's own engine; then
//! each pair of gates on a grid is tried without running the model again
//! ([`Guard::complete_gated`]), at the default constitution's `balanced` preset. The fit keeps
//! what short windows catch: of the harmful cases that running *every* short window flags and
//! running none misses (the rescues), it may lose at most `--tolerance` (default 5 %); among
//! the gates that do so it takes the one that runs the fewest short windows on the benign cases.
//!
//! `cargo run --release --example fit_gates -- BUNDLE [CASES] [--json OUT] [--write]`
//! (CASES defaults to /tmp/parapet-gate-cases.jsonl; `--write` stores the fitted gates in
//! BUNDLE's manifest, every part kept; the recipe's run.sh does this.)
use parapet::bundle::Bundle;
use parapet::guard::PreparedCheck;
use parapet::Guard;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

const GRID: [f32; 13] = [0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.7, 2.0];

struct Case {
    label: bool,
    kind: String,
    prepared: PreparedCheck,
    probs: Vec<Vec<f32>>,
    embs: Vec<Vec<f32>>,
    /// Whether flagged, by the short windows kept (most gates keep the same ones).
    memo: HashMap<Vec<usize>, bool>,
}

#[derive(Clone, Default)]
struct Tally {
    flagged: usize,
    fine: usize,
    opened: usize,
    n: usize,
}

fn gate_name(g: f32) -> String {
    if g > 1.0 {
        "off".into()
    } else {
        format!("{g}")
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |f: &str| args.iter().position(|a| a == f);
    let json_out = flag("--json").and_then(|i| args.get(i + 1)).cloned();
    let write = flag("--write").is_some();
    let tolerance: f64 = flag("--tolerance").and_then(|i| args.get(i + 1)).map_or(Ok(0.05), |s| s.parse())?;
    let pos: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with("--") && (*i == 0 || !["--json", "--tolerance"].contains(&args[i - 1].as_str())))
        .map(|(_, a)| a)
        .collect();
    let path = pos.first().ok_or("usage: fit_gates BUNDLE [CASES] [--json OUT] [--write] [--tolerance 0.05]")?.to_string();
    let cases_path = pos.get(1).map_or("/tmp/parapet-gate-cases.jsonl".to_string(), |s| s.to_string());
    let bytes = std::fs::read(&path)?;
    let guard = Guard::from_bundle_bytes(&bytes)?;
    let heads: Vec<String> = guard.manifest().heads.iter().map(|h| h.id.clone()).collect();
    let iu = heads.iter().position(|h| h == "unsafe").ok_or("the bundle has no unsafe head")?;
    let ia = heads.iter().position(|h| h == "prompt_attack").ok_or("the bundle has no prompt_attack head")?;

    let mut cases = Vec::new();
    for line in std::fs::read_to_string(&cases_path)?.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line)?;
        let prompt = v["prompt"].as_str().ok_or("case without prompt")?;
        let prepared = match v["response"].as_str() {
            Some(r) => guard.prepare_response(prompt, r)?,
            None => guard.prepare_prompt(prompt)?,
        };
        let (probs, embs) = guard.run_windows(prepared.windows())?;
        cases.push(Case {
            label: v["label"].as_i64() == Some(1),
            kind: v["kind"].as_str().unwrap_or("").to_string(),
            prepared,
            probs,
            embs,
            memo: HashMap::new(),
        });
    }
    eprintln!("{} cases scored", cases.len());

    let gates_for = |gu: f32, ga: f32| -> Vec<Option<f32>> {
        (0..heads.len()).map(|i| if i == iu { Some(gu) } else if i == ia { Some(ga) } else { None }).collect()
    };
    // Per kind tallies under a pair of gates.
    let mut run = |gu: f32, ga: f32| -> Result<BTreeMap<String, Tally>, Box<dyn std::error::Error>> {
        let gates = gates_for(gu, ga);
        let mut out: BTreeMap<String, Tally> = BTreeMap::new();
        for c in cases.iter_mut() {
            let fine = Guard::gated_windows(&c.prepared, &c.probs, &gates);
            let k = fine.len();
            let flagged = match c.memo.get(&fine) {
                Some(&f) => f,
                None => {
                    let f = guard.complete_gated(&c.prepared, &c.probs, &c.embs, &gates)?.0.flagged;
                    c.memo.insert(fine, f);
                    f
                }
            };
            for key in [c.kind.clone(), if c.label { "ALL harmful".into() } else { "ALL benign".into() }] {
                let t = out.entry(key).or_default();
                t.n += 1;
                t.flagged += flagged as usize;
                t.fine += k;
                t.opened += (k > 0) as usize;
            }
        }
        Ok(out)
    };
    let always = run(0.0, 0.0)?;
    let never = run(2.0, 2.0)?;
    let legacy = run(parapet::guard::FINE_GATE, parapet::guard::FINE_GATE)?;
    let caught_all = always["ALL harmful"].flagged;
    let caught_none = never["ALL harmful"].flagged;
    let rescues = caught_all.saturating_sub(caught_none);
    let allowed = (rescues as f64 * tolerance).floor() as usize;
    let mut best: Option<(usize, usize, f32, f32, BTreeMap<String, Tally>)> = None;
    let mut grid_rows = Vec::new();
    for &gu in &GRID {
        for &ga in &GRID {
            let t = run(gu, ga)?;
            let (h, b) = (&t["ALL harmful"], &t["ALL benign"]);
            grid_rows.push(json!({"unsafe": gate_name(gu), "prompt_attack": gate_name(ga),
                "harmful_flagged": h.flagged, "benign_flagged": b.flagged, "benign_short_windows": b.fine,
                "harmful_short_windows": h.fine}));
            if h.flagged + allowed < caught_all {
                continue;
            }
            // fewest benign short windows; then fewest benign flags; then higher gates
            let key = (b.fine, b.flagged);
            if best.as_ref().is_none_or(|x| key < (x.0, x.1) || (key == (x.0, x.1) && gu + ga > x.2 + x.3)) {
                best = Some((b.fine, b.flagged, gu, ga, t));
            }
        }
    }
    let (_, _, gu, ga, chosen) = best.ok_or("no gate keeps the rescues")?;
    let table = |name: &str, t: &BTreeMap<String, Tally>| -> Value {
        let kinds: BTreeMap<String, Value> = t
            .iter()
            .map(|(k, v)| {
                (k.clone(), json!({"n": v.n, "flagged": v.flagged, "opened": v.opened, "short_windows": v.fine}))
            })
            .collect();
        json!({"gates": name, "kinds": kinds})
    };
    println!(
        "{} harmful / {} benign cases; harmful flagged: every short window {caught_all}, none {caught_none}, \
         so {rescues} rescues, {allowed} may be lost",
        always["ALL harmful"].n,
        always["ALL benign"].n
    );
    println!("fitted gates: unsafe {}, prompt_attack {}", gate_name(gu), gate_name(ga));
    println!("| kind | n | always: flagged / opened / short | 0.01 gate | fitted | none: flagged |");
    println!("|---|---|---|---|---|---|");
    for (k, a) in &always {
        let (l, f, n) = (&legacy[k], &chosen[k], &never[k]);
        println!(
            "| {k} | {} | {} / {} / {} | {} / {} / {} | {} / {} / {} | {} |",
            a.n, a.flagged, a.opened, a.fine, l.flagged, l.opened, l.fine, f.flagged, f.opened, f.fine, n.flagged
        );
    }
    let report = json!({
        "bundle_version": guard.manifest().version,
        "cases": cases.len(),
        "tolerance": tolerance,
        "rescues": rescues,
        "fitted": {"unsafe": gate_name(gu), "prompt_attack": gate_name(ga)},
        "tables": [table("every short window", &always), table("legacy 0.01", &legacy), table("fitted", &chosen),
                   table("no short windows", &never)],
        "grid": grid_rows,
    });
    if let Some(out) = json_out {
        std::fs::write(&out, serde_json::to_string_pretty(&report)?)?;
    }
    if write {
        let bundle = Bundle::from_bytes(&bytes)?;
        let mut m = bundle.manifest.clone();
        for (i, h) in m.heads.iter_mut().enumerate() {
            h.fine_gate = if i == iu && gu <= 1.0 {
                Some(gu)
            } else if i == ia && ga <= 1.0 {
                Some(ga)
            } else {
                None
            };
        }
        if m.heads.iter().all(|h| h.fine_gate.is_none()) {
            // both "off" would read as "no fitted gates"; keep the cascade shut instead
            m.heads[iu].fine_gate = Some(1.0);
        }
        let out = Bundle::write(&m, &bundle.parts_in_order());
        let check = Bundle::from_bytes(&out)?;
        std::fs::write(&path, &out)?;
        println!("{path}: gates written; bundle {} bytes, sha256 {}", out.len(), check.sha256);
    }
    Ok(())
}
