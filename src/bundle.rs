//! The `.parapet` bundle: one file holding the ONNX model, `tokenizer.json` and a manifest.
//!
//! Layout (see `docs/BUNDLE_FORMAT.md`): magic `PARAPET\0`, u32 LE format version, u32 LE
//! manifest length, manifest JSON, the parts, and a trailing sha256 of everything before it.
//! Everything is validated here, before a single byte reaches tract or tokenizers, and every
//! failure is a distinct [`Error::Bundle`] code.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::ops::Range;

/// A caller-supplied file hash must be 64 hex digits.
pub(crate) fn check_sha256_arg(h: &str) -> Result<()> {
    if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::input(
            "INVALID_ARGUMENT",
            "sha256 must be the bundle file's sha256 as 64 hex digits (or be left out)",
        ));
    }
    Ok(())
}

/// The 8 bytes every bundle starts with.
pub const MAGIC: &[u8; 8] = b"PARAPET\0";
/// The newest bundle format this build reads.
pub const FORMAT_VERSION: u32 = 1;
const HEADER_LEN: usize = 16;
const TRAILER_LEN: usize = 32;
/// Manifests are small JSON; anything bigger is corruption, not a manifest.
const MAX_MANIFEST_LEN: usize = 4 * 1024 * 1024;

/// Per-preset default thresholds of one head, chosen on dev data by the recipe.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct PresetThresholds {
    /// Lower threshold: catches more, flags more benign text.
    pub strict: f32,
    /// The default: best F1 on dev.
    pub balanced: f32,
    /// Higher threshold: flags less, misses more.
    pub permissive: f32,
}

/// One output head of the guard model.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HeadSpec {
    /// Category id (`unsafe`, `hate`, `prompt_attack`, ...).
    pub id: String,
    /// Temperature for calibration: probability = sigmoid(logit / temperature).
    #[serde(default = "one")]
    pub temperature: f32,
    /// Default thresholds per preset.
    pub thresholds: PresetThresholds,
    /// Gate of the short-window cascade, fitted by the recipe on diluted dev text
    /// (`examples/fit_gates.rs`): a full window whose probability for this head reaches it gets
    /// its short windows scored. Heads without one do not open the cascade; a bundle where no
    /// head has one uses the engine's default gate ([`crate::guard::FINE_GATE`] on `unsafe`
    /// and `prompt_attack`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine_gate: Option<f32>,
}

fn one() -> f32 {
    1.0
}

/// Names of the special tokens the engine inserts around windows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TokenizerSpec {
    /// Classification token opening every sequence.
    #[serde(default = "cls")]
    pub cls_token: String,
    /// Separator token closing each segment.
    #[serde(default = "sep")]
    pub sep_token: String,
    /// Id used for padding in batches.
    #[serde(default)]
    pub pad_id: u32,
}

fn cls() -> String {
    "[CLS]".into()
}
fn sep() -> String {
    "[SEP]".into()
}

impl Default for TokenizerSpec {
    fn default() -> Self {
        TokenizerSpec { cls_token: cls(), sep_token: sep(), pad_id: 0 }
    }
}

/// Names of the ONNX graph's inputs and outputs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ModelSpec {
    /// Input names in the order `input_ids`, `attention_mask`, `token_type_ids`.
    pub inputs: Vec<String>,
    /// Name of the `[batch, heads]` logits output.
    pub logits_output: String,
    /// Name of the `[batch, dim]` pooled, L2-normalised embedding output.
    pub embedding_output: String,
    /// Width of the embedding.
    pub embedding_dim: usize,
}

/// Where one part lives inside the data section.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PartSpec {
    /// Part name, e.g. `model.onnx`.
    pub name: String,
    /// Offset from the start of the data section.
    pub offset: u64,
    /// Length in bytes.
    pub length: u64,
    /// Lower-case hex sha256 of the part.
    pub sha256: String,
}

/// The bundle manifest (unknown keys are ignored so newer recipes stay readable).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// Bundle format version (must not exceed [`FORMAT_VERSION`]).
    pub format_version: u32,
    /// `text-guard` for text bundles (`image-guard` bundles are read by [`crate::image::ImageBundle`]).
    pub kind: String,
    /// Model name.
    pub name: String,
    /// Model version.
    pub version: String,
    /// Licence of the model weights.
    #[serde(default)]
    pub license: String,
    /// Longest sequence (special tokens included) the engine feeds the model.
    pub max_seq_len: usize,
    /// Special tokens.
    #[serde(default)]
    pub tokenizer: TokenizerSpec,
    /// Graph input/output names.
    pub model: ModelSpec,
    /// Output heads in logit order.
    pub heads: Vec<HeadSpec>,
    /// Parts in the data section.
    pub parts: Vec<PartSpec>,
    /// Everything else the recipe wrote (kept for `info`).
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A validated bundle: manifest plus its verified parts.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// The manifest.
    pub manifest: Manifest,
    /// sha256 (hex) of the whole file, what a web app pins.
    pub sha256: String,
    /// The whole file; parts are ranges of it (no copy per part).
    data: Vec<u8>,
    parts: BTreeMap<String, Range<usize>>,
}

