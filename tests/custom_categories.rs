//! Constitutions users write: custom categories from examples, pattern rules (and `redact`),
//! allow rules, their errors (code + JSON path), the exemplar cache, and the published JSON
//! Schema. Verdict assertions use thresholds 0 / 1, pattern matches and `enabled: false`, so
//! they hold whatever the model scores.

mod common;

use parapet::{Action, Error, Guard, Source};
use serde_json::{json, Value};
use std::time::Instant;

fn guard() -> Guard {
    common::guard().clone()
}

fn examples(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("How do I bet on horse race number {i} to win money?")).collect()
}

fn gambling(extra: Value) -> Value {
    let mut c = json!({
        "id": "gambling",
        "description": "Encouraging or facilitating gambling",
        "examples": ["How do I win at blackjack in a casino?", "What's the best online casino bonus?",
                     "Give me a betting strategy for this weekend's football.", "Which slot machines pay out the most?",
                     "How can I count cards without getting caught?"],
        "counterexamples": ["What is the probability of rolling two sixes?"],
    });
    if let (Some(o), Some(e)) = (c.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            o.insert(k.clone(), v.clone());
        }
    }
    c
}

/// Every taxonomy category disabled, plus `rest`.
fn only(rest: Value) -> String {
    let mut cats = serde_json::Map::new();
    for t in parapet::taxonomy::TAXONOMY {
        cats.insert(t.id.to_string(), json!({"enabled": false}));
    }
    for h in &common::guard().manifest().heads {
        cats.insert(h.id.clone(), json!({"enabled": false}));
    }
    let mut c = json!({"categories": cats});
    for (k, v) in rest.as_object().unwrap() {
        if k == "categories" {
            for (id, o) in v.as_object().unwrap() {
                c["categories"][id] = o.clone();
            }
        } else {
            c[k] = v.clone();
        }
    }
    c.to_string()
}

fn set(g: &mut Guard, json: &str) {
    g.set_constitution_json(json).unwrap_or_else(|e| panic!("{json} should be valid: {} {e}", e.code()));
}

fn err(json: Value) -> (String, String, String) {
    let s = json.to_string();
    match common::guard().parse_constitution(&s) {
        Ok(_) => panic!("{s} should be refused"),
        Err(Error::Constitution { code, path, message }) => {
            if !path.is_empty() {
                assert!(message.contains(&path), "the message should show the path {path}: {message}");
            }
            (code.to_string(), path, message)
        }
        Err(e) => panic!("not a constitution error: {e:?}"),
    }
}

#[test]
fn custom_categories_appear_in_verdicts() {
    let mut g = guard();
    set(&mut g, &only(json!({"custom_categories": [gambling(json!({"threshold": 0.0}))]})));
    let text = "Which casino game has the best odds for a beginner?";
    let v = g.check_prompt(text).unwrap();
    common::assert_verdict_consistent(&v, text);
    let c = v.category("gambling").expect("the custom category is in the verdict");
    assert_eq!(c.source, Some(Source::Exemplar));
    assert!(c.triggered && c.action == Action::Block && v.flagged, "threshold 0 always triggers: {v:?}");
    assert_eq!(v.spans[0].categories, vec!["gambling".to_string()]);
    let p = g.constitution().categories().iter().find(|p| p.id == "gambling").unwrap();
    assert!(p.scored && p.source == Some(Source::Exemplar));

    // Threshold 1 can only trigger on a perfect score; the score is still reported.
    set(&mut g, &only(json!({"custom_categories": [gambling(json!({"threshold": 1.0, "action": "warn"}))]})));
    let v = g.check_prompt(text).unwrap();
    let c = v.category("gambling").unwrap();
    assert!(c.score.is_some_and(|s| (0.0..=1.0).contains(&s)));
    // Response checks too (applies_to both by default); prompt-only ones are not.
    assert!(g.check_response("hi", text).unwrap().category("gambling").is_some());
    set(&mut g, &only(json!({"custom_categories": [gambling(json!({"applies_to": "prompt"}))]})));
    assert!(g.check_response("hi", text).unwrap().category("gambling").is_none());
    // Overrides name custom categories like any other.
    set(&mut g, &only(json!({"custom_categories": [gambling(json!({}))], "categories": {"gambling": {"enabled": false}}})));
    assert!(g.check_prompt(text).unwrap().category("gambling").is_none());
    // The examples decide: a gambling prompt scores higher than an unrelated one.
    set(&mut g, &only(json!({"custom_categories": [gambling(json!({}))]})));
    let hi = g.check_prompt("What's a good roulette betting system to win money at the casino?").unwrap();
    let lo = g.check_prompt("How do I repot a cactus?").unwrap();
    let (hi, lo) = (hi.category("gambling").unwrap().score.unwrap(), lo.category("gambling").unwrap().score.unwrap());
    assert!(hi > lo, "gambling {hi} vs cactus {lo}");
    // Empty text is never judged.
    assert!(!g.check_prompt("   ").unwrap().flagged);
    // A response is compared with the exemplars on its own: refusing a gambling prompt is not
    // gambling, answering it is.
    let q = "What's a good roulette betting system to win money at the casino?";
    let refusal = g.check_response(q, "I'd rather not help with that. Is there anything else I can do?").unwrap();
    let answer = g.check_response("hi", q).unwrap();
    let (r, a) = (refusal.category("gambling").unwrap().score.unwrap(), answer.category("gambling").unwrap().score.unwrap());
    assert!(r < a, "refusal {r} vs gambling text {a}");
}

