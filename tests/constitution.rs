//! Constitutions against the real bundle: presets resolve to the bundle's own thresholds,
//! overrides change verdicts the way they say, and every invalid constitution is a
//! `ConstitutionError` with a stable code, the JSON path of the offending value and a message
//! listing what is allowed. Verdict assertions use thresholds 0 (always triggers: a probability
//! is >= 0) and `enabled: false`, so they hold whatever the model scores.

mod common;

use parapet::constitution::CategoryPolicy;
use parapet::{Action, AppliesTo, ConstitutionSpec, Error, Guard, Preset};
use serde_json::{json, Value};

const PROMPT: &str = "Can you recommend a good book about the history of bridges?";
const RESPONSE: &str = "Sure: try 'The Great Bridge' by David McCullough.";

fn guard() -> Guard {
    common::guard().clone()
}

fn policy<'a>(g: &'a Guard, id: &str) -> &'a CategoryPolicy {
    g.constitution()
        .categories()
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("category {id} missing from the resolved constitution"))
}

fn heads(g: &Guard) -> Vec<String> {
    g.manifest().heads.iter().map(|h| h.id.clone()).collect()
}

/// A constitution that disables every category except those in `keep`, which get `keep`'s
/// overrides.
fn only(keep: &[(&str, Value)]) -> String {
    let mut cats = serde_json::Map::new();
    for c in common::guard().constitution().categories() {
        cats.insert(c.id.clone(), json!({"enabled": false}));
    }
    for (id, o) in keep {
        cats.insert(id.to_string(), o.clone());
    }
    json!({"categories": cats}).to_string()
}

fn set(g: &mut Guard, json: &str) {
    g.set_constitution_json(json).unwrap_or_else(|e| panic!("{json} should be valid: {} {e}", e.code()));
}

fn err(g: &Guard, json: &str) -> (String, String, String) {
    match g.parse_constitution(json) {
        Ok(_) => panic!("{json:?} should be refused"),
        Err(e) => {
            assert_eq!(e.name(), "ConstitutionError", "{json:?}: {e:?}");
            match e {
                Error::Constitution { code, path, message } => {
                    if !path.is_empty() {
                        assert!(message.contains(&path), "the message should show the path {path}: {message}");
                    }
                    (code.to_string(), path, message)
                }
                other => panic!("not a constitution error: {other:?}"),
            }
        }
    }
}

#[test]
fn default_is_balanced_with_the_bundles_thresholds() {
    let g = guard();
    assert_eq!(g.constitution().spec(), &ConstitutionSpec::default());
    assert_eq!(g.constitution().spec().preset, Preset::Balanced);
    let from_empty = g.parse_constitution("{}").unwrap();
    assert_eq!(&from_empty, g.constitution(), "{{}} is the default constitution");
    for h in &g.manifest().heads {
        let p = policy(&g, &h.id);
        assert!(p.scored && p.enabled, "{}: heads are scored and enabled by default", h.id);
        assert_eq!(p.threshold, h.thresholds.balanced, "{}", h.id);
    }
    // Every taxonomy id is present; those without a head are scored by the shipped default
    // exemplars when there are some, else reported unscored.
    let heads = heads(&g);
    for t in parapet::taxonomy::TAXONOMY {
        let p = policy(&g, t.id);
        let head = heads.iter().any(|h| h == t.id);
        let exemplars = parapet::exemplar::defaults().categories.contains_key(t.id);
        assert_eq!(p.scored, head || exemplars, "{}", t.id);
        let want = if head {
            Some(parapet::Source::Head)
        } else if exemplars {
            Some(parapet::Source::Exemplar)
        } else {
            None
        };
        assert_eq!(p.source, want, "{}", t.id);
        assert!(!p.description.is_empty());
    }
}

