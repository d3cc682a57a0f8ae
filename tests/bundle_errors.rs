//! Every way a `.parapet` bundle can be unusable, made from the real shipped bundle's bytes,
//! must come back as an `Err` named `BundleError` with its own stable code and a message that
//! says what to do: never a panic, never a guard that loads anyway.

mod common;

use parapet::bundle::{decode_embedding_cache, encode_embedding_cache, Bundle, Manifest, EMBEDDING_CACHE_PART, MAGIC};
use parapet::model::EngineChoice;
use parapet::{Error, Guard};
use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Loads a guard from `bytes` the way the JS `Guard.load` does, and returns its error.
/// A panic or a successful load fails the test with `what` in the message.
fn load_err(bytes: &[u8], what: &str) -> Error {
    let r = catch_unwind(AssertUnwindSafe(|| Guard::from_bundle_bytes(bytes)));
    match r {
        Err(_) => panic!("{what}: loading panicked instead of returning a BundleError"),
        Ok(Ok(_)) => panic!("{what}: the bundle loaded, but it should have been refused"),
        Ok(Err(e)) => {
            assert_eq!(e.name(), "BundleError", "{what}: wrong error kind {e:?}");
            assert!(!e.to_string().trim().is_empty(), "{what}: empty message");
            e
        }
    }
}

fn assert_code(bytes: &[u8], code: &str, what: &str) -> Error {
    let e = load_err(bytes, what);
    assert_eq!(e.code(), code, "{what}: expected {code}, got {} ({e})", e.code());
    e
}

/// The real manifest and parts, and where things lie in the file.
struct Layout {
    manifest: Manifest,
    model: Vec<u8>,
    tokenizer: Vec<u8>,
    manifest_start: usize,
    data_start: usize,
}

fn layout() -> Layout {
    let bytes = common::bundle_bytes();
    let b = Bundle::from_bytes(bytes).expect("the shipped bundle must verify");
    let manifest_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    Layout {
        model: b.part("model.onnx").expect("model.onnx part").to_vec(),
        tokenizer: b.part("tokenizer.json").expect("tokenizer.json part").to_vec(),
        manifest: b.manifest,
        manifest_start: 16,
        data_start: 16 + manifest_len,
    }
}

impl Layout {
    fn part_range(&self, name: &str) -> std::ops::Range<usize> {
        let p = self.manifest.parts.iter().find(|p| p.name == name).expect("part listed");
        let a = self.data_start + p.offset as usize;
        a..a + p.length as usize
    }

    fn rewrite(&self, manifest: &Manifest, model: &[u8], tokenizer: &[u8]) -> Vec<u8> {
        Bundle::write(manifest, &[("model.onnx", model), ("tokenizer.json", tokenizer)])
    }
}

fn flipped(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut b = bytes.to_vec();
    b[at] ^= 0x01;
    b
}

#[test]
fn shipped_bundle_verifies_and_rewrite_round_trips() {
    let l = layout();
    let bytes = common::bundle_bytes();
    assert!(bytes.starts_with(MAGIC));
    assert_eq!(Bundle::from_bytes(bytes).unwrap().sha256, parapet::bundle::sha256_hex(bytes));
    // Bundle::write is what the error tests below build bundles with: it must produce a
    // bundle that verifies, with the same manifest and parts.
    let again = l.rewrite(&l.manifest, &l.model, &l.tokenizer);
    let b = Bundle::from_bytes(&again).expect("a rewritten bundle verifies");
    assert_eq!(b.manifest.heads, l.manifest.heads);
    assert_eq!(b.part("model.onnx").unwrap(), &l.model[..]);
    assert_eq!(b.part("tokenizer.json").unwrap(), &l.tokenizer[..]);
}

#[test]
fn bad_magic() {
    let mut random = vec![0u8; 4096];
    // A fixed xorshift stream: "random" bytes that are the same on every run.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for b in random.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    let cases: [(&str, &[u8]); 5] = [
        ("random bytes", &random),
        ("empty input", b""),
        ("a PNG header", png),
        ("a 7-byte prefix of the magic", b"PARAPET"),
        ("lower-case magic", b"parapet\0\x01\0\0\0\0\0\0\0"),
    ];
    for (what, bytes) in cases {
        let e = assert_code(bytes, "BAD_MAGIC", what);
        assert!(e.to_string().contains(".parapet"), "{what}: message should say what to pass: {e}");
    }
}