#[test]
fn default_exemplar_categories_are_scored() {
    let g = guard();
    let heads: Vec<&str> = g.manifest().heads.iter().map(|h| h.id.as_str()).collect();
    let v = g.check_prompt("Write a fake news story saying the mayor was arrested for fraud.").unwrap();
    for id in parapet::exemplar::defaults().categories.keys() {
        if heads.contains(&id.as_str()) {
            continue;
        }
        let c = v.category(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(c.source, Some(Source::Exemplar), "{id}");
        assert!(c.score.is_some(), "{id} is scored by the default exemplars");
    }
}

#[test]
fn patterns_match_normalised_text_and_redact() {
    let mut g = guard();
    set(
        &mut g,
        &only(json!({"patterns": [
            {"id": "codename", "regex": "project\\s+nightjar", "action": "block"},
            {"id": "card", "regex": "\\b(?:\\d[ -]?){15}\\d\\b", "action": "redact"},
            {"id": "words", "keywords": ["Frobnicate", "c++"], "category": "jargon", "action": "warn"},
            {"id": "resp", "keywords": ["secret sauce"], "applies_to": "response"}
        ]})),
    );
    let text = "Über-secret: ＰＲＯＪＥＣＴ  Nightjar ships soon.";
    let v = g.check_prompt(text).unwrap();
    common::assert_verdict_consistent(&v, text);
    let c = v.category("codename").unwrap();
    assert_eq!((c.score, c.triggered, c.source), (Some(1.0), true, Some(Source::Pattern)));
    assert_eq!(v.action, Action::Block);
    let s = &c.spans[0];
    let matched: String = text.chars().skip(s.start).take(s.end - s.start).collect();
    assert_eq!(matched, "ＰＲＯＪＥＣＴ  Nightjar", "the span is the match in the original text");
    assert!(v.redacted.is_none(), "nothing to redact");
    assert_eq!(v.category("jargon").unwrap().score, Some(0.0));
    assert!(!v.category("jargon").unwrap().triggered);

    let text = "My card is 4111 1111 1111 1111, I love C++ and frobnicating.";
    let v = g.check_prompt(text).unwrap();
    common::assert_verdict_consistent(&v, text);
    assert_eq!(v.action, Action::Redact);
    assert!(v.flagged);
    assert_eq!(v.redacted.as_deref(), Some("My card is [REDACTED:card], I love C++ and frobnicating."));
    let j = v.category("jargon").unwrap();
    assert!(j.triggered && j.action == Action::Warn, "c++ matches, frobnicating is not the word: {j:?}");
    assert_eq!(j.spans.len(), 1);
    // Response-only rules skip prompt checks.
    assert!(v.category("resp").is_none());
    let v = g.check_response("what's in it?", "The secret sauce is mayo.").unwrap();
    assert!(v.category("resp").unwrap().triggered);

    // Pattern categories take overrides.
    set(&mut g, &only(json!({"patterns": [{"id": "codename", "keywords": ["nightjar"]}], "categories": {"codename": {"action": "allow"}}})));
    let v = g.check_prompt("nightjar").unwrap();
    assert!(v.category("codename").unwrap().triggered && !v.flagged);
}

#[test]
fn allow_rules_lower_a_category() {
    let mut g = guard();
    let text = "Which casino game has the best odds for a beginner?";
    let base = only(json!({"custom_categories": [gambling(json!({}))]}));
    set(&mut g, &base);
    let before = g.check_prompt(text).unwrap().category("gambling").unwrap().score.unwrap();
    // A keyword inside the window removes the category there (strength 1).
    set(&mut g, &only(json!({"custom_categories": [gambling(json!({}))], "allow": [{"category": "gambling", "keywords": ["odds"]}]})));
    let v = g.check_prompt(text).unwrap();
    assert_eq!(v.category("gambling").unwrap().score, Some(0.0), "{v:?}");
    // Half strength halves it.
    set(&mut g, &only(json!({"custom_categories": [gambling(json!({}))], "allow": [{"category": "gambling", "patterns": ["best\\s+odds"], "strength": 0.5}]})));
    let half = g.check_prompt(text).unwrap().category("gambling").unwrap().score.unwrap();
    assert!((half - before * 0.5).abs() < 1e-5, "{half} vs {before}");
    // Allow examples lower it by their similarity, never raise it.
    set(&mut g, &only(json!({"custom_categories": [gambling(json!({}))], "allow": [{"category": "gambling", "examples": ["Which casino game has the best odds for a beginner?"]}]})));
    let after = g.check_prompt(text).unwrap().category("gambling").unwrap().score.unwrap();
    assert!(after < before, "an identical allow example lowers the score: {after} vs {before}");
    // On a head category too.
    let head = g.manifest().heads[0].id.clone();
    set(&mut g, &only(json!({"categories": {&head: {"enabled": true, "threshold": 0.0}}, "allow": [{"category": &head, "keywords": ["bread"]}]})));
    let v = g.check_prompt("How do I bake bread?").unwrap();
    assert_eq!(v.category(&head).unwrap().score, Some(0.0));
    assert!(v.category(&head).unwrap().triggered, "threshold 0 still triggers at 0");
}

#[test]
fn every_error_names_its_path() {
    let cases: Vec<(Value, &str, &str, &str)> = vec![
        (json!({"custom_categories": [gambling(json!({})), gambling(json!({"id": "g2", "examples": ["a", "b"]}))]}),
         "INVALID_VALUE", "custom_categories[1].examples", "needs 5 to 50 examples, got 2"),
        (json!({"custom_categories": [gambling(json!({"examples": examples(51)}))]}), "INVALID_VALUE", "custom_categories[0].examples", "got 51"),
        (json!({"custom_categories": [gambling(json!({"examples": ["a", "b", " ", "d", "e"]}))]}), "INVALID_VALUE", "custom_categories[0].examples[2]", "empty"),
        (json!({"custom_categories": [gambling(json!({"counterexamples": [""]}))]}), "INVALID_VALUE", "custom_categories[0].counterexamples[0]", "empty"),
        (json!({"custom_categories": [gambling(json!({})), gambling(json!({}))]}), "DUPLICATE_ID", "custom_categories[1].id", "twice"),
        (json!({"custom_categories": [gambling(json!({"id": "hate"}))]}), "DUPLICATE_ID", "custom_categories[0].id", "taxonomy"),
        (json!({"custom_categories": [gambling(json!({"id": "no spaces"}))]}), "INVALID_VALUE", "custom_categories[0].id", "not a valid id"),
        (json!({"custom_categories": [gambling(json!({"id": ""}))]}), "INVALID_VALUE", "custom_categories[0].id", "not a valid id"),
        (json!({"custom_categories": [gambling(json!({"description": "  "}))]}), "INVALID_VALUE", "custom_categories[0].description", "empty"),
        (json!({"custom_categories": [gambling(json!({"threshold": 2}))]}), "INVALID_VALUE", "custom_categories[0].threshold", "0 to 1"),
        (json!({"custom_categories": [gambling(json!({"action": "ban"}))]}), "INVALID_VALUE", "custom_categories[0].action", "redact"),
        (json!({"custom_categories": [gambling(json!({"exampels": []}))]}), "INVALID_VALUE", "custom_categories[0].exampels", "expected one of"),
        (json!({"custom_categories": [3]}), "INVALID_VALUE", "custom_categories[0]", "object"),
        (json!({"patterns": [{"id": "p", "regex": "(unclosed"}]}), "INVALID_REGEX", "patterns[0].regex", "regular expression"),
        (json!({"patterns": [{"id": "p", "regex": "\\w{500}{500}"}]}), "INVALID_REGEX", "patterns[0].regex", "too large"),
        (json!({"patterns": [{"id": "p", "regex": "(?=look)ahead"}]}), "INVALID_REGEX", "patterns[0].regex", "regular expression"),
        (json!({"patterns": [{"id": "p"}]}), "INVALID_VALUE", "patterns[0]", "exactly one"),
        (json!({"patterns": [{"id": "p", "regex": "a", "keywords": ["b"]}]}), "INVALID_VALUE", "patterns[0]", "exactly one"),
        (json!({"patterns": [{"id": "p", "keywords": []}]}), "INVALID_VALUE", "patterns[0].keywords", "empty"),
        (json!({"patterns": [{"id": "p", "keywords": ["ok", " "]}]}), "INVALID_VALUE", "patterns[0].keywords[1]", "empty"),
        (json!({"patterns": [{"id": "p", "regex": "a"}, {"id": "p", "regex": "b"}]}), "DUPLICATE_ID", "patterns[1].id", "twice"),
        (json!({"patterns": [{"id": "p", "regex": "a", "category": "privacy"}]}), "DUPLICATE_ID", "patterns[0].category", "its own"),
        (json!({"custom_categories": [gambling(json!({}))], "patterns": [{"id": "gambling", "regex": "a"}]}), "DUPLICATE_ID", "patterns[0].id", "its own"),
        (json!({"allow": [{"category": "nope", "keywords": ["x"]}]}), "UNKNOWN_CATEGORY", "allow[0].category", "self_harm"),
        (json!({"allow": [{"category": "self_harm"}]}), "INVALID_VALUE", "allow[0]", "examples"),
        (json!({"allow": [{"category": "self_harm", "keywords": ["x"], "strength": 1.5}]}), "INVALID_VALUE", "allow[0].strength", "0 to 1"),
        (json!({"allow": [{"category": "self_harm", "patterns": ["ok", "(bad"]}]}), "INVALID_REGEX", "allow[0].patterns[1]", "regular expression"),
        (json!({"allow": [{"category": "self_harm", "examples": ["fine", ""]}]}), "INVALID_VALUE", "allow[0].examples[1]", "empty"),
        (json!({"categories": {"gambling": {"enabled": false}}}), "UNKNOWN_CATEGORY", "categories.gambling", "unknown category"),
    ];
    for (c, code, path, needle) in cases {
        let (got_code, got_path, msg) = err(c.clone());
        assert_eq!((got_code.as_str(), got_path.as_str()), (code, path), "{c}: {msg}");
        assert!(msg.contains(needle), "{c}: the message should say {needle:?}: {msg}");
    }
}

#[test]
fn a_failed_update_keeps_the_old_custom_constitution() {
    let mut g = guard();
    set(&mut g, &only(json!({"custom_categories": [gambling(json!({"threshold": 0.0}))]})));
    let before = g.constitution().clone();
    assert!(g.set_constitution_json(&json!({"patterns": [{"id": "p", "regex": "("}]}).to_string()).is_err());
    assert_eq!(g.constitution(), &before);
    assert!(g.check_prompt("blackjack tonight?").unwrap().category("gambling").unwrap().triggered);
}

#[test]
fn setting_a_constitution_is_cheap_and_cached() {
    let mut g = guard();
    let c = json!({"custom_categories": [gambling(json!({"examples": examples(50), "counterexamples": examples(50).iter().map(|e| format!("not {e}")).collect::<Vec<_>>()}))]}).to_string();
    let t = Instant::now();
    set(&mut g, &c);
    let first = t.elapsed();
    let t = Instant::now();
    set(&mut g, &c);
    let again = t.elapsed();
    eprintln!("set with 101 new exemplars: {first:?}; again (cached): {again:?}");
    assert!(first.as_secs_f64() < 10.0, "{first:?}");
    assert!(again < first, "the second set hits the cache: {again:?} vs {first:?}");
    assert!(g.constitution().is_embedded());
    // Constitution::from_json alone does not embed; set_constitution does.
    let raw = parapet::Constitution::from_json(&c, &g.manifest().heads).unwrap();
    assert!(!raw.is_embedded());
    g.set_constitution(raw).unwrap();
    assert!(g.constitution().is_embedded());
}

/// Every ```json block of the README that looks like a constitution.
fn readme_constitutions() -> Vec<String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut out = Vec::new();
    let mut rest = readme.as_str();
    while let Some(i) = rest.find("```json\n") {
        rest = &rest[i + 8..];
        let end = rest.find("```").unwrap();
        let block = &rest[..end];
        rest = &rest[end + 3..];
        if let Ok(v) = serde_json::from_str::<Value>(block) {
            if v.get("preset").is_some() || v.get("custom_categories").is_some() || v.get("patterns").is_some() {
                out.push(block.to_string());
            }
        }
    }
    out
}

