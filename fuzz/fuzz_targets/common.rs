// Shared by the fuzz targets: the shipped guard, loaded once per process.
use parapet::Guard;
use std::sync::OnceLock;

pub fn guard() -> &'static Guard {
    static G: OnceLock<Guard> = OnceLock::new();
    G.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let bytes = std::fs::read(dir.join(parapet::DEFAULT_BUNDLE_PATH)).expect("the shipped bundle");
        let mut g = Guard::from_bundle_bytes(&bytes).expect("the shipped bundle loads");
        let tiny = std::fs::read(dir.join("tests/fixtures/tiny-red.parapet")).expect("tiny image bundle");
        g.load_image_bundle(&tiny).expect("the tiny image bundle loads");
        g
    })
}