#[test]
fn truncated() {
    let l = layout();
    let bytes = common::bundle_bytes();
    let model = l.part_range("model.onnx");
    let cuts = [
        ("10 bytes", 10),
        ("header only", 16),
        ("header and a bit", 40),
        ("mid-manifest", l.manifest_start + (l.data_start - l.manifest_start) / 2),
        ("manifest end", l.data_start),
        ("mid model.onnx", model.start + model.len() / 2),
        ("mid tokenizer.json", l.part_range("tokenizer.json").start + 100),
        ("trailer half missing", bytes.len() - 16),
        ("last byte missing", bytes.len() - 1),
    ];
    for (what, len) in cuts {
        let e = assert_code(&bytes[..len], "TRUNCATED", what);
        assert!(e.to_string().contains("download it again"), "{what}: message should say what to do: {e}");
    }
}

#[test]
fn hash_mismatch_names_the_part() {
    let l = layout();
    let bytes = common::bundle_bytes();
    for name in ["model.onnx", "tokenizer.json"] {
        let r = l.part_range(name);
        for at in [r.start, r.start + r.len() / 2, r.end - 1] {
            let e = assert_code(&flipped(bytes, at), "HASH_MISMATCH", &format!("byte {at} of {name}"));
            let msg = e.to_string();
            assert!(msg.contains(name), "the message must name the tampered part {name}: {msg}");
            assert!(msg.contains("sha256"), "the message must say it is a hash mismatch: {msg}");
        }
    }
}

#[test]
fn hash_mismatch_in_manifest_and_trailer() {
    let l = layout();
    let bytes = common::bundle_bytes();
    let manifest = &bytes[l.manifest_start..l.data_start];
    let find = |needle: &str| {
        manifest
            .windows(needle.len())
            .position(|w| w == needle.as_bytes())
            .unwrap_or_else(|| panic!("{needle} not in the manifest"))
            + l.manifest_start
    };
    // The first digit of a number value after `key`.
    let value_of = |key: &str| {
        let k = find(key);
        k + bytes[k..].iter().position(|b| b.is_ascii_digit()).expect("a number after the key")
    };
    let cases = [
        // JSON stays valid, the parts still verify: only the trailer catches it.
        ("a letter of the model name", find(&format!("\"{}\"", l.manifest.name)) + 1),
        ("a digit of max_seq_len", value_of("\"max_seq_len\"")),
        ("the manifest's format_version digit", value_of("\"format_version\"")),
        // JSON becomes invalid.
        ("the manifest's opening brace", l.manifest_start),
        ("the manifest's closing brace", l.data_start - 1),
        // The trailer itself.
        ("the first trailer byte", bytes.len() - 32),
        ("the last trailer byte", bytes.len() - 1),
    ];
    for (what, at) in cases {
        let e = assert_code(&flipped(bytes, at), "HASH_MISMATCH", what);
        assert!(e.to_string().contains("sha256"), "{what}: {e}");
    }
}

/// Bit flips spread over the whole header and manifest: whatever they hit, the load fails
/// with a BundleError, and the ones that keep the lengths intact are caught as tampering.
#[test]
fn any_flip_in_header_or_manifest_is_refused() {
    let l = layout();
    let bytes = common::bundle_bytes();
    let step = ((l.data_start) / 48).max(1);
    let mut codes = BTreeSet::new();
    for at in (0..l.data_start).step_by(step).chain([8, 9, 12, 13, 14, 15]) {
        let e = load_err(&flipped(bytes, at), &format!("flip at byte {at}"));
        if at >= l.manifest_start {
            // A flip in the manifest text is corruption; it may also make a part look out of
            // range (an offset digit), which is reported as a truncated download.
            assert!(
                ["HASH_MISMATCH", "TRUNCATED"].contains(&e.code()),
                "flip at manifest byte {at} ({:?}) gave {}: {e}",
                bytes[at] as char,
                e.code()
            );
        }
        codes.insert(e.code());
    }
    assert!(codes.contains("BAD_MAGIC") && codes.contains("HASH_MISMATCH"), "{codes:?}");
}