/// sha256 of `bytes` (the bundle trailer is this digest of everything before it).
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    update_chunked(&mut h, bytes);
    h.finalize().into()
}

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha256(bytes))
}

/// Feeds `bytes` to `h` 64 KB at a time. The same digest; in wasm it is much faster for large
/// inputs: one `update` over a whole 24 MB bundle is one call of the compression loop, which V8
/// runs to the end in its baseline code (optimised code is only used from the next call on),
/// whereas many calls let the optimised code take over after the first few.
fn update_chunked(h: &mut Sha256, bytes: &[u8]) {
    for c in bytes.chunks(1 << 16) {
        h.update(c);
    }
}

/// Lower-case hex of a digest.
fn hex(digest: &[u8]) -> String {
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(b)
}

/// The fields every manifest has, whatever its kind.
#[derive(Deserialize)]
struct Envelope {
    format_version: u32,
    kind: String,
    parts: Vec<PartSpec>,
}

/// A verified bundle container of any kind: header, manifest JSON, parts and trailer checked,
/// the kind-specific manifest not yet interpreted (`Bundle` and `ImageBundle` do that).
#[derive(Debug, Clone)]
pub(crate) struct Container {
    /// The manifest's `kind`.
    pub(crate) kind: String,
    /// The manifest JSON as parsed.
    pub(crate) manifest: serde_json::Value,
    /// sha256 (hex) of the whole file.
    pub(crate) sha256: String,
    /// The whole file.
    pub(crate) data: Vec<u8>,
    /// The verified parts by name: ranges of `data`.
    pub(crate) parts: BTreeMap<String, Range<usize>>,
}

impl Container {
    /// Parses and verifies a bundle container. Nothing is trusted before it is checked: magic,
    /// version, lengths, the manifest and the whole-file trailer hash (which covers every byte;
    /// when it fails, each part's own sha256 is checked so the error names the damaged part).
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Container> {
        Container::from_vec_hashed(bytes.to_vec(), None)
    }

