//! # parapet
//!
//! An on-device safety guard. A small quantized guard model (MiniLM-L6 fine-tuned with
//! multi-label heads) is run by parapet's own int8 engine (or `tract-onnx`) on text tokenized
//! with `tokenizers`, and its calibrated category scores are judged against a user-supplied
//! **constitution**.
//!
//! Cargo features: `tract` (default) adds tract (any ONNX text or image graph, the f32 reference
//! engine) and the PNG/JPEG/WebP decoders; without it the crate is the "lite" build, which runs
//! only the int8 engines — the recipe's encoder, and plain-CNN image models on RGBA pixels — in
//! a much smaller `.wasm`.
//! `cli` (default; implies `tract`) builds the `parapet` command-line tool.
//!
//! The engine does no I/O: it takes the bytes of a `.parapet` bundle and returns verdicts.
//! The same code runs natively (library and the `parapet` CLI) and in WebAssembly
//! (`src/wasm/`, the only module that knows about JS).
//!
//! ```no_run
//! let bytes = std::fs::read("models/parapet-guard.parapet").unwrap();
//! let guard = parapet::Guard::from_bundle_bytes(&bytes).unwrap();
//! let verdict = guard.check_prompt("How do I bake bread?").unwrap();
//! assert!(!verdict.flagged);
//! ```

pub mod bundle;
pub mod constitution;
pub mod error;
pub mod exemplar;
pub mod guard;
pub mod image;
pub mod model;
pub mod normalize;
pub mod patterns;
pub mod stream;
pub mod taxonomy;
pub mod text;
pub mod verdict;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use bundle::{Bundle, Manifest};
pub use constitution::{
    Action, AllowSpec, AppliesTo, CheckKind, Constitution, ConstitutionSpec, CustomCategorySpec, PatternSpec,
    Preset, Source,
};
pub use error::{Error, Result};
pub use guard::{BundleInfo, Guard, ImageBundleInfo, LoadTimings, PreparedCheck, MAX_INPUT_BYTES};
pub use normalize::ViewKind;
pub use stream::{StreamOptions, StreamSession, StreamVerdict};
pub use image::{ImageBundle, MAX_ENCODED_BYTES, MAX_IMAGE_PIXELS};
pub use verdict::{CategoryResult, TextSpan, Timings, Verdict};

/// `"full"` (built with the `tract` feature) or `"lite"` (int8 engine only).
pub const BUILD: &str = if cfg!(feature = "tract") { "full" } else { "lite" };

/// Path of the default bundle inside this repository (the CLI's default `--model`).
pub const DEFAULT_BUNDLE_PATH: &str = "models/parapet-guard.parapet";

/// Path of the default image bundle (open_nsfw) inside this repository (the CLI embeds it).
pub const DEFAULT_IMAGE_BUNDLE_PATH: &str = "models/open-nsfw.parapet";
