//! Image-check benchmarks (criterion): preprocessing alone and the whole check (preprocessing +
//! open_nsfw inference) for 224x224 and 4000x3000 RGBA inputs, native.
//!
//! `cargo bench --bench image` (the wasm twin is `node benches/image.mjs`).

use criterion::{criterion_group, criterion_main, Criterion};
use parapet::image::{preprocess, ImageBundle, Pixels};
use parapet::Guard;

fn rgba(w: usize, h: usize) -> Vec<u8> {
    let mut v = vec![0u8; w * h * 4];
    for (i, p) in v.chunks_mut(4).enumerate() {
        let (x, y) = (i % w, i / w);
        p.copy_from_slice(&[(x % 256) as u8, (y % 256) as u8, ((x ^ y) % 256) as u8, 255]);
    }
    v
}

fn bench(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read(root.join(parapet::DEFAULT_BUNDLE_PATH)).expect("text bundle");
    let img = std::fs::read(root.join(parapet::DEFAULT_IMAGE_BUNDLE_PATH)).expect("image bundle");
    let spec = ImageBundle::from_bytes(&img).expect("image bundle").manifest.image;
    let mut guard = Guard::from_bundle_bytes(&text).expect("guard");
    guard.load_image_bundle(&img).expect("image model");
    let mut g = c.benchmark_group("image");
    g.sample_size(10);
    for (w, h) in [(224usize, 224usize), (4000, 3000)] {
        let data = rgba(w, h);
        g.bench_function(format!("preprocess {w}x{h}"), |b| {
            b.iter(|| preprocess(&Pixels::new(&data, w, h, 4).expect("pixels"), &spec).expect("tensor"))
        });
        g.bench_function(format!("check_image_rgba {w}x{h}"), |b| {
            b.iter(|| guard.check_image_rgba(&data, w, h).expect("verdict"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