    /// As [`Container::from_bytes`], taking the file's bytes (kept as they are: parts are
    /// ranges of them); with `known_sha256` (the file's sha256, already computed and its trailer
    /// already checked by the caller, e.g. with WebCrypto) nothing is hashed.
    pub(crate) fn from_vec_hashed(data: Vec<u8>, known_sha256: Option<&str>) -> Result<Container> {
        let bytes = data.as_slice();
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(Error::bundle(
                "BAD_MAGIC",
                "this is not a parapet model bundle (it does not start with PARAPET\\0); \
                 pass the bytes of a .parapet file, e.g. models/parapet-guard.parapet",
            ));
        }
        if bytes.len() < HEADER_LEN + TRAILER_LEN {
            return Err(Error::bundle(
                "TRUNCATED",
                format!("the bundle is truncated ({} bytes); download it again", bytes.len()),
            ));
        }
        let version = read_u32(bytes, 8);
        if version > FORMAT_VERSION {
            return Err(Error::bundle(
                "UNSUPPORTED_VERSION",
                format!(
                    "the bundle uses format version {version}, but this parapet reads versions up \
                     to {FORMAT_VERSION}; upgrade parapet to load it"
                ),
            ));
        }
        if version == 0 {
            return Err(Error::bundle("UNSUPPORTED_VERSION", "bundle format version 0 is invalid"));
        }
        let manifest_len = read_u32(bytes, 12) as usize;
        let body_end = bytes.len() - TRAILER_LEN;
        if manifest_len > MAX_MANIFEST_LEN || HEADER_LEN + manifest_len > body_end {
            return Err(Error::bundle(
                "TRUNCATED",
                format!(
                    "the bundle header announces a {manifest_len}-byte manifest but the file has \
                     {} bytes; it is truncated or corrupt, download it again",
                    bytes.len()
                ),
            ));
        }
        // One pass over the file gives both the trailer check and the file's own sha256 (hashing
        // 24 MB is slow in wasm: each pass costs ~0.3-0.6 s of a cold start).
        let (trailer_ok, file_sha256) = match known_sha256 {
            Some(h) => (true, h.to_ascii_lowercase()),
            None => {
                let mut hasher = Sha256::new();
                update_chunked(&mut hasher, &bytes[..body_end]);
                let ok = hasher.clone().finalize().as_slice() == &bytes[body_end..];
                hasher.update(&bytes[body_end..]);
                (ok, hex(&hasher.finalize()))
            }
        };
        let manifest_bytes = &bytes[HEADER_LEN..HEADER_LEN + manifest_len];
        let parsed = serde_json::from_slice::<serde_json::Value>(manifest_bytes)
            .and_then(|v| serde_json::from_value::<Envelope>(v.clone()).map(|e| (v, e)));
        let (value, envelope) = match parsed {
            Ok(m) => m,
            Err(e) if !trailer_ok => {
                return Err(Error::bundle(
                    "HASH_MISMATCH",
                    format!(
                        "sha256 mismatch: the bundle's manifest is corrupt ({e}); the file was \
                         truncated or tampered with, download it again"
                    ),
                ))
            }
            Err(e) => {
                return Err(Error::bundle("BAD_MANIFEST", format!("the bundle manifest is invalid: {e}")))
            }
        };
        let base = HEADER_LEN + manifest_len;
        let body = &bytes[base..body_end];
        let mut parts = BTreeMap::new();
        for p in &envelope.parts {
            let end = p.offset.checked_add(p.length);
            let range = match end {
                Some(end) if end <= body.len() as u64 => p.offset as usize..end as usize,
                _ => {
                    return Err(Error::bundle(
                        "TRUNCATED",
                        format!(
                            "part '{}' ({} bytes at offset {}) lies beyond the end of the bundle; \
                             it is truncated, download it again",
                            p.name, p.length, p.offset
                        ),
                    ))
                }
            };
            let part = &body[range.clone()];
            // The trailer covers every byte; when it fails, the parts' own hashes say which
            // part is damaged.
            let actual = if trailer_ok { None } else { Some(sha256_hex(part)) };
            if let Some(actual) = actual.filter(|a| !a.eq_ignore_ascii_case(&p.sha256)) {
                return Err(Error::bundle(
                    "HASH_MISMATCH",
                    format!(
                        "sha256 mismatch in part '{}': expected {}, got {actual}; the bundle is \
                         corrupted or was tampered with, download it again",
                        p.name, p.sha256
                    ),
                ));
            }
            parts.insert(p.name.clone(), base + range.start..base + range.end);
        }
        if !trailer_ok {
            return Err(Error::bundle(
                "HASH_MISMATCH",
                "sha256 mismatch in the bundle header or manifest (the trailing checksum does not \
                 match); the bundle is corrupted or was tampered with, download it again",
            ));
        }
        // Only after the checksum: a flipped digit in the manifest is tampering, not a bad
        // manifest.
        if envelope.format_version != version {
            return Err(Error::bundle(
                "BAD_MANIFEST",
                format!(
                    "the manifest says format version {} but the header says {version}",
                    envelope.format_version
                ),
            ));
        }
        Ok(Container { kind: envelope.kind, manifest: value, sha256: file_sha256, data, parts })
    }

    /// The manifest as the kind-specific type (`BAD_MANIFEST` when it does not fit).
    pub(crate) fn typed_manifest<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_value(self.manifest.clone()).map_err(|e| {
            Error::bundle("BAD_MANIFEST", format!("the bundle manifest is invalid: {e}"))
        })
    }
}

impl Bundle {
    /// Parses and verifies a bundle. Nothing is trusted before it is checked: magic, version,
    /// lengths, the manifest and the whole-file trailer hash (part hashes name the damaged part
    /// when it fails).
    pub fn from_bytes(bytes: &[u8]) -> Result<Bundle> {
        Bundle::from_bytes_hashed(bytes, None)
    }

    /// As [`Bundle::from_bytes`], for a caller that has already checked the trailer and
    /// computed the file's sha256 (`known_sha256`, 64 hex digits): the bundle is parsed and
    /// validated but not hashed again (hashing 24 MB takes about a second in wasm; parapet's JS
    /// loader does it with WebCrypto). Pass only a hash computed over exactly these bytes.
    pub fn from_bytes_hashed(bytes: &[u8], known_sha256: Option<&str>) -> Result<Bundle> {
        Bundle::from_vec_hashed(bytes.to_vec(), known_sha256)
    }

