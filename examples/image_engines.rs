//! Compares the image model on parapet's int8 CNN engine with tract (the f32 reference) on the
//! test images: output probabilities and logits (`log p1 - log p0` for a two-class softmax),
//! worst differences, decisions at every preset threshold, and time per inference.
//!
//!     cargo run --release --example image_engines [-- BUNDLE [IMAGE_DIR]]
use parapet::image::{decode, preprocess, ImageBundle, ImageModel};
use parapet::model::EngineChoice;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bundle = args.first().map_or("models/open-nsfw.parapet", String::as_str);
    let dir = args.get(1).map_or("tests/fixtures/images", String::as_str);
    let b = ImageBundle::from_bytes(&std::fs::read(bundle).expect("read the bundle")).expect("a valid image bundle");
    let t = Instant::now();
    let int8 = ImageModel::from_bundle_with(&b, EngineChoice::Int8).expect("the int8 engine recognises the model");
    let load_int8 = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let tract = ImageModel::from_bundle_with(&b, EngineChoice::Tract).expect("tract loads the model");
    let load_tract = t.elapsed().as_secs_f64() * 1e3;
    let mut names: Vec<_> = std::fs::read_dir(dir).expect("read the image directory").flatten().map(|e| e.path()).collect();
    names.retain(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("png" | "jpg" | "webp")));
    names.sort();
    let (mut worst_p, mut worst_logit, mut flips) = (0f32, 0f32, 0);
    let (mut ti, mut tt) = (vec![], vec![]);
    let logit = |r: &[f32]| if r.len() == 2 { r[1].max(1e-30).ln() - r[0].max(1e-30).ln() } else { r[0] };
    for p in &names {
        let d = decode(&std::fs::read(p).unwrap()).unwrap();
        let x = preprocess(&d.pixels(), int8.spec()).unwrap();
        let t = Instant::now();
        let a = int8.run_raw(x.clone()).unwrap();
        ti.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let r = tract.run_raw(x).unwrap();
        tt.push(t.elapsed().as_secs_f64() * 1e3);
        let dp = a.iter().zip(&r).map(|(x, y)| (x - y).abs()).fold(0f32, f32::max);
        let dl = (logit(&a) - logit(&r)).abs();
        worst_p = worst_p.max(dp);
        worst_logit = worst_logit.max(dl);
        for l in &int8.spec().labels {
            let th = &l.thresholds;
            for t in [th.strict, th.balanced, th.permissive] {
                if (a[l.index] >= t) != (r[l.index] >= t) {
                    flips += 1;
                }
            }
        }
        println!("{:<28} int8 {:?}  tract {:?}  |dp| {dp:.2e}  |dlogit| {dl:.3}", p.file_name().unwrap().to_string_lossy(), a, r);
    }
    let med = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "{} images: worst |dp| {worst_p:.3e}, worst |dlogit| {worst_logit:.3}, decisions changed {flips}; \
         load int8 {load_int8:.0} ms / tract {load_tract:.0} ms; inference median int8 {:.1} ms / tract {:.1} ms",
        names.len(),
        med(&mut ti),
        med(&mut tt)
    );
}
