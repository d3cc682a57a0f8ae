//! The JS boundary, in real WebAssembly: run with wasm-bindgen-test in Node and in headless
//! Chromium (`scripts/test-wasm.sh`). Uses the shipped default bundle.
//!
//! Checks that every failure crossing into JS is a JS `Error` with a stable `name` and `code`,
//! that bad arguments (wrong types, lone surrogates, corrupt bundles) never trap, and that the
//! guard keeps working after every error.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect, Uint8Array};
use parapet::wasm::WasmGuard;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

static BUNDLE: &[u8] = include_bytes!("../models/parapet-guard.parapet");

thread_local! {
    // Loading optimises the model (seconds in wasm): share one guard across tests.
    static GUARD: std::cell::RefCell<WasmGuard> = std::cell::RefCell::new(
        WasmGuard::new(Uint8Array::from(BUNDLE).into(), JsValue::UNDEFINED, JsValue::UNDEFINED)
            .expect("the shipped bundle loads"),
    );
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn assert_js_error(err: JsValue, name: &str, code: &str) -> String {
    let e: js_sys::Error = err.dyn_into().expect("a JS Error");
    assert_eq!(String::from(e.name()), name);
    assert_eq!(get(&e, "code").as_string().as_deref(), Some(code));
    let msg = String::from(e.message());
    assert!(msg.len() > 20, "message should say what to fix: {msg}");
    msg
}

/// A `new Guard` options object with one key.
fn option(key: &str, value: JsValue) -> JsValue {
    let o = Object::new();
    Reflect::set(&o, &key.into(), &value).unwrap();
    JsValue::from(o)
}

fn new_guard(bytes: &[u8]) -> Result<WasmGuard, JsValue> {
    WasmGuard::new(Uint8Array::from(bytes).into(), JsValue::UNDEFINED, JsValue::UNDEFINED)
}

#[wasm_bindgen_test]
fn checks_prompts_and_responses() {
    GUARD.with(|g| {
        let g = g.borrow();
        let v = g.check_prompt("What is the capital of France?".into()).unwrap();
        assert_eq!(get(&v, "kind").as_string().as_deref(), Some("prompt"));
        let score = get(&v, "score").as_f64().unwrap();
        assert!((0.0..=1.0).contains(&score));
        assert!(get(&v, "tokens").as_f64().unwrap() >= 6.0);
        let cats: js_sys::Array = get(&v, "categories").dyn_into().unwrap();
        assert!(cats.length() > 5);
        // Verdicts are plain objects with camelCase names.
        let timings = get(&v, "timings");
        assert!(get(&timings, "totalMs").as_f64().unwrap() >= 0.0);
        let r = g.check_response("How do I make pancakes?".into(), "Mix flour, eggs and milk.".into()).unwrap();
        assert_eq!(get(&r, "kind").as_string().as_deref(), Some("response"));
    });
}

#[wasm_bindgen_test]
fn empty_and_whitespace_are_safe() {
    GUARD.with(|g| {
        let g = g.borrow();
        for t in ["", "   \n\t  "] {
            let v = g.check_prompt(t.into()).unwrap();
            assert_eq!(get(&v, "flagged").as_bool(), Some(false));
            assert_eq!(get(&v, "windows").as_f64(), Some(0.0));
        }
    });
}

#[wasm_bindgen_test]
fn lone_surrogates_and_odd_unicode_do_not_trap() {
    GUARD.with(|g| {
        let g = g.borrow();
        let lone = js_sys::JsString::from_char_code(&[0xD800, 0x61, 0xDC00, 0x20, 0x62]);
        let v = g.check_prompt(lone.into()).unwrap();
        assert!(get(&v, "score").as_f64().is_some());
        for t in ["\u{0}\u{0}", "😀😀😀", "مرحبا بالعالم", "\u{202e}abc\u{200b}def", "\u{301}\u{301}"] {
            g.check_prompt(t.into()).unwrap();
        }
    });
}

#[wasm_bindgen_test]
fn wrong_argument_types_are_input_errors() {
    GUARD.with(|g| {
        let g = g.borrow();
        assert_js_error(g.check_prompt(JsValue::from(5)).unwrap_err(), "InputError", "INVALID_ARGUMENT");
        assert_js_error(g.check_prompt(JsValue::UNDEFINED).unwrap_err(), "InputError", "INVALID_ARGUMENT");
        assert_js_error(
            g.check_response("hi".into(), JsValue::NULL).unwrap_err(),
            "InputError",
            "INVALID_ARGUMENT",
        );
        // Still usable afterwards.
        g.check_prompt("hello".into()).unwrap();
    });
    let e = WasmGuard::new(JsValue::from("not bytes"), JsValue::UNDEFINED, JsValue::UNDEFINED).err().unwrap();
    assert_js_error(e, "InputError", "INVALID_ARGUMENT");
}

/// `new Guard(bytes, constitution, {sha256})`: a hash the caller computed (the npm loader, with
/// WebCrypto) is checked for form and used as the bundle's sha256; the engine does not hash again.
#[wasm_bindgen_test]
fn a_caller_computed_sha256_is_checked_and_used() {
    let opts = |v: JsValue| option("sha256", v);
    let bundle = || JsValue::from(Uint8Array::from(BUNDLE));
    for bad in [JsValue::from(5), opts("abc".into()), opts(JsValue::from(1)), opts("g".repeat(64).into())] {
        let e = WasmGuard::new(bundle(), JsValue::UNDEFINED, bad).err().expect("a bad sha256 option is refused");
        assert!(String::from(js_sys::Error::from(e.clone()).message()).contains("sha256"));
        assert_js_error(e, "InputError", "INVALID_ARGUMENT");
    }
    let sha = parapet::bundle::sha256_hex(BUNDLE);
    let g = WasmGuard::new(bundle(), JsValue::UNDEFINED, opts(sha.to_uppercase().into())).expect("loads");
    assert_eq!(get(&g.info().unwrap(), "sha256").as_string().unwrap(), sha);
    g.check_prompt("hello".into()).unwrap();
}

/// `new Guard(bytes, constitution, {verifyLater: true})`: the loader hashes the file while the
/// guard loads, so the guard refuses checks (BundleError HASH_PENDING) until `confirmSha256`
/// gets the file's hash; the option's type, its clash with `sha256`, a malformed hash and a
/// second confirmation are INVALID_ARGUMENTs, and none of it traps.
#[wasm_bindgen_test]
fn verify_later_refuses_checks_until_the_hash_is_confirmed() {
    let bundle = || JsValue::from(Uint8Array::from(BUNDLE));
    let later = || option("verifyLater", JsValue::TRUE);
    let e = WasmGuard::new(bundle(), JsValue::UNDEFINED, option("verifyLater", "yes".into())).err().unwrap();
    assert_js_error(e, "InputError", "INVALID_ARGUMENT");
    let both = later();
    Reflect::set(&both, &"sha256".into(), &parapet::bundle::sha256_hex(BUNDLE).into()).unwrap();
    let e = WasmGuard::new(bundle(), JsValue::UNDEFINED, both).err().unwrap();
    assert!(assert_js_error(e, "InputError", "INVALID_ARGUMENT").contains("verifyLater"));

    let g = WasmGuard::new(bundle(), JsValue::UNDEFINED, later()).expect("loads");
    assert_eq!(get(&g.info().unwrap(), "sha256").as_string().unwrap(), "");
    let msg = assert_js_error(g.check_prompt("hello".into()).err().unwrap(), "BundleError", "HASH_PENDING");
    assert!(msg.contains("confirmSha256"), "{msg}");
    assert_js_error(g.check_response("hi".into(), "hello".into()).err().unwrap(), "BundleError", "HASH_PENDING");
    for bad in [JsValue::from(3), "abc".into(), "z".repeat(64).into()] {
        assert_js_error(g.confirm_sha256(bad).err().unwrap(), "InputError", "INVALID_ARGUMENT");
    }
    let sha = parapet::bundle::sha256_hex(BUNDLE);
    g.confirm_sha256(sha.to_uppercase().into()).expect("confirms");
    assert_eq!(get(&g.info().unwrap(), "sha256").as_string().unwrap(), sha);
    g.check_prompt("hello".into()).expect("checks run once confirmed");
    assert_js_error(g.confirm_sha256(sha.clone().into()).err().unwrap(), "InputError", "INVALID_ARGUMENT");
    // a damaged file with verifyLater: a clear error or a guard that waits for a hash the
    // loader will never confirm (its trailer check fails), never a trap
    let mut bad = BUNDLE.to_vec();
    let n = bad.len();
    bad[n / 2] ^= 0x55;
    match WasmGuard::new(Uint8Array::from(&bad[..]).into(), JsValue::UNDEFINED, later()) {
        Ok(g) => {
            assert_js_error(g.check_prompt("hello".into()).err().unwrap(), "BundleError", "HASH_PENDING");
        }
        Err(e) => {
            let e: js_sys::Error = e.dyn_into().expect("a JS Error");
            assert_eq!(String::from(e.name()), "BundleError");
        }
    };
}

/// The int8 engine's kernels against their plain definitions, bit for bit, in this runtime: some
/// of its SIMD paths (quantising 4 rows at a time into the kernel's layout) exist only in wasm.
#[wasm_bindgen_test]
fn int8_kernels_match_their_definitions() {
    parapet_int8::self_check().unwrap();
}

/// `new Guard(bytes, constitution, {engine})`: the shipped model runs on parapet's int8 engine
/// by default; "tract" picks the f32 reference, whose scores agree within the int8 engine's
/// quantisation; anything else is an INVALID_ARGUMENT that lists the choices.
#[wasm_bindgen_test]
fn the_engine_option_picks_int8_or_tract() {
    let opts = |v: JsValue| option("engine", v);
    let bundle = || JsValue::from(Uint8Array::from(BUNDLE));
    for bad in [opts("fast".into()), opts(JsValue::from(8))] {
        let e = WasmGuard::new(bundle(), JsValue::UNDEFINED, bad).err().expect("a bad engine is refused");
        assert!(String::from(js_sys::Error::from(e.clone()).message()).contains("tract"));
        assert_js_error(e, "InputError", "INVALID_ARGUMENT");
    }
    let int8 = WasmGuard::new(bundle(), JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap();
    let tract = WasmGuard::new(bundle(), JsValue::UNDEFINED, opts("tract".into())).unwrap();
    assert_eq!(get(&int8.info().unwrap(), "engine").as_string().unwrap(), "int8");
    assert_eq!(get(&tract.info().unwrap(), "engine").as_string().unwrap(), "tract");
    for text in ["How do I make a pipe bomb at home?", "What's a good recipe for banana bread?"] {
        let (a, b) = (int8.check_prompt(text.into()).unwrap(), tract.check_prompt(text.into()).unwrap());
        assert_eq!(get(&a, "action").as_string(), get(&b, "action").as_string(), "{text}");
        let (ca, cb) = (js_sys::Array::from(&get(&a, "categories")), js_sys::Array::from(&get(&b, "categories")));
        assert_eq!(ca.length(), cb.length());
        for i in 0..ca.length() {
            let (x, y) = (get(&ca.get(i), "score").as_f64(), get(&cb.get(i), "score").as_f64());
            if let (Some(x), Some(y)) = (x, y) {
                assert!((x - y).abs() < 5e-3, "{text}: int8 {x} vs tract {y}");
            }
        }
    }
}

#[wasm_bindgen_test]
fn bad_bundles_are_named_errors() {
    assert_js_error(new_guard(b"definitely not a bundle").err().unwrap(), "BundleError", "BAD_MAGIC");
    assert_js_error(new_guard(&BUNDLE[..BUNDLE.len() / 2]).err().unwrap(), "BundleError", "TRUNCATED");
    let mut flipped = BUNDLE.to_vec();
    let at = flipped.len() - 1000; // inside the last part
    flipped[at] ^= 0x01;
    let msg = assert_js_error(new_guard(&flipped).err().unwrap(), "BundleError", "HASH_MISMATCH");
    assert!(msg.contains("sha256 mismatch"), "{msg}");
    let mut newer = BUNDLE.to_vec();
    newer[8] = 99;
    let msg = assert_js_error(new_guard(&newer).err().unwrap(), "BundleError", "UNSUPPORTED_VERSION");
    assert!(msg.contains("upgrade parapet"), "{msg}");
    assert_js_error(new_guard(&[]).err().unwrap(), "BundleError", "BAD_MAGIC");
}

#[wasm_bindgen_test]
fn constitution_errors_name_the_path_and_keep_the_old_policy() {
    GUARD.with(|g| {
        let mut g = g.borrow_mut();
        let bad = js_sys::JSON::parse(r#"{"categories": {"hate": {"threshold": 1.5}}}"#).unwrap();
        let err = g.set_constitution(bad).unwrap_err();
        assert_eq!(get(&err, "path").as_string().as_deref(), Some("categories.hate.threshold"));
        assert_js_error(err, "ConstitutionError", "INVALID_VALUE");
        let err = g.set_constitution(r#"{"preset": "lenient"}"#.into()).unwrap_err();
        let msg = assert_js_error(err, "ConstitutionError", "INVALID_VALUE");
        assert!(msg.contains("permissive"), "lists allowed presets: {msg}");
        assert_js_error(g.set_constitution("{not json".into()).unwrap_err(), "ConstitutionError", "INVALID_JSON");
        assert_js_error(
            g.set_constitution(r#"{"categories": {"nope": {}}}"#.into()).unwrap_err(),
            "ConstitutionError",
            "UNKNOWN_CATEGORY",
        );
        assert_js_error(g.set_constitution(JsValue::from(3)).unwrap_err(), "ConstitutionError", "INVALID_VALUE");
        // The old (default) constitution is still in force.
        let c = g.constitution().unwrap();
        assert_eq!(get(&c, "preset").as_string().as_deref(), Some("balanced"));

        // A valid object applies: disabling a category removes it from verdicts.
        let ok = js_sys::JSON::parse(r#"{"preset": "strict", "categories": {"hate": {"enabled": false}}}"#).unwrap();
        g.set_constitution(ok).unwrap();
        let v = g.check_prompt("hello there".into()).unwrap();
        let cats: js_sys::Array = get(&v, "categories").dyn_into().unwrap();
        assert!(cats.iter().all(|c| get(&c, "id").as_string().as_deref() != Some("hate")));
        assert_eq!(get(&g.constitution().unwrap(), "preset").as_string().as_deref(), Some("strict"));
        g.set_constitution(JsValue::UNDEFINED).unwrap();
        assert_eq!(get(&g.constitution().unwrap(), "preset").as_string().as_deref(), Some("balanced"));
    });
}

#[wasm_bindgen_test]
fn huge_text_is_an_input_error_not_a_trap() {
    GUARD.with(|g| {
        let g = g.borrow();
        let big = "a ".repeat(parapet::MAX_INPUT_BYTES / 2 + 1);
        assert_js_error(g.check_prompt(big.into()).unwrap_err(), "InputError", "TOO_LARGE");
        // A long (50 KB) document is windowed, not truncated.
        let doc = "The weather was mild and the garden was full of tomatoes. ".repeat(900);
        let v = g.check_prompt(doc.into()).unwrap();
        assert!(get(&v, "windows").as_f64().unwrap() > 40.0);
    });
}

#[wasm_bindgen_test]
fn info_and_taxonomy() {
    GUARD.with(|g| {
        let info = g.borrow().info().unwrap();
        assert_eq!(get(&info, "sha256").as_string().unwrap().len(), 64);
        // Load phases, in milliseconds: each present and the total covers them.
        let l = get(&info, "loadMs");
        let ms = |k: &str| get(&l, k).as_f64().unwrap_or(f64::NAN);
        for k in ["verify", "tokenizer", "model", "exemplars", "total"] {
            assert!(ms(k).is_finite() && ms(k) >= 0.0, "loadMs.{k} = {}", ms(k));
        }
        assert!(ms("total") >= ms("model") && ms("total") >= ms("exemplars"));
    });
    let t: js_sys::Array = parapet::wasm::taxonomy().unwrap().dyn_into().unwrap();
    assert_eq!(t.length() as usize, parapet::taxonomy::TAXONOMY.len());
}

// ---- images ----

static TINY: &[u8] = include_bytes!("fixtures/tiny-red.parapet");
static OPEN_NSFW: &[u8] = include_bytes!("../models/open-nsfw.parapet");
static CIRCLES_PNG: &[u8] = include_bytes!("fixtures/images/circles.png");
static LANDSCAPE_JPG: &[u8] = include_bytes!("fixtures/images/landscape.jpg");

thread_local! {
    // A guard with the tiny test image model (fast to load).
    static IMG: std::cell::RefCell<WasmGuard> = std::cell::RefCell::new({
        let mut g = new_guard(BUNDLE).expect("the shipped bundle loads");
        g.load_image_model(Uint8Array::from(TINY).into()).expect("the tiny image bundle loads");
        g
    });
}

fn image_like(w: f64, h: f64, data: JsValue) -> JsValue {
    let o = js_sys::Object::new();
    Reflect::set(&o, &"width".into(), &w.into()).unwrap();
    Reflect::set(&o, &"height".into(), &h.into()).unwrap();
    Reflect::set(&o, &"data".into(), &data).unwrap();
    o.into()
}

fn red(w: usize, h: usize) -> Vec<u8> {
    [255u8, 0, 0, 255].repeat(w * h)
}

#[wasm_bindgen_test]
fn image_without_a_model_is_no_image_model() {
    GUARD.with(|g| {
        let g = g.borrow();
        let v = image_like(1.0, 1.0, Uint8Array::from(&[0u8, 0, 0, 255][..]).into());
        let msg = assert_js_error(g.check_image(v).unwrap_err(), "InputError", "NO_IMAGE_MODEL");
        assert!(msg.contains("loadImageModel"), "{msg}");
        assert!(g.image_info().unwrap().is_null());
    });
}

#[wasm_bindgen_test]
fn image_checks_accept_pixels_and_bytes() {
    IMG.with(|g| {
        let g = g.borrow();
        // {width, height, data: Uint8Array} and ImageData-like Uint8ClampedArray.
        let v = g.check_image(image_like(40.0, 30.0, Uint8Array::from(&red(40, 30)[..]).into())).unwrap();
        assert_eq!(get(&v, "kind").as_string().as_deref(), Some("image"));
        assert_eq!(get(&v, "flagged").as_bool(), Some(true));
        assert_eq!(js_sys::Array::from(&get(&v, "spans")).length(), 0);
        let clamped = js_sys::Uint8ClampedArray::new_with_length(40 * 30 * 4);
        clamped.copy_from(&red(40, 30));
        let v2 = g.check_image(image_like(40.0, 30.0, clamped.into())).unwrap();
        assert_eq!(get(&v2, "score").as_f64(), get(&v, "score").as_f64());
        // Encoded bytes, as Uint8Array and ArrayBuffer.
        let v = g.check_image(Uint8Array::from(CIRCLES_PNG).into()).unwrap();
        let cats = js_sys::Array::from(&get(&v, "categories"));
        assert_eq!(cats.length(), 2);
        let buf = Uint8Array::from(CIRCLES_PNG).buffer();
        let v3 = g.check_image(buf.into()).unwrap();
        assert_eq!(get(&v3, "score").as_f64(), get(&v, "score").as_f64());
        let info = g.image_info().unwrap();
        assert_eq!(get(&info, "name").as_string().as_deref(), Some("tiny-red-test"));
    });
}

#[wasm_bindgen_test]
fn bad_images_are_named_errors() {
    IMG.with(|g| {
        let g = g.borrow();
        let px = |w: f64, h: f64, n: usize| image_like(w, h, Uint8Array::from(&vec![0u8; n][..]).into());
        assert_js_error(g.check_image(px(0.0, 0.0, 0)).unwrap_err(), "InputError", "EMPTY_IMAGE");
        assert_js_error(g.check_image(px(2.0, 2.0, 12)).unwrap_err(), "InputError", "BAD_DIMENSIONS");
        assert_js_error(g.check_image(px(1e6, 1e6, 16)).unwrap_err(), "InputError", "TOO_LARGE");
        assert_js_error(g.check_image(px(4294967295.0, 4294967295.0, 16)).unwrap_err(), "InputError", "TOO_LARGE");
        assert_js_error(g.check_image(px(-1.0, 2.0, 8)).unwrap_err(), "InputError", "INVALID_ARGUMENT");
        assert_js_error(g.check_image(px(1.5, 2.0, 8)).unwrap_err(), "InputError", "INVALID_ARGUMENT");
        assert_js_error(g.check_image(px(f64::NAN, 2.0, 8)).unwrap_err(), "InputError", "INVALID_ARGUMENT");
        assert_js_error(g.check_image(image_like(1.0, 1.0, "abcd".into())).unwrap_err(), "InputError", "INVALID_ARGUMENT");
        assert_js_error(g.check_image(JsValue::from(5)).unwrap_err(), "InputError", "INVALID_ARGUMENT");
        assert_js_error(g.check_image(JsValue::NULL).unwrap_err(), "InputError", "INVALID_ARGUMENT");
        let bytes = |b: &[u8]| JsValue::from(Uint8Array::from(b));
        assert_js_error(g.check_image(bytes(b"")).unwrap_err(), "InputError", "EMPTY_IMAGE");
        assert_js_error(g.check_image(bytes(b"not an image at all")).unwrap_err(), "InputError", "BAD_IMAGE");
        assert_js_error(g.check_image(bytes(&CIRCLES_PNG[..CIRCLES_PNG.len() / 2])).unwrap_err(), "InputError", "BAD_IMAGE");
        assert_js_error(g.check_image(bytes(&LANDSCAPE_JPG[..LANDSCAPE_JPG.len() / 2])).unwrap_err(), "InputError", "BAD_IMAGE");
        assert_js_error(g.check_image(bytes(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")).unwrap_err(), "InputError", "UNSUPPORTED_FORMAT");
        // Still usable afterwards.
        g.check_image(image_like(2.0, 2.0, Uint8Array::from(&red(2, 2)[..]).into())).unwrap();
    });
    IMG.with(|g| {
        let mut g = g.borrow_mut();
        assert_js_error(g.load_image_model(Uint8Array::from(BUNDLE).into()).unwrap_err(), "BundleError", "WRONG_KIND");
        assert_js_error(g.load_image_model(Uint8Array::from(&TINY[..TINY.len() - 5]).into()).unwrap_err(), "BundleError", "TRUNCATED");
        assert_js_error(g.load_image_model(JsValue::from("x")).unwrap_err(), "InputError", "INVALID_ARGUMENT");
        assert!(g.image_info().unwrap().is_object(), "the previous image model stays");
    });
}

#[wasm_bindgen_test]
fn open_nsfw_matches_the_native_parity_fixture() {
    let mut g = new_guard(BUNDLE).unwrap();
    g.load_image_model(Uint8Array::from(OPEN_NSFW).into()).unwrap();
    assert_eq!(get(&g.image_info().unwrap(), "engine").as_string().as_deref(), Some("int8"));
    // tests/fixtures/images/parity.json "exact" scores (Pillow pipeline without the JPEG round
    // trip, f32): the int8 image engine is within 2e-3 of them on these two images (its worst
    // over all test images, natively, is 6.3e-3: tests/image.rs).
    for (bytes, exact) in [(CIRCLES_PNG, CIRCLES_EXACT), (LANDSCAPE_JPG, LANDSCAPE_EXACT)] {
        let v = g.check_image(Uint8Array::from(bytes).into()).unwrap();
        let s = get(&v, "score").as_f64().unwrap();
        assert!((s - exact).abs() < 2e-3, "{s} vs {exact}");
    }
}
const CIRCLES_EXACT: f64 = 0.007427202071994543;
const LANDSCAPE_EXACT: f64 = 5.479879109770991e-05;