    /// As [`Bundle::from_bytes_hashed`], taking ownership of the file's bytes: the parts stay
    /// where they are (a 24 MB bundle is not copied again; what the wasm binding and the CLI use).
    pub fn from_vec_hashed(bytes: Vec<u8>, known_sha256: Option<&str>) -> Result<Bundle> {
        if let Some(h) = known_sha256 {
            check_sha256_arg(h)?;
        }
        Bundle::from_container(Container::from_vec_hashed(bytes, known_sha256)?)
    }

    /// As [`Bundle::from_vec_hashed`] for a caller that hashes the file *while* the guard loads
    /// (parapet's JS loader: WebCrypto runs on another thread, so the two ~24 MB digests no
    /// longer come before the load). The bundle is parsed and validated as usual (a corrupt
    /// file still gets a clear error, never a trap) but its `sha256` is empty until the caller
    /// has checked the trailer and calls `Guard::confirm_sha256`; a caller that cannot
    /// confirm it must drop the guard.
    pub fn from_vec_verify_later(bytes: Vec<u8>) -> Result<Bundle> {
        Bundle::from_container(Container::from_vec_hashed(bytes, Some(""))?)
    }

    fn from_container(c: Container) -> Result<Bundle> {
        if c.kind != "text-guard" {
            let hint = if c.kind == "image-guard" {
                " (load image bundles with Guard::load_image_bundle / guard.loadImageModel)"
            } else {
                ""
            };
            return Err(Error::bundle(
                "WRONG_KIND",
                format!(
                    "this bundle is a '{}' bundle; a text guard needs a 'text-guard' bundle{hint}",
                    c.kind
                ),
            ));
        }
        let manifest: Manifest = c.typed_manifest()?;
        let bundle = Bundle { sha256: c.sha256, manifest, data: c.data, parts: c.parts };
        bundle.validate()?;
        Ok(bundle)
    }