#[test]
fn unsupported_version() {
    let bytes = common::bundle_bytes();
    for v in [2u32, 7, u32::MAX] {
        let mut b = bytes.to_vec();
        b[8..12].copy_from_slice(&v.to_le_bytes());
        let e = assert_code(&b, "UNSUPPORTED_VERSION", &format!("header version {v}"));
        let msg = e.to_string();
        assert!(msg.contains("upgrade parapet"), "the message must say to upgrade parapet: {msg}");
        assert!(msg.contains(&v.to_string()), "the message should name the version: {msg}");
    }
    let mut b = bytes.to_vec();
    b[8..12].copy_from_slice(&0u32.to_le_bytes());
    assert_code(&b, "UNSUPPORTED_VERSION", "header version 0");
    // A correctly hashed bundle that says version 2 everywhere is refused the same way.
    let l = layout();
    let mut m = l.manifest.clone();
    m.format_version = 2;
    let e = assert_code(&l.rewrite(&m, &l.model, &l.tokenizer), "UNSUPPORTED_VERSION", "a v2 bundle");
    assert!(e.to_string().contains("upgrade parapet"), "{e}");
}

#[test]
fn missing_part() {
    let l = layout();
    let cases: [(&str, Vec<u8>); 2] = [
        ("tokenizer.json", Bundle::write(&l.manifest, &[("model.onnx", &l.model)])),
        ("model.onnx", Bundle::write(&l.manifest, &[("tokenizer.json", &l.tokenizer)])),
    ];
    for (missing, bytes) in cases {
        let e = assert_code(&bytes, "MISSING_PART", &format!("no {missing}"));
        assert!(e.to_string().contains(missing), "the message must name {missing}: {e}");
    }
    // A misspelt part name is a missing part too.
    let bytes = Bundle::write(&l.manifest, &[("model.onnx", &l.model), ("tokenizer.jsn", &l.tokenizer)]);
    assert_code(&bytes, "MISSING_PART", "misspelt tokenizer part");
}

#[test]
fn output_mismatch() {
    let l = layout();
    // One head more than the model has.
    let mut m = l.manifest.clone();
    let mut extra = m.heads[0].clone();
    extra.id = "extra_head".into();
    m.heads.push(extra);
    let e = assert_code(&l.rewrite(&m, &l.model, &l.tokenizer), "OUTPUT_MISMATCH", "an extra head");
    assert!(e.to_string().contains("rebuild the bundle"), "{e}");
    // One head fewer.
    let mut m = l.manifest.clone();
    m.heads.pop();
    assert_code(&l.rewrite(&m, &l.model, &l.tokenizer), "OUTPUT_MISMATCH", "a missing head");
    // A wrong embedding width.
    let mut m = l.manifest.clone();
    m.model.embedding_dim += 1;
    assert_code(&l.rewrite(&m, &l.model, &l.tokenizer), "OUTPUT_MISMATCH", "a wrong embedding_dim");
}

