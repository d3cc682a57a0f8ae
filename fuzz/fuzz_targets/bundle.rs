//! Bundle loader: raw bytes, and bytes re-sealed with a valid sha256 trailer so the manifest
//! and part table are parsed too. Text and image bundles; never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use parapet::bundle::Bundle;
use parapet::ImageBundle;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let bytes = if mode & 1 == 1 { reseal(rest) } else { rest.to_vec() };
    if let Err(e) = Bundle::from_bytes(&bytes) {
        assert_eq!(e.name(), "BundleError");
    }
    match ImageBundle::from_bytes(&bytes) {
        Ok(b) => {
            // A parsed image bundle's model must load or fail cleanly.
            let _ = parapet::image::ImageModel::from_bundle(&b);
        }
        Err(e) => assert_eq!(e.name(), "BundleError"),
    }
});

/// Replaces the last 32 bytes with the sha256 of the rest (the bundle trailer).
fn reseal(b: &[u8]) -> Vec<u8> {
    if b.len() < 32 {
        return b.to_vec();
    }
    let body = &b[..b.len() - 32];
    let mut out = body.to_vec();
    out.extend_from_slice(&parapet::bundle::sha256(body));
    out
}