    fn validate(&self) -> Result<()> {
        let m = &self.manifest;
        if m.kind != "text-guard" {
            return Err(Error::bundle(
                "WRONG_KIND",
                format!("this bundle is a '{}' bundle; a text guard needs a 'text-guard' bundle", m.kind),
            ));
        }
        for name in ["model.onnx", "tokenizer.json"] {
            if !self.parts.contains_key(name) {
                return Err(Error::bundle(
                    "MISSING_PART",
                    format!("the bundle has no '{name}' part; rebuild it with models/recipe"),
                ));
            }
        }
        if m.heads.is_empty() {
            return Err(Error::bundle("BAD_MANIFEST", "the manifest lists no heads"));
        }
        if m.model.inputs.len() != 3 {
            return Err(Error::bundle(
                "BAD_MANIFEST",
                "model.inputs must name input_ids, attention_mask and token_type_ids",
            ));
        }
        if !(8..=4096).contains(&m.max_seq_len) {
            return Err(Error::bundle(
                "BAD_MANIFEST",
                format!("max_seq_len {} is outside 8..=4096", m.max_seq_len),
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for h in &m.heads {
            if !seen.insert(h.id.as_str()) {
                return Err(Error::bundle("BAD_MANIFEST", format!("head '{}' is listed twice", h.id)));
            }
            let t = &h.thresholds;
            let ok = |x: f32| (0.0..=1.0).contains(&x);
            if !(h.temperature.is_finite() && h.temperature > 0.0)
                || !(ok(t.strict) && ok(t.balanced) && ok(t.permissive))
                || h.fine_gate.is_some_and(|g| !ok(g))
            {
                return Err(Error::bundle(
                    "BAD_MANIFEST",
                    format!("head '{}' has an invalid temperature, threshold or fine_gate", h.id),
                ));
            }
        }
        Ok(())
    }

    /// The bytes of a named part, if present.
    pub fn part(&self, name: &str) -> Option<&[u8]> {
        self.parts.get(name).and_then(|r| self.data.get(r.clone()))
    }

    /// Every part as `(name, bytes)`, in manifest order: what [`Bundle::write`] takes to write
    /// the same bundle again (e.g. under a changed manifest), without copying the parts.
    pub fn parts_in_order(&self) -> Vec<(&str, &[u8])> {
        self.manifest.parts.iter().filter_map(|p| Some((p.name.as_str(), self.part(&p.name)?))).collect()
    }

    /// Writes a bundle (used by tests and tools; the recipe has a Python twin).
    /// `manifest.parts` is filled in from `parts`.
    pub fn write(manifest: &Manifest, parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut manifest = manifest.clone();
        manifest.parts.clear();
        let mut offset = 0u64;
        for (name, bytes) in parts {
            manifest.parts.push(PartSpec {
                name: name.to_string(),
                offset,
                length: bytes.len() as u64,
                sha256: sha256_hex(bytes),
            });
            offset += bytes.len() as u64;
        }
        // Serialising a manifest of plain strings and numbers cannot fail.
        let json = serde_json::to_vec(&manifest).unwrap_or_default();
        let mut out = Vec::with_capacity(HEADER_LEN + json.len() + offset as usize + TRAILER_LEN);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&manifest.format_version.to_le_bytes());
        out.extend_from_slice(&(json.len() as u32).to_le_bytes());
        out.extend_from_slice(&json);
        for (_, bytes) in parts {
            out.extend_from_slice(bytes);
        }
        let digest = sha256(&out);
        out.extend_from_slice(&digest);
        out
    }
}

/// Name of the optional part that holds precomputed embeddings of the engine's default
/// exemplars and background prompts, so a guard loads without running the model over them
/// (most of a cold start otherwise). Written by `cargo run --release --example embed_cache`.
pub const EMBEDDING_CACHE_PART: &str = "embeddings.bin";
const EMBEDDING_CACHE_MAGIC: &[u8; 4] = b"PEC1";

/// Encodes an embedding cache part: `b"PEC1"`, u32 LE dim, u32 LE count, then per entry
/// u32 LE text length, the UTF-8 text, `dim` f32 LE.
pub fn encode_embedding_cache(dim: usize, entries: &[(String, Vec<f32>)]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(EMBEDDING_CACHE_MAGIC);
    out.extend_from_slice(&(dim as u32).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    for (text, emb) in entries {
        out.extend_from_slice(&(text.len() as u32).to_le_bytes());
        out.extend_from_slice(text.as_bytes());
        for x in emb {
            out.extend_from_slice(&x.to_le_bytes());
        }
    }
    out
}

/// Decodes an embedding cache part, checking every length, the dimension, UTF-8 and that
/// every value is finite (`BAD_PART` otherwise).
pub fn decode_embedding_cache(bytes: &[u8], dim: usize) -> Result<Vec<(String, Vec<f32>)>> {
    let bad = |why: String| {
        Error::bundle(
            "BAD_PART",
            format!(
                "the bundle's '{EMBEDDING_CACHE_PART}' part is malformed ({why}); rebuild it with \
                 `cargo run --release --example embed_cache -- <bundle>`"
            ),
        )
    };
    let mut at = 0usize;
    let mut take = |n: usize| -> Result<&[u8]> {
        let end = at.checked_add(n).filter(|&e| e <= bytes.len());
        match end {
            Some(e) => {
                let s = &bytes[at..e];
                at = e;
                Ok(s)
            }
            None => Err(bad(format!("it ends early, at byte {}", bytes.len()))),
        }
    };
    let u32_at = |s: &[u8]| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize;
    if take(4)? != EMBEDDING_CACHE_MAGIC {
        return Err(bad("it does not start with PEC1".into()));
    }
    let d = u32_at(take(4)?);
    if d != dim {
        return Err(bad(format!("its embeddings have {d} dimensions, the model's have {dim}")));
    }
    let count = u32_at(take(4)?);
    let mut out = Vec::with_capacity(count.min(bytes.len() / 8));
    for i in 0..count {
        let len = u32_at(take(4)?);
        let text = std::str::from_utf8(take(len)?)
            .map_err(|_| bad(format!("entry {i}'s text is not UTF-8")))?
            .to_string();
        let raw = take(dim.checked_mul(4).ok_or_else(|| bad("dimension too large".into()))?)?;
        let emb: Vec<f32> = raw.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        if emb.iter().any(|x| !x.is_finite()) {
            return Err(bad(format!("entry {i} has a NaN or infinite value")));
        }
        out.push((text, emb));
    }
    if at != bytes.len() {
        return Err(bad(format!("{} bytes follow the last entry", bytes.len() - at)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_hashing_is_the_plain_digest() {
        // Lengths around the 64 KB chunk and the 64-byte block edges.
        for len in [0usize, 1, 63, 64, 65, (1 << 16) - 1, 1 << 16, (1 << 16) + 1, 3 * (1 << 16) + 77] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 31 + len) as u8).collect();
            let want: [u8; 32] = Sha256::digest(&bytes).into();
            assert_eq!(sha256(&bytes), want, "{len} bytes");
            assert_eq!(sha256_hex(&bytes), hex(&want), "{len} bytes");
        }
    }
}