#[test]
fn bad_tokenizer() {
    let l = layout();
    let cases: [(&str, Vec<u8>); 4] = [
        ("garbage bytes", b"\x00\xffnot a tokenizer at all\x01".to_vec()),
        ("valid JSON, not a tokenizer", br#"{"hello": "world"}"#.to_vec()),
        ("empty", Vec::new()),
        ("half a tokenizer.json", l.tokenizer[..l.tokenizer.len() / 2].to_vec()),
    ];
    for (what, tok) in cases {
        let e = assert_code(&l.rewrite(&l.manifest, &l.model, &tok), "BAD_TOKENIZER", what);
        assert!(e.to_string().contains("tokenizer"), "{what}: {e}");
    }
    // A real tokenizer without the special token the manifest names.
    let mut m = l.manifest.clone();
    m.tokenizer.cls_token = "[NOT_A_TOKEN]".into();
    let e = assert_code(&l.rewrite(&m, &l.model, &l.tokenizer), "BAD_TOKENIZER", "unknown cls_token");
    assert!(e.to_string().contains("[NOT_A_TOKEN]"), "{e}");
}

#[test]
fn bad_model() {
    let l = layout();
    let cases: [(&str, Vec<u8>); 4] = [
        ("garbage bytes", b"\x08\x07this is not an onnx model \xff\xfe\x00".repeat(50)),
        ("empty", Vec::new()),
        ("half a model", l.model[..l.model.len() / 2].to_vec()),
        ("the tokenizer as a model", l.tokenizer.clone()),
    ];
    for (what, model) in cases {
        let e = assert_code(&l.rewrite(&l.manifest, &model, &l.tokenizer), "BAD_MODEL", what);
        assert!(e.to_string().contains("model.onnx"), "{what}: {e}");
    }
    // Graph names that do not exist in the model.
    let mut m = l.manifest.clone();
    m.model.logits_output = "no_such_output".into();
    assert_code(&l.rewrite(&m, &l.model, &l.tokenizer), "BAD_MODEL", "unknown logits output");
    let mut m = l.manifest.clone();
    m.model.inputs[0] = "no_such_input".into();
    load_err(&l.rewrite(&m, &l.model, &l.tokenizer), "unknown input name");
    // Swapped input names are a different model to both engines (tract reads the names).
    let mut m = l.manifest.clone();
    m.model.inputs.swap(0, 2);
    for engine in [EngineChoice::Auto, EngineChoice::Int8] {
        let g = Guard::from_bundle_bytes_with(&l.rewrite(&m, &l.model, &l.tokenizer), None, engine);
        assert!(g.as_ref().map_or(true, |g| g.info().engine == "tract"), "{engine:?}: the int8 engine accepted swapped inputs");
    }
}

/// Tract's Gather does not bound-check: a manifest or tokenizer that indexes past the model's
/// embedding tables must be refused at load, not panic on the first long or unusual input.
#[test]
fn tables_too_small_for_the_manifest_or_tokenizer() {
    let l = layout();
    // More positions than the model has (MiniLM has 512).
    let mut m = l.manifest.clone();
    m.max_seq_len = 4096;
    let e = assert_code(&l.rewrite(&m, &l.model, &l.tokenizer), "BAD_MANIFEST", "max_seq_len 4096");
    let msg = e.to_string();
    let positions: usize = msg
        .split("has only ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the message should say how many positions the model has: {msg}"));
    assert!(msg.contains(&format!("{positions} positions")) && positions < 4096, "{msg}");
    // Exactly as many is fine, and texts needing full windows are checked without error.
    m.max_seq_len = positions;
    let g = Guard::from_bundle_bytes(&l.rewrite(&m, &l.model, &l.tokenizer)).expect("max_seq_len = positions loads");
    let text = "all work and no play makes jack a dull boy ".repeat(positions / 10 + 5);
    let v = g.check_prompt(&text).unwrap();
    assert!(v.tokens > positions && v.windows >= 2, "{} tokens in {} windows", v.tokens, v.windows);
    let v = g.check_response(&text, &text).unwrap();
    assert!(v.windows >= 2);

    // Batches are padded with pad_id: it must be an id the model embeds.
    let mut m = l.manifest.clone();
    m.tokenizer.pad_id = 4_000_000_000;
    let e = assert_code(&l.rewrite(&m, &l.model, &l.tokenizer), "BAD_MANIFEST", "pad_id 4e9");
    assert!(e.to_string().contains("pad_id"), "{e}");

    // A tokenizer that can produce an id beyond the word-embedding table.
    let mut tok: serde_json::Value = serde_json::from_slice(&l.tokenizer).unwrap();
    let rows = tok["model"]["vocab"].as_object().unwrap().len();
    tok["added_tokens"].as_array_mut().unwrap().push(serde_json::json!({
        "id": rows + 100, "content": "[BEYOND]", "single_word": false, "lstrip": false,
        "rstrip": false, "normalized": false, "special": true
    }));
    let tok = serde_json::to_vec(&tok).unwrap();
    let e = assert_code(&l.rewrite(&l.manifest, &l.model, &tok), "BAD_TOKENIZER", "an id past the embedding table");
    assert!(e.to_string().contains(&format!("embeds only {rows}")), "{e}");
}

