//! The `parapet` binary as a user runs it: `check`, `check --json`, `scan` of files and stdin
//! with good and bad lines, `info`, and the exit codes and messages for a bad constitution or
//! a tampered bundle.
#![cfg(feature = "cli")]

mod common;

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn parapet() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_parapet"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> Output {
    parapet().args(args).output().expect("run the parapet binary")
}

fn run_stdin(args: &[&str], input: &str) -> Output {
    let mut child = parapet()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn parapet");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn describe(o: &Output) -> String {
    format!("exit {:?}\n--- stdout\n{}\n--- stderr\n{}", o.status.code(), text(&o.stdout), text(&o.stderr))
}

fn write_temp(name: &str, content: &[u8]) -> String {
    let p = common::temp_path(name);
    std::fs::write(&p, content).unwrap();
    p.to_string_lossy().into_owned()
}

fn json_lines(o: &Output) -> Vec<Value> {
    text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("output line is not JSON ({e}): {l}\n{}", describe(o))))
        .collect()
}

/// A verdict record of `scan` has the compact shape and agrees with itself.
fn assert_scan_record(r: &Value) {
    assert!(r.get("error").is_none(), "unexpected error record: {r}");
    let action = r["action"].as_str().unwrap_or_else(|| panic!("no action: {r}"));
    assert!(["allow", "warn", "block"].contains(&action), "{r}");
    assert_eq!(r["flagged"].as_bool().unwrap(), action != "allow", "{r}");
    let score = r["score"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&score), "{r}");
    let cats = r["categories"].as_object().unwrap_or_else(|| panic!("categories is not an object: {r}"));
    assert!(!cats.is_empty());
    for (id, s) in cats {
        assert!(s.is_null() || (0.0..=1.0).contains(&s.as_f64().unwrap()), "{id}: {s}");
    }
    for t in r["triggered"].as_array().unwrap() {
        assert!(cats.contains_key(t.as_str().unwrap()), "triggered {t} is not a category: {r}");
    }
    assert!(r["spans"].is_array());
}

fn assert_error_record(r: &Value, id: &Value, code: &str) {
    assert_eq!(&r["id"], id, "{r}");
    let e = &r["error"];
    assert!(e.is_object(), "not an error record: {r}");
    assert_eq!(e["name"], "InputError", "{r}");
    assert_eq!(e["code"], code, "{r}");
    assert!(!e["message"].as_str().unwrap().is_empty(), "{r}");
    assert!(r.get("action").is_none(), "an error record has no verdict: {r}");
}

#[test]
fn check_prints_a_verdict() {
    let o = run(&["check", "How do I bake sourdough bread?"]);
    assert!(o.status.success(), "{}", describe(&o));
    let out = text(&o.stdout);
    let first = out.lines().next().unwrap_or_default();
    assert!(
        ["ALLOW", "WARN", "BLOCK"].iter().any(|a| first.starts_with(a)) && first.contains("score"),
        "the first line should be the verdict: {out}"
    );
    assert!(first.contains("1 windows"), "{first}");
    for id in ["unsafe", "prompt_attack"] {
        assert!(out.contains(id), "every category is listed: {out}");
    }
}

