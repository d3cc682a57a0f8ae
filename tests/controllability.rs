//! Controllability: under each policy of `tests/controllability/`, parapet's verdicts agree
//! with the policy's labels more often with the policy's constitution than with the default
//! one, for most policies. The numbers come from the shipped model; nothing is hard-coded.

mod common;
#[path = "controllability/eval.rs"]
mod eval;

#[test]
fn policies_beat_the_default_constitution() {
    let names = eval::policies();
    assert!(names.len() >= 5, "at least 5 policies: {names:?}");
    let mut better = 0;
    let mut report = String::new();
    for name in &names {
        assert!(eval::items(name).len() >= 40, "{name}: at least 40 prompts");
        let r = eval::evaluate(common::guard(), name);
        report.push_str(&format!(
            "{name}: default {:.3} policy {:.3} custom {:?}\n",
            r.agree_default, r.agree_policy, r.custom_f1
        ));
        if r.agree_policy > r.agree_default {
            better += 1;
        }
    }
    eprintln!("{report}");
    assert!(better * 2 > names.len(), "the policy constitution should win for most policies:\n{report}");
}

#[test]
fn every_policy_constitution_is_valid() {
    for name in eval::policies() {
        common::guard()
            .parse_constitution(&eval::constitution(&name))
            .unwrap_or_else(|e| panic!("{name}.json: {} {}: {e}", e.name(), e.code()));
    }
}