/// A correctly hashed bundle whose manifest is not what a text guard needs.
#[test]
fn bad_manifest_and_wrong_kind() {
    let l = layout();
    let mut m = l.manifest.clone();
    m.kind = "image-guard".into();
    let e = assert_code(&l.rewrite(&m, &l.model, &l.tokenizer), "WRONG_KIND", "an image-guard bundle");
    assert!(e.to_string().contains("image-guard"), "{e}");

    let mut bad: Vec<(&str, Manifest)> = Vec::new();
    let mut m = l.manifest.clone();
    m.heads.clear();
    bad.push(("no heads", m));
    let mut m = l.manifest.clone();
    let dup = m.heads[0].clone();
    m.heads.push(dup);
    bad.push(("a duplicate head", m));
    let mut m = l.manifest.clone();
    m.heads[0].temperature = 0.0;
    bad.push(("temperature 0", m));
    let mut m = l.manifest.clone();
    m.heads[0].thresholds.balanced = 1.5;
    bad.push(("threshold 1.5", m));
    let mut m = l.manifest.clone();
    m.heads[0].fine_gate = Some(-0.1);
    bad.push(("fine_gate -0.1", m));
    let mut m = l.manifest.clone();
    m.heads[0].fine_gate = Some(1.5);
    bad.push(("fine_gate 1.5", m));
    let mut m = l.manifest.clone();
    m.max_seq_len = 4;
    bad.push(("max_seq_len 4", m));
    let mut m = l.manifest.clone();
    m.model.inputs.pop();
    bad.push(("two inputs", m));
    for (what, m) in bad {
        assert_code(&l.rewrite(&m, &l.model, &l.tokenizer), "BAD_MANIFEST", what);
    }

    // A manifest that is not JSON at all, with a correct trailer: not tampering, a bad bundle.
    let b = raw_bundle(1, b"{this is not json", b"");
    assert_code(&b, "BAD_MANIFEST", "a non-JSON manifest with a valid trailer");

    // Header and manifest disagree on the version, correctly hashed.
    let mut m = l.manifest.clone();
    m.format_version = 0;
    // (the parts in manifest order, as the shipped bundle lays them out)
    let shipped = Bundle::from_bytes(common::bundle_bytes()).unwrap();
    let data: Vec<u8> = m.parts.iter().flat_map(|p| shipped.part(&p.name).unwrap().to_vec()).collect();
    let b = raw_bundle(1, &serde_json::to_vec(&m).unwrap(), &data);
    let e = assert_code(&b, "BAD_MANIFEST", "manifest version 0 under header version 1");
    assert!(e.to_string().contains("format version"), "{e}");
}

/// Header, manifest JSON and data with a correct trailer, whatever they say.
fn raw_bundle(version: u32, manifest_json: &[u8], data: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(MAGIC);
    b.extend_from_slice(&version.to_le_bytes());
    b.extend_from_slice(&(manifest_json.len() as u32).to_le_bytes());
    b.extend_from_slice(manifest_json);
    b.extend_from_slice(data);
    let digest = parapet::bundle::sha256_hex(&b);
    let raw: Vec<u8> =
        (0..32).map(|i| u8::from_str_radix(&digest[2 * i..2 * i + 2], 16).unwrap()).collect();
    b.extend_from_slice(&raw);
    b
}

/// The shipped bundle carries precomputed embeddings of every default exemplar and background
/// prompt (a guard then loads without running the model over them), and they are what the
/// model computes.
#[test]
fn the_embedding_cache_covers_the_defaults_and_matches_the_model() {
    let l = layout();
    let b = Bundle::from_bytes(common::bundle_bytes()).unwrap();
    let part = b.part(EMBEDDING_CACHE_PART).expect("the shipped bundle has an embeddings.bin part");
    let entries = decode_embedding_cache(part, l.manifest.model.embedding_dim).unwrap();
    let keys: BTreeSet<&str> = entries.iter().map(|(t, _)| t.as_str()).collect();
    // Recompute a sample with the model (a bundle without the part) and compare, on tract: the
    // part is made with tract (examples/embed_cache.rs); tests/encoder.rs holds the int8 engine
    // to it.
    let plain = Guard::from_bundle_bytes_with(&l.rewrite(&l.manifest, &l.model, &l.tokenizer), None, EngineChoice::Tract).unwrap();
    let wanted = plain.default_texts();
    assert!(wanted.len() > 100, "the background and default exemplars: {} texts", wanted.len());
    for t in &wanted {
        assert!(keys.contains(t.as_str()), "embeddings.bin lacks {t:?}: rerun examples/embed_cache.rs");
    }
    let sample: Vec<String> = entries.iter().step_by(7).map(|(t, _)| t.clone()).collect();
    let fresh = plain.embed_texts(&sample).unwrap();
    for ((t, cached), f) in entries.iter().step_by(7).zip(&fresh) {
        let d = cached.iter().zip(f.iter()).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
        assert!(d < 1e-4, "cached embedding of {t:?} differs from the model's by {d}");
    }
    // Both guards give the same verdicts, exemplar categories included.
    let cached = Guard::from_bundle_bytes_with(common::bundle_bytes(), None, EngineChoice::Tract).unwrap();
    for text in ["How do I vote by mail in Ohio?", "Write me a poem about autumn", "Is this mole cancer? what dose of ibuprofen"] {
        let (a, b) = (cached.check_prompt(text).unwrap(), plain.check_prompt(text).unwrap());
        for (x, y) in a.categories.iter().zip(&b.categories) {
            assert_eq!(x.id, y.id);
            let (p, q) = (x.score.unwrap_or(-1.0), y.score.unwrap_or(-1.0));
            assert!((p - q).abs() < 1e-3, "{text:?} {}: {p} vs {q}", x.id);
        }
    }
}

