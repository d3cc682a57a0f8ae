//! Constitution JSON parser: any bytes give a constitution or a ConstitutionError, never a
//! panic; a parsed constitution round-trips through its JSON.
#![no_main]
use libfuzzer_sys::fuzz_target;
use parapet::Constitution;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else { return };
    let heads = &common::guard().manifest().heads;
    match Constitution::from_json(json, heads) {
        Ok(c) => {
            let again = Constitution::from_json(&c.to_json(), heads).expect("a parsed constitution re-parses");
            assert_eq!(again.spec(), c.spec());
        }
        Err(e) => assert_eq!(e.name(), "ConstitutionError"),
    }
});