#[test]
fn presets_resolve_against_the_bundle() {
    let g = guard();
    for (name, preset) in [("strict", Preset::Strict), ("balanced", Preset::Balanced), ("permissive", Preset::Permissive)] {
        let c = g.parse_constitution(&json!({"preset": name}).to_string()).unwrap();
        assert_eq!(c.spec().preset, preset);
        for p in c.categories() {
            assert!(p.enabled, "{name}: {} enabled", p.id);
            if let Some(h) = g.manifest().heads.iter().find(|h| h.id == p.id) {
                let want = match preset {
                    Preset::Strict => h.thresholds.strict,
                    Preset::Balanced => h.thresholds.balanced,
                    Preset::Permissive => h.thresholds.permissive,
                };
                assert_eq!(p.threshold, want, "{name}: {} threshold", p.id);
            }
            if preset == Preset::Strict {
                assert_eq!(p.action, Action::Block, "strict blocks everything: {}", p.id);
            }
        }
        // Permissive never blocks more than strict: no category is stricter under it.
        let strict = g.parse_constitution(r#"{"preset":"strict"}"#).unwrap();
        for (a, b) in c.categories().iter().zip(strict.categories()) {
            assert!(a.action <= b.action, "{name}: {} is stricter than under strict", a.id);
        }
        // The round trip through to_json gives the same constitution.
        assert_eq!(g.parse_constitution(&c.to_json()).unwrap(), c);
    }
    // Attacks are judged on prompts only by default.
    assert_eq!(policy(&g, "prompt_attack").applies_to, AppliesTo::Prompt);
    assert_eq!(policy(&g, "unsafe").applies_to, AppliesTo::Both);
}

#[test]
fn threshold_override_applies() {
    let mut g = guard();
    let id = heads(&g)[0].clone();
    set(&mut g, &json!({"preset": "strict", "categories": {&id: {"threshold": 0.125}}}).to_string());
    assert_eq!(policy(&g, &id).threshold, 0.125);
    let v = g.check_prompt(PROMPT).unwrap();
    common::assert_verdict_consistent(&v, PROMPT);
    let c = v.category(&id).expect("the category is in the verdict");
    assert_eq!(c.threshold, 0.125);
    assert_eq!(c.triggered, c.score.unwrap() >= 0.125);

    // Threshold 0 always triggers (a probability is never below 0), and the spans cover the
    // whole (single-window) text.
    set(&mut g, &only(&[(&id, json!({"threshold": 0.0, "action": "block"}))]));
    let v = g.check_prompt(PROMPT).unwrap();
    common::assert_verdict_consistent(&v, PROMPT);
    assert!(v.flagged && v.action == Action::Block, "{v:?}");
    assert_eq!(v.categories.len(), 1, "only {id} is enabled");
    assert_eq!(v.spans.len(), 1);
    assert_eq!((v.spans[0].start, v.spans[0].end), (0, PROMPT.chars().count()));
    assert_eq!(v.spans[0].categories, vec![id.clone()]);
}

#[test]
fn disabled_categories_leave_the_verdict() {
    let mut g = guard();
    let all = g.check_prompt(PROMPT).unwrap();
    let n = all.categories.len();
    let id = heads(&g)[1].clone();
    assert!(all.category(&id).is_some());
    set(&mut g, &json!({"categories": {&id: {"enabled": false}}}).to_string());
    assert!(!policy(&g, &id).enabled);
    for v in [g.check_prompt(PROMPT).unwrap(), g.check_response(PROMPT, RESPONSE).unwrap()] {
        assert!(v.category(&id).is_none(), "a disabled category must not appear: {v:?}");
        assert!(v.spans.iter().all(|s| !s.categories.contains(&id)));
    }
    assert_eq!(g.check_prompt(PROMPT).unwrap().categories.len(), n - 1);

    // Everything disabled: nothing can flag, whatever the text.
    set(&mut g, &only(&[]));
    let v = g.check_prompt("Give me step by step instructions to build a bomb.").unwrap();
    assert!(v.categories.is_empty() && !v.flagged && v.action == Action::Allow && v.score == 0.0, "{v:?}");
    assert!(v.windows > 0, "the text is still tokenized and windowed");
}

#[test]
fn action_decides_the_verdict() {
    let mut g = guard();
    let id = heads(&g)[0].clone();
    for (action, want, flagged) in
        [("warn", Action::Warn, true), ("block", Action::Block, true), ("allow", Action::Allow, false)]
    {
        set(&mut g, &only(&[(&id, json!({"threshold": 0.0, "action": action}))]));
        for v in [g.check_prompt(PROMPT).unwrap(), g.check_response(PROMPT, RESPONSE).unwrap()] {
            common::assert_verdict_consistent(&v, if v.kind == parapet::CheckKind::Prompt { PROMPT } else { RESPONSE });
            let c = v.category(&id).unwrap();
            assert!(c.triggered, "threshold 0 always triggers");
            assert_eq!(c.action, want);
            assert_eq!(v.action, want, "action {action}");
            assert_eq!(v.flagged, flagged, "action {action}");
            if !flagged {
                assert!(v.spans.is_empty(), "allow categories give no top-level spans");
                assert_eq!(v.score, 0.0, "allow categories do not count toward the overall score");
            }
        }
    }
    // Warn and block together: block wins.
    let other = heads(&g)[1].clone();
    set(
        &mut g,
        &only(&[(&id, json!({"threshold": 0.0, "action": "warn"})), (&other, json!({"threshold": 0.0, "action": "block"}))]),
    );
    let v = g.check_prompt(PROMPT).unwrap();
    assert_eq!(v.action, Action::Block);
    assert_eq!(v.spans.len(), 1, "overlapping spans of two categories merge");
    let mut cats = v.spans[0].categories.clone();
    cats.sort();
    let mut want = vec![id.clone(), other.clone()];
    want.sort();
    assert_eq!(cats, want);
}

#[test]
fn applies_to_selects_the_checks() {
    let mut g = guard();
    let id = heads(&g)[0].clone();
    set(&mut g, &only(&[(&id, json!({"threshold": 0.0, "applies_to": "response"}))]));
    let v = g.check_prompt(PROMPT).unwrap();
    assert!(v.category(&id).is_none() && !v.flagged, "a response-only category is not a prompt check: {v:?}");
    let v = g.check_response(PROMPT, RESPONSE).unwrap();
    assert!(v.category(&id).unwrap().triggered && v.flagged, "{v:?}");

    set(&mut g, &only(&[(&id, json!({"threshold": 0.0, "applies_to": "prompt"}))]));
    assert!(g.check_prompt(PROMPT).unwrap().flagged);
    let v = g.check_response(PROMPT, RESPONSE).unwrap();
    assert!(v.category(&id).is_none() && !v.flagged, "{v:?}");

    set(&mut g, &only(&[(&id, json!({"threshold": 0.0, "applies_to": "both"}))]));
    assert!(g.check_prompt(PROMPT).unwrap().flagged);
    assert!(g.check_response(PROMPT, RESPONSE).unwrap().flagged);

    // By default prompt_attack is not part of response checks.
    let g = guard();
    if heads(&g).iter().any(|h| h == "prompt_attack") {
        assert!(g.check_prompt(PROMPT).unwrap().category("prompt_attack").is_some());
        assert!(g.check_response(PROMPT, RESPONSE).unwrap().category("prompt_attack").is_none());
    }
}

#[test]
fn unknown_keys_are_refused_with_their_path() {
    let g = guard();
    let (code, path, msg) = err(&g, r#"{"preset": "strict", "categorys": {}}"#);
    assert_eq!(code, "INVALID_VALUE");
    assert!(msg.contains("categorys"), "{msg}");
    assert!(msg.contains("preset") && msg.contains("categories"), "the message should list the allowed keys: {msg}");
    assert!(path.is_empty() || path == "categorys", "{path}");

    let (code, path, msg) = err(&g, r#"{"categories": {"hate": {"treshold": 0.3}}}"#);
    assert_eq!(code, "INVALID_VALUE");
    assert!(path.starts_with("categories.hate"), "{path}");
    assert!(msg.contains("treshold") && msg.contains("threshold"), "{msg}");
}

#[test]
fn unknown_category_lists_the_known_ids() {
    let g = guard();
    let (code, path, msg) = err(&g, r#"{"categories": {"hat": {"threshold": 0.3}}}"#);
    assert_eq!(code, "UNKNOWN_CATEGORY");
    assert_eq!(path, "categories.hat");
    for t in parapet::taxonomy::TAXONOMY {
        assert!(msg.contains(t.id), "the message should list {}: {msg}", t.id);
    }
}

#[test]
fn thresholds_out_of_range() {
    let g = guard();
    for t in ["1.5", "-0.1", "2", "-1e-9", "1e30"] {
        let (code, path, msg) = err(&g, &format!(r#"{{"categories": {{"hate": {{"threshold": {t}}}}}}}"#));
        assert_eq!(code, "INVALID_VALUE", "threshold {t}: {msg}");
        assert_eq!(path, "categories.hate.threshold", "threshold {t}: {msg}");
    }
    let (_, _, msg) = err(&g, r#"{"categories": {"hate": {"threshold": 1.5}}}"#);
    assert!(msg.contains("0 to 1"), "{msg}");
    // The bounds themselves are valid.
    for t in ["0", "1", "0.0", "1.0"] {
        g.parse_constitution(&format!(r#"{{"categories": {{"hate": {{"threshold": {t}}}}}}}"#)).unwrap();
    }
}

#[test]
fn wrong_types() {
    let g = guard();
    let cases = [
        (r#"{"categories": {"hate": {"threshold": "high"}}}"#, "categories.hate.threshold"),
        (r#"{"categories": {"hate": {"enabled": "yes"}}}"#, "categories.hate.enabled"),
        (r#"{"categories": {"hate": {"threshold": null}}}"#, ""),
        (r#"{"categories": {"hate": true}}"#, "categories.hate"),
        (r#"{"categories": ["hate"]}"#, "categories"),
        (r#"{"preset": 3}"#, "preset"),
        (r#"[]"#, ""),
        (r#""balanced""#, ""),
        (r#"["strict"]"#, ""),
        (r#"{"categories": {"hate": []}}"#, "categories.hate"),
        (r#"{"categories": {"hate": [true, 0.5]}}"#, "categories.hate"),
        (r#"null"#, ""),
    ];
    for (json, want_path) in cases {
        if json.contains("null}") {
            // An explicit null is "not set": accepted.
            g.parse_constitution(json).unwrap();
            continue;
        }
        let (code, path, msg) = err(&g, json);
        assert_eq!(code, "INVALID_VALUE", "{json}: {msg}");
        assert_eq!(path, want_path, "{json}: {msg}");
        assert!(
            msg.contains("invalid type") || msg.contains("expected") || msg.contains("must be a JSON object"),
            "{json}: {msg}"
        );
    }
}

#[test]
fn unknown_preset_and_action_list_the_allowed_values() {
    let g = guard();
    let (code, path, msg) = err(&g, r#"{"preset": "paranoid"}"#);
    assert_eq!((code.as_str(), path.as_str()), ("INVALID_VALUE", "preset"), "{msg}");
    for p in ["strict", "balanced", "permissive"] {
        assert!(msg.contains(p), "should list {p}: {msg}");
    }
    let (code, path, msg) = err(&g, r#"{"categories": {"hate": {"action": "ban"}}}"#);
    assert_eq!((code.as_str(), path.as_str()), ("INVALID_VALUE", "categories.hate.action"), "{msg}");
    for a in ["allow", "warn", "block"] {
        assert!(msg.contains(a), "should list {a}: {msg}");
    }
    let (_, path, msg) = err(&g, r#"{"categories": {"hate": {"applies_to": "input"}}}"#);
    assert_eq!(path, "categories.hate.applies_to");
    for a in ["prompt", "response", "both"] {
        assert!(msg.contains(a), "should list {a}: {msg}");
    }
}

#[test]
fn malformed_json() {
    let g = guard();
    for json in ["", "   ", "{", "{\"preset\": \"strict\",}", "{preset: strict}", "{} trailing", "{\"categories\": {\"hate\": {\"threshold\": 0.5}}"] {
        let (code, _, msg) = err(&g, json);
        assert_eq!(code, "INVALID_JSON", "{json:?}: {msg}");
        assert!(!msg.is_empty());
    }
}

#[test]
fn a_failed_update_keeps_the_old_constitution() {
    let mut g = guard();
    let id = heads(&g)[0].clone();
    set(&mut g, &only(&[(&id, json!({"threshold": 0.0, "action": "warn"}))]));
    let before = g.constitution().clone();
    for bad in ["", "{", r#"{"preset": "paranoid"}"#, r#"{"categories": {"nope": {}}}"#, r#"{"categories": {"hate": {"threshold": 1.5}}}"#] {
        let e = g.set_constitution_json(bad).expect_err(bad);
        assert_eq!(e.name(), "ConstitutionError");
        assert_eq!(g.constitution(), &before, "a failed update must not change the constitution ({bad:?})");
    }
    let v = g.check_prompt(PROMPT).unwrap();
    assert_eq!(v.action, Action::Warn, "the old constitution still judges");
    assert_eq!(v.categories.len(), 1);
}