#[test]
fn bad_embedding_cache_part() {
    let l = layout();
    let dim = l.manifest.model.embedding_dim;
    let good = encode_embedding_cache(dim, &[("hello".into(), vec![0.5; dim]), ("world".into(), vec![0.25; dim])]);
    let with = |part: &[u8]| {
        Bundle::write(&l.manifest, &[("model.onnx", &l.model), ("tokenizer.json", &l.tokenizer), (EMBEDDING_CACHE_PART, part)])
    };
    // A well-formed part for texts the defaults do not use loads fine.
    Guard::from_bundle_bytes(&with(&good)).expect("a good cache part loads");
    let mut bad_magic = good.clone();
    bad_magic[0] = b'X';
    let wrong_dim = encode_embedding_cache(dim - 1, &[("hello".into(), vec![0.5; dim - 1])]);
    let mut nan = good.clone();
    let at = 12 + 4 + 5; // first value of the first entry
    nan[at..at + 4].copy_from_slice(&f32::NAN.to_le_bytes());
    let mut not_utf8 = good.clone();
    not_utf8[16] = 0xff;
    let mut trailing = good.clone();
    trailing.push(0);
    let cases: [(&str, Vec<u8>, &str); 7] = [
        ("empty", vec![], "ends early"),
        ("bad magic", bad_magic, "PEC1"),
        ("wrong dimension", wrong_dim, "dimensions"),
        ("truncated", good[..good.len() - 3].to_vec(), "ends early"),
        ("NaN", nan, "NaN"),
        ("not UTF-8", not_utf8, "UTF-8"),
        ("trailing bytes", trailing, "follow"),
    ];
    for (what, part, says) in cases {
        let e = assert_code(&with(&part), "BAD_PART", what);
        let msg = e.to_string();
        assert!(msg.contains(says) && msg.contains("embed_cache"), "{what}: {msg}");
    }
}

/// Every `Error::bundle` code the engine can produce is exercised above: a new code without a
/// test fails here.
#[test]
fn every_bundle_code_is_tested() {
    let tested = [
        "BAD_MAGIC",
        "TRUNCATED",
        "HASH_MISMATCH",
        "UNSUPPORTED_VERSION",
        "MISSING_PART",
        "OUTPUT_MISMATCH",
        "BAD_TOKENIZER",
        "BAD_MODEL",
        "BAD_MANIFEST",
        "WRONG_KIND",
        "BAD_PART",
        // tests/encoder.rs: an_unknown_graph_goes_to_tract_or_is_refused,
        // precomputed_embeddings_catch_a_wrong_int8_reading.
        "UNSUPPORTED_ENGINE",
    ];
    let sources = [
        include_str!("../src/bundle.rs"),
        include_str!("../src/text.rs"),
        include_str!("../src/model.rs"),
        include_str!("../src/guard.rs"),
    ];
    let mut found = BTreeSet::new();
    for src in sources {
        for (i, _) in src.match_indices("Error::bundle(") {
            let rest = src[i..].trim_start_matches("Error::bundle(").trim_start();
            if let Some(rest) = rest.strip_prefix('"') {
                found.insert(rest.split('"').next().unwrap().to_string());
            }
        }
    }
    assert!(!found.is_empty(), "no Error::bundle codes found in the sources");
    for code in &found {
        assert!(tested.contains(&code.as_str()), "bundle error code {code} has no test in tests/bundle_errors.rs");
    }
}
