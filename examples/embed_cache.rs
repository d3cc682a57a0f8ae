//! Adds (or refreshes) the `embeddings.bin` part of a text-guard bundle: the engine's default
//! exemplars and background prompts embedded by this very model, so loading the guard does not
//! run the model over them (most of a cold start otherwise). The recipe runs it after writing
//! the bundle (`models/recipe/run.sh`).
//!
//!     cargo run --release --example embed_cache -- models/parapet-guard.parapet [out]
use parapet::bundle::{encode_embedding_cache, EMBEDDING_CACHE_PART};
use parapet::model::EngineChoice;
use parapet::{Bundle, Guard};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: embed_cache <bundle> [out]")?;
    let out = args.next().unwrap_or_else(|| path.clone());
    let bundle = Bundle::from_bytes(&std::fs::read(&path)?)?;
    // Every part but an old cache, in manifest order.
    let refs: Vec<(&str, &[u8])> =
        bundle.parts_in_order().into_iter().filter(|(n, _)| *n != EMBEDDING_CACHE_PART).collect();
    // Embed with the model itself, from a bundle without the cache.
    // tract: the reference engine (the int8 engine is checked against this part at load).
    let guard = Guard::from_bundle_bytes_with(&Bundle::write(&bundle.manifest, &refs), None, EngineChoice::Tract)?;
    let mut texts = guard.default_texts();
    texts.sort();
    texts.dedup();
    let embs = guard.embed_texts(&texts)?;
    let entries: Vec<(String, Vec<f32>)> = texts.into_iter().zip(embs.iter().map(|e| e.to_vec())).collect();
    let part = encode_embedding_cache(bundle.manifest.model.embedding_dim, &entries);
    let mut parts = refs.clone();
    parts.push((EMBEDDING_CACHE_PART, &part));
    let bytes = Bundle::write(&bundle.manifest, &parts);
    let check = Bundle::from_bytes(&bytes)?;
    std::fs::write(&out, &bytes)?;
    println!(
        "{out}: {} embeddings ({} bytes) in '{EMBEDDING_CACHE_PART}'; bundle {} bytes, sha256 {}",
        entries.len(),
        part.len(),
        bytes.len(),
        check.sha256
    );
    Ok(())
}
