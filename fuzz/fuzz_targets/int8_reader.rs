//! The int8 engine's ONNX reader and graph recogniser (crates/parapet-int8) on arbitrary bytes:
//! never a panic; a graph it accepts must run a window or refuse it with an error.
#![no_main]
use libfuzzer_sys::fuzz_target;
use parapet_int8::{Encoder, Spec, Window};

fuzz_target!(|data: &[u8]| {
    let Some((&dim, rest)) = data.split_first() else { return };
    let inputs = ["input_ids".to_string(), "attention_mask".to_string(), "token_type_ids".to_string()];
    let spec = Spec {
        inputs: &inputs,
        logits_output: "logits",
        embedding_output: "embedding",
        embedding_dim: usize::from(dim) * 8,
    };
    if let Some(enc) = Encoder::recognize(rest, &spec) {
        let ids = [101i64, 7592, 102];
        let types = [0i64, 0, 0];
        let _ = enc.run(&[Window { ids: &ids, type_ids: &types }]);
    }
});