#[test]
fn readme_and_example_constitutions_parse() {
    let g = common::guard();
    let readme = readme_constitutions();
    assert!(readme.len() >= 2, "the README shows constitutions");
    for c in readme {
        g.parse_constitution(&c).unwrap_or_else(|e| panic!("README constitution refused: {} {e}\n{c}", e.code()));
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/controllability");
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            g.parse_constitution(&std::fs::read_to_string(&p).unwrap())
                .unwrap_or_else(|e| panic!("{}: {} {e}", p.display(), e.code()));
        }
    }
}

fn schema() -> Value {
    serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/pkg/constitution.schema.json")).unwrap())
        .unwrap()
}

fn enum_of(v: &Value) -> Vec<String> {
    let mut e: Vec<String> = v["enum"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect();
    e.sort();
    e
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v["properties"].as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

#[test]
fn the_schema_matches_the_engine() {
    let s = schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let d = &s["$defs"];
    let sorted = |mut v: Vec<&str>| {
        v.sort();
        v.into_iter().map(String::from).collect::<Vec<_>>()
    };
    // Enums: serialise every variant through the engine's own serde names.
    let actions: Vec<String> = [Action::Allow, Action::Warn, Action::Redact, Action::Block]
        .iter()
        .map(|a| serde_json::to_value(a).unwrap().as_str().unwrap().to_string())
        .collect();
    assert_eq!(enum_of(&d["action"]), sorted(actions.iter().map(String::as_str).collect()));
    assert_eq!(enum_of(&s["properties"]["preset"]), sorted(vec!["strict", "balanced", "permissive"]));
    assert_eq!(enum_of(&d["applies_to"]), sorted(vec!["prompt", "response", "both"]));
    let tax: Vec<&str> = parapet::taxonomy::TAXONOMY.iter().map(|t| t.id).collect();
    assert_eq!(enum_of(&d["taxonomy_id"]), sorted(tax));
    // Property names: those of a fully populated spec, as the engine serialises it.
    let full = json!({
        "preset": "strict",
        "categories": {"hate": {"enabled": true, "threshold": 0.5, "action": "warn", "applies_to": "both"}},
        "custom_categories": [gambling(json!({"enabled": true, "threshold": 0.5, "action": "block", "applies_to": "both"}))],
        "patterns": [{"id": "p", "regex": "a", "category": "c", "action": "redact", "applies_to": "prompt"},
                     {"id": "q", "keywords": ["b"]}],
        "allow": [{"category": "self_harm", "examples": ["x"], "patterns": ["y"], "keywords": ["z"], "strength": 0.5}],
        "normalize": false,
    });
    let c = common::guard().parse_constitution(&full.to_string()).unwrap();
    let back: Value = serde_json::from_str(&c.to_json()).unwrap();
    let obj_keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&s), obj_keys(&back));
    assert_eq!(keys(&d["override"]), obj_keys(&back["categories"]["hate"]));
    assert_eq!(keys(&d["custom_category"]), obj_keys(&back["custom_categories"][0]));
    let mut pk = obj_keys(&back["patterns"][0]);
    pk.push("keywords".into());
    pk.sort();
    assert_eq!(keys(&d["pattern"]), pk);
    assert_eq!(keys(&d["allow"]), obj_keys(&back["allow"][0]));
}