#[test]
fn check_json_parses() {
    let o = run(&["check", "--json", "What's the tallest mountain in Europe?"]);
    assert!(o.status.success(), "{}", describe(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}\n{}", describe(&o)));
    assert_eq!(v["kind"], "prompt");
    assert_eq!(v["windows"], 1);
    assert!(v["categories"].as_array().unwrap().len() > 1);
    assert!(v["timings"]["totalMs"].as_f64().unwrap() >= 0.0);

    let o = run(&["check", "--json", "--response", "Mont Blanc or Elbrus, depending on the border.", "What's the tallest mountain in Europe?"]);
    assert!(o.status.success(), "{}", describe(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["kind"], "response");
    let ids: Vec<&str> = v["categories"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert!(!ids.contains(&"prompt_attack"), "prompt attacks are not judged on responses by default");
}

#[test]
fn scan_keeps_order_and_reports_bad_lines() {
    let mut lines = vec![
        r#"{"id": 1, "prompt": "How do I kill a Python process?"}"#.to_string(),
        r#"{"id": "b", "text": "A poem about autumn leaves, please."}"#.to_string(),
        r#"{"id": 3, "prompt": "What's 2+2?", "response": "4."}"#.to_string(),
        r#"{"id": 4, "prompt": "unterminated"#.to_string(),
        r#"[1, 2, 3]"#.to_string(),
        r#"{"id": 6, "response": "a response without its prompt"}"#.to_string(),
        r#"{"id": 7, "prompt": 42}"#.to_string(),
        String::new(),
        r#"{"id": 9, "prompt": "Name three primary colours."}"#.to_string(),
    ];
    // Enough further lines that parallel scanning would show any reordering.
    for i in 10..50 {
        lines.push(format!(r#"{{"id": {i}, "prompt": "Question number {i}: what is {i} times two?"}}"#));
    }
    let path = write_temp("scan-mixed.jsonl", lines.join("\n").as_bytes());
    let o = run(&["scan", &path]);
    assert_eq!(o.status.code(), Some(1), "bad lines make the exit code 1\n{}", describe(&o));
    assert!(text(&o.stderr).contains("could not be checked"), "{}", describe(&o));
    let out = json_lines(&o);
    assert_eq!(out.len(), lines.len() - 1, "one output line per non-blank input line\n{}", describe(&o));

    assert_eq!(out[0]["id"], 1);
    assert_scan_record(&out[0]);
    assert_eq!(out[1]["id"], "b");
    assert_scan_record(&out[1]);
    assert_eq!(out[2]["id"], 3);
    assert_scan_record(&out[2]);
    assert!(!out[2]["categories"].as_object().unwrap().contains_key("prompt_attack"), "line 3 is a response check");
    // Malformed JSON and a non-object have no id of their own: they are named by line number.
    assert_error_record(&out[3], &Value::from("line 4"), "BAD_LINE");
    assert!(out[3]["error"]["message"].as_str().unwrap().contains("invalid JSON"), "{}", out[3]);
    assert_error_record(&out[4], &Value::from("line 5"), "BAD_LINE");
    assert_error_record(&out[5], &Value::from(6), "BAD_LINE");
    assert!(out[5]["error"]["message"].as_str().unwrap().contains("prompt"), "{}", out[5]);
    assert_error_record(&out[6], &Value::from(7), "BAD_LINE");
    assert_eq!(out[7]["id"], 9);
    assert_scan_record(&out[7]);
    for (k, r) in out[8..].iter().enumerate() {
        assert_eq!(r["id"], 10 + k as u64, "output order must be input order");
        assert_scan_record(r);
    }
}

#[test]
fn scan_survives_invalid_utf8_and_crlf() {
    let input = b"{\"id\": 1, \"text\": \"before\"}\r\n{\"id\": 2, \"text\": \"bad \xff\xfe bytes\"}\r\n\r\n{\"id\": 3, \"text\": \"after\"}\r\n";
    let path = write_temp("scan-utf8.jsonl", input);
    let o = run(&["scan", &path]);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&o));
    let out = json_lines(&o);
    assert_eq!(out.len(), 3, "{}", describe(&o));
    assert_eq!(out[0]["id"], 1);
    assert_scan_record(&out[0]);
    assert_error_record(&out[1], &Value::from("line 2"), "BAD_LINE");
    assert!(out[1]["error"]["message"].as_str().unwrap().contains("UTF-8"), "{}", out[1]);
    assert_eq!(out[2]["id"], 3, "lines after a bad one are still scanned");
    assert_scan_record(&out[2]);
}

#[test]
fn scan_engine_errors_become_records() {
    // A text over the engine's size limit is that line's error, not the scan's.
    let big = "a".repeat(parapet::MAX_INPUT_BYTES + 1);
    let content = format!("{{\"id\": \"big\", \"prompt\": \"{big}\"}}\n{{\"id\": \"ok\", \"prompt\": \"hello\"}}\n");
    let path = write_temp("scan-big.jsonl", content.as_bytes());
    let o = run(&["scan", &path]);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&o));
    let out = json_lines(&o);
    assert_eq!(out.len(), 2);
    assert_error_record(&out[0], &Value::from("big"), "TOO_LARGE");
    assert_eq!(out[1]["id"], "ok");
    assert_scan_record(&out[1]);
}

#[test]
fn clean_scan_exits_zero_and_writes_the_output_file() {
    let input = "{\"id\": \"a\", \"prompt\": \"Recommend a board game for four players.\"}\n\
                 {\"id\": \"b\", \"prompt\": \"Thanks!\", \"response\": \"You're welcome.\"}\n";
    let path = write_temp("scan-clean.jsonl", input.as_bytes());
    let o = run(&["scan", &path]);
    assert!(o.status.success(), "{}", describe(&o));
    let out = json_lines(&o);
    assert_eq!(out.iter().map(|r| r["id"].clone()).collect::<Vec<_>>(), vec![Value::from("a"), Value::from("b")]);
    out.iter().for_each(assert_scan_record);

    let dest = common::temp_path("scan-clean.out.jsonl");
    let o2 = run(&["scan", &path, "--output", dest.to_str().unwrap()]);
    assert!(o2.status.success(), "{}", describe(&o2));
    assert!(o2.stdout.is_empty(), "with --output nothing goes to stdout");
    let written = std::fs::read_to_string(&dest).unwrap();
    let strip = |s: &str| s.lines().map(|l| {
        let mut v: Value = serde_json::from_str(l).unwrap();
        v.as_object_mut().unwrap().remove("spans");
        v
    }).collect::<Vec<_>>();
    assert_eq!(strip(&written), strip(&text(&o.stdout)), "the file holds the same records");
}

#[test]
fn scan_reads_stdin() {
    let input = "{\"id\": 1, \"text\": \"first\"}\n{\"id\": 2, \"text\": \"second\"}\nnot json\n";
    let o = run_stdin(&["scan", "-"], input);
    assert_eq!(o.status.code(), Some(1), "{}", describe(&o));
    let out = json_lines(&o);
    assert_eq!(out.len(), 3);
    assert_eq!((out[0]["id"].clone(), out[1]["id"].clone()), (Value::from(1), Value::from(2)));
    assert_scan_record(&out[0]);
    assert_error_record(&out[2], &Value::from("line 3"), "BAD_LINE");

    let o = run_stdin(&["scan", "-"], "{\"id\": 1, \"text\": \"only good lines\"}\n");
    assert!(o.status.success(), "{}", describe(&o));
}

#[test]
fn missing_scan_input_fails_cleanly() {
    let o = run(&["scan", "/nonexistent/parapet-input.jsonl"]);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    assert!(text(&o.stderr).contains("cannot open"), "{}", describe(&o));
}

#[test]
fn bad_constitution_exits_2_naming_the_path() {
    let bad = write_temp("bad-constitution.json", br#"{"categories": {"hate": {"threshold": 1.5}}}"#);
    let o = run(&["--constitution", &bad, "check", "hello"]);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let err = text(&o.stderr);
    assert!(err.contains("ConstitutionError") && err.contains("categories.hate.threshold"), "{}", describe(&o));
    assert!(o.stdout.is_empty(), "no verdict with a bad constitution");

    let malformed = write_temp("malformed-constitution.json", b"{\"preset\": ");
    let o = run(&["check", "hello", "--constitution", &malformed]);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    assert!(text(&o.stderr).contains("invalid JSON"), "{}", describe(&o));

    let o = run(&["--constitution", "/nonexistent/constitution.json", "check", "hello"]);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    assert!(text(&o.stderr).contains("cannot read constitution"), "{}", describe(&o));
}

#[test]
fn a_constitution_file_changes_the_verdict() {
    let c = write_temp("zero-constitution.json", br#"{"preset": "strict", "categories": {"unsafe": {"threshold": 0, "action": "warn"}}}"#);
    let o = run(&["--constitution", &c, "check", "--json", "Nice weather today."]);
    assert!(o.status.success(), "{}", describe(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let unsafe_ = v["categories"].as_array().unwrap().iter().find(|c| c["id"] == "unsafe").unwrap();
    assert_eq!((unsafe_["triggered"].clone(), unsafe_["action"].clone(), unsafe_["threshold"].clone()), (Value::from(true), Value::from("warn"), Value::from(0.0)));
    assert_eq!(v["flagged"], true);
}

#[test]
fn tampered_model_is_refused() {
    let mut bytes = common::bundle_bytes().to_vec();
    let n = bytes.len();
    bytes[n / 2] ^= 0x40; // inside model.onnx
    let path = write_temp("tampered.parapet", &bytes);
    let o = run(&["--model", &path, "check", "hello"]);
    assert_ne!(o.status.code(), Some(0), "{}", describe(&o));
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let err = text(&o.stderr);
    assert!(err.contains("BundleError") && err.contains("sha256 mismatch"), "{}", describe(&o));
    assert!(err.contains("model.onnx"), "the message names the part: {err}");
    assert!(o.stdout.is_empty());

    let o = run(&["--model", "/nonexistent/model.parapet", "check", "hello"]);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    assert!(text(&o.stderr).contains("cannot read model"), "{}", describe(&o));

    // The real bundle given explicitly works like the embedded default.
    let real = common::bundle_path();
    let o = run(&["--model", real.to_str().unwrap(), "info"]);
    assert!(o.status.success(), "{}", describe(&o));
}

#[test]
fn info_describes_the_embedded_bundle() {
    let o = run(&["info"]);
    assert!(o.status.success(), "{}", describe(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let b = parapet::Bundle::from_bytes(common::bundle_bytes()).unwrap();
    assert_eq!(v["bundle"]["sha256"], b.sha256.as_str(), "the binary embeds the shipped bundle");
    assert_eq!(v["bundle"]["maxSeqLen"], b.manifest.max_seq_len);
    let heads: Vec<&str> = v["bundle"]["heads"].as_array().unwrap().iter().map(|h| h.as_str().unwrap()).collect();
    assert_eq!(heads, b.manifest.heads.iter().map(|h| h.id.as_str()).collect::<Vec<_>>());
    assert_eq!(v["constitution"]["preset"], "balanced");
    assert_eq!(v["categories"].as_array().unwrap().len(), parapet::taxonomy::TAXONOMY.len());
    assert_eq!(v["bundle"]["engine"], "int8", "the shipped model runs on the int8 engine");
}

#[test]
fn the_engine_flag_picks_the_engine_or_names_the_choices() {
    let o = run(&["--engine", "tract", "info"]);
    assert!(o.status.success(), "{}", describe(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["bundle"]["engine"], "tract");
    let o = run(&["--engine", "fast", "check", "hello"]);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let err = text(&o.stderr);
    assert!(err.contains("InputError") && err.contains("\"tract\""), "{}", describe(&o));
}

#[test]
fn example_chats_scan() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chats.jsonl");
    let src = std::fs::read_to_string(&path).expect("examples/chats.jsonl (the README's quick start) exists");
    let n = src.lines().filter(|l| !l.trim().is_empty()).count();
    assert!(n >= 25, "examples/chats.jsonl has {n} lines");
    let o = run(&["scan", "examples/chats.jsonl"]);
    assert!(o.status.success(), "every example line must be valid\n{}", describe(&o));
    let out = json_lines(&o);
    assert_eq!(out.len(), n);
    out.iter().for_each(assert_scan_record);
    let ids: std::collections::BTreeSet<String> = out.iter().map(|r| r["id"].to_string()).collect();
    assert_eq!(ids.len(), n, "example ids are unique");
}

/// Images: `check --image` and `{"id", "image"}` scan lines use the embedded open_nsfw bundle;
/// `--image-model` swaps it for any image-guard bundle.
#[test]
fn image_checks() {
    let o = run(&["check", "--json", "--image", "tests/fixtures/images/landscape.jpg"]);
    assert!(o.status.success(), "{}", describe(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["kind"], "image");
    assert!(v["categories"][0]["score"].as_f64().unwrap() < 0.1);
    let o = run_stdin(
        &["scan", "-", "--image-model", "tests/fixtures/tiny-red.parapet"],
        "{\"id\":\"a\",\"image\":\"tests/fixtures/images/color_bars.png\"}\n{\"id\":\"b\",\"image\":\"missing.png\"}\n{\"id\":\"c\",\"image\":\"Cargo.toml\"}\n",
    );
    assert_eq!(o.status.code(), Some(1), "{}", describe(&o));
    let lines: Vec<serde_json::Value> =
        text(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(lines[0]["categories"]["violent_crimes"].is_number(), "{}", describe(&o));
    assert_eq!(lines[1]["error"]["code"], "BAD_LINE");
    assert_eq!(lines[2]["error"]["code"], "BAD_IMAGE");
    let o = run(&["check", "--image", "tests/fixtures/images/circles.png", "--image-model", "models/parapet-guard.parapet"]);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    assert!(text(&o.stderr).contains("image-guard"), "{}", describe(&o));
}

#[test]
fn scan_reports_custom_and_pattern_categories() {
    let constitution = write_temp(
        "custom.json",
        br#"{"custom_categories": [{"id": "gambling", "description": "Encouraging or facilitating gambling",
              "examples": ["How do I win at blackjack?", "Best online casino bonus?", "Give me a sports betting strategy.",
                           "Which slot machines pay out most?", "How do I count cards?"], "threshold": 0.0}],
             "patterns": [{"id": "codename", "regex": "project\\s+nightjar", "action": "redact"}]}"#,
    );
    let input = "{\"id\": \"a\", \"prompt\": \"Tell me about Project  Nightjar please\"}\n";
    let o = run_stdin(&["--constitution", &constitution, "scan", "-"], input);
    assert!(o.status.success(), "{}", describe(&o));
    let lines = json_lines(&o);
    let r = &lines[0];
    assert!(r["categories"]["gambling"].is_number(), "custom category score: {r}");
    assert_eq!(r["categories"]["codename"].as_f64(), Some(1.0), "{r}");
    let triggered: Vec<&str> = r["triggered"].as_array().unwrap().iter().filter_map(|t| t.as_str()).collect();
    assert!(triggered.contains(&"codename") && triggered.contains(&"gambling"), "{r}");
    assert_eq!(r["redacted"].as_str(), Some("Tell me about [REDACTED:codename] please"), "{r}");
}
