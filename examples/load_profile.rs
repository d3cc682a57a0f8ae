//! Where a guard's load time goes, phase by phase (native; the wasm build spends its time in
//! the same phases, ~3-5x slower). `cargo run --release --example load_profile [bundle]`
use std::time::Instant;

use parapet::{Bundle, Guard};
use tract_onnx::prelude::*;

fn main() -> anyhow_free::Result {
    let path = std::env::args().nth(1).unwrap_or("models/parapet-guard.parapet".into());
    let bytes = std::fs::read(&path)?;
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1000.0;
    for round in 0..2 {
        let t = Instant::now();
        let b = Bundle::from_bytes(&bytes)?;
        let verify = ms(t);
        let onnx = b.part("model.onnx").unwrap();
        let t = Instant::now();
        let mut m = tract_onnx::onnx()
            .with_ignore_value_info(true)
            .with_ignore_output_shapes(true)
            .model_for_read(&mut std::io::Cursor::new(onnx))?;
        let parse = ms(t);
        let bs = m.sym("B");
        let s = m.sym("S");
        for i in 0..3 {
            m.set_input_fact(i, i64::fact([bs.to_dim(), s.to_dim()]).into())?;
        }
        let t = Instant::now();
        let typed = m.into_typed()?;
        let typing = ms(t);
        let t = Instant::now();
        let decl = typed.into_decluttered()?;
        let declutter = ms(t);
        let t = Instant::now();
        let opt = decl.into_optimized()?;
        let optimize = ms(t);
        let t = Instant::now();
        let _plan = opt.into_runnable()?;
        let runnable = ms(t);
        let t = Instant::now();
        let g = Guard::from_bundle_bytes(&bytes)?;
        let guard = ms(t);
        println!("  guard.info().load_ms: {:?}", g.info().load_ms);
        println!(
            "round {round}: verify {verify:.0} ms, parse {parse:.0}, into_typed {typing:.0}, declutter {declutter:.0}, \
             optimize {optimize:.0}, runnable {runnable:.0}; Guard::from_bundle_bytes total {guard:.0} ms"
        );
    }
    Ok(())
}

mod anyhow_free {
    pub type Result = std::result::Result<(), Box<dyn std::error::Error>>;
}
