//! Where a guard's load time goes, phase by phase (native; the wasm build spends its time in
//! the same phases, several times slower: `guard.info.loadMs` there).
//! `cargo run --release --example load_profile [bundle]`
use parapet::Guard;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).unwrap_or("models/parapet-guard.parapet".into());
    let bytes = std::fs::read(&path)?;
    for round in 0..3 {
        let l = Guard::from_bundle_bytes(&bytes)?.info().load_ms;
        println!(
            "round {round}: verify {:.0} ms, tokenizer {:.0}, model {:.0} (parse {:.0}, into_typed {:.0}, \
             declutter {:.0}, optimise {:.0}, probe {:.0}), exemplars {:.0}; total {:.0} ms",
            l.verify, l.tokenizer, l.model, l.model_parse, l.model_typed, l.model_declutter,
            l.model_optimize, l.model_validate, l.exemplars, l.total
        );
    }
    Ok(())
}
