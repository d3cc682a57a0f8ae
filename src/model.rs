//! The guard model, run by parapet's int8 engine (`crates/parapet-int8`) or by tract.
//!
//! The ONNX graph is parsed from bytes (never a path). tract gives it symbolic `[batch, seq]`
//! inputs and optimises it once; the int8 engine recognises the recipe's encoder directly. Either
//! way the outputs are checked against the manifest at load time with a real inference, so a
//! bundle whose model disagrees with its manifest fails to load instead of producing nonsense.
//!
//! Without the `tract` cargo feature (the "lite" build) only the int8 engine is compiled in:
//! asking for tract, or loading a graph the int8 engine does not recognise, is a
//! `BundleError UNSUPPORTED_ENGINE` that names the full build.

use crate::bundle::ModelSpec;
use parapet_int8::Encoder;
use crate::error::{Error, Result};
use crate::text::Window;
use std::sync::Arc;
#[cfg(feature = "tract")]
use tract_onnx::prelude::*;

/// Raw outputs for a batch of windows.
#[derive(Debug, Clone, Default)]
pub struct ModelOutput {
    /// `[window][head]` logits.
    pub logits: Vec<Vec<f32>>,
    /// `[window][dim]` pooled, L2-normalised embeddings.
    pub embeddings: Vec<Vec<f32>>,
}

/// Which engine runs the text model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EngineChoice {
    /// parapet's int8 engine when the graph is the recipe's encoder, tract otherwise.
    #[default]
    Auto,
    /// Always tract (the reference f32 path).
    Tract,
    /// parapet's int8 engine; a model it does not recognise is an error.
    Int8,
}

impl EngineChoice {
    /// Parses `auto` / `tract` / `int8`.
    pub fn parse(s: &str) -> Result<EngineChoice> {
        match s {
            "auto" => Ok(EngineChoice::Auto),
            "tract" => Ok(EngineChoice::Tract),
            "int8" => Ok(EngineChoice::Int8),
            _ => Err(Error::input(
                "INVALID_ARGUMENT",
                format!("engine must be \"auto\", \"tract\" or \"int8\", not {s:?}"),
            )),
        }
    }
}

#[derive(Debug, Clone)]
enum Engine {
    #[cfg(feature = "tract")]
    Tract { plan: Arc<TypedRunnableModel>, tables: TableSizes },
    Int8(Arc<Encoder>),
}

/// An optimised, runnable guard model.
#[derive(Debug, Clone)]
pub struct TextModel {
    engine: Engine,
    n_heads: usize,
    emb_dim: usize,
    /// Milliseconds spent loading it: `[parse, into_typed, declutter, optimise, validate]`.
    pub load_ms: [f64; 5],
}

/// Rows of the constant tables the graph gathers from, by what indexes them (`None`: no such
/// table found, nothing to check).
#[derive(Debug, Clone, Default, PartialEq)]
struct TableSizes {
    /// Tables indexed by `input_ids` (the word embedding and its per-row scales).
    ids: Option<usize>,
    /// Tables indexed by `token_type_ids`.
    types: Option<usize>,
    /// Tables indexed by values computed from the sequence length alone (positions).
    positions: Option<usize>,
}

#[cfg(feature = "tract")]
impl TableSizes {
    fn of(model: &TypedModel) -> TractResult<TableSizes> {
        let inputs = model.input_outlets()?.to_vec();
        let mut t = TableSizes::default();
        let min = |slot: &mut Option<usize>, n: usize| *slot = Some(slot.map_or(n, |m| m.min(n)));
        for node in model.nodes() {
            let Some(gather) = node.op_as::<tract_onnx::tract_core::ops::array::Gather>() else {
                continue;
            };
            let data = model.outlet_fact(node.inputs[0])?;
            if data.konst.is_none() {
                continue;
            }
            let Some(rows) = data.shape.get(gather.axis).and_then(|d| d.as_i64()).and_then(|d| usize::try_from(d).ok()) else {
                continue;
            };
            // Which graph inputs the indices are computed from.
            let mut from = [false; 3];
            let mut seen = std::collections::HashSet::new();
            let mut stack = vec![node.inputs[1].node];
            while let Some(n) = stack.pop() {
                if !seen.insert(n) {
                    continue;
                }
                if let Some(i) = inputs.iter().position(|o| o.node == n) {
                    if i < 3 {
                        from[i] = true;
                    }
                }
                stack.extend(model.node(n).inputs.iter().map(|o| o.node));
            }
            match from {
                [true, _, _] => min(&mut t.ids, rows),
                [false, _, true] => min(&mut t.types, rows),
                [false, false, false] => min(&mut t.positions, rows),
                _ => {}
            }
        }
        Ok(t)
    }
}

fn run_int8(enc: &Encoder, windows: &[Window]) -> Result<ModelOutput> {
    let w: Vec<parapet_int8::Window> =
        windows.iter().map(|w| parapet_int8::Window { ids: &w.ids, type_ids: &w.type_ids }).collect();
    let out = enc.run(&w).map_err(Error::inference)?;
    Ok(ModelOutput { logits: out.logits, embeddings: out.embeddings })
}

#[cfg(feature = "tract")]
fn bad_model(e: impl std::fmt::Display) -> Error {
    Error::bundle("BAD_MODEL", format!("the bundle's model.onnx cannot be loaded: {e:#}"))
}

/// The int8 engine with its load time (`[parse, 0, 0, 0, 0]`) when `choice` allows it and the
/// graph is the recipe's encoder; `None` to use tract; an error when `int8` was demanded.
fn int8_engine(bytes: &[u8], spec: &ModelSpec, choice: EngineChoice) -> Result<Option<(Engine, [f64; 5])>> {
    if choice == EngineChoice::Tract {
        return Ok(None);
    }
    let t = web_time::Instant::now();
    let int8_spec = parapet_int8::Spec {
        inputs: &spec.inputs,
        logits_output: &spec.logits_output,
        embedding_output: &spec.embedding_output,
        embedding_dim: spec.embedding_dim,
    };
    match Encoder::recognize(bytes, &int8_spec) {
        Some(enc) => {
            let parse = t.elapsed().as_secs_f64() * 1000.0;
            Ok(Some((Engine::Int8(Arc::new(enc)), [parse, 0.0, 0.0, 0.0, 0.0])))
        }
        None if choice == EngineChoice::Int8 => Err(Error::bundle(
            "UNSUPPORTED_ENGINE",
            "the int8 engine runs only the recipe's encoder (models/recipe) and this \
             model.onnx is another graph; load it with engine \"auto\" or \"tract\"",
        )),
        None => Ok(None),
    }
}

/// The error of a build without tract (`--no-default-features`, the "lite" wasm) asked to do
/// what only tract does.
pub(crate) fn no_tract(what: &str) -> Error {
    Error::bundle(
        "UNSUPPORTED_ENGINE",
        format!(
            "{what}, and this lite build of parapet has only the int8 engine; use the full build \
             (npm: load() switches to it by itself; wasm: pkg/wasm/*/parapet_bg.wasm; Rust: the \
             `tract` feature)"
        ),
    )
}

#[cfg(not(feature = "tract"))]
fn tract_engine(_bytes: &[u8], _spec: &ModelSpec) -> Result<(Engine, [f64; 5])> {
    Err(no_tract("this model needs tract (engine \"tract\" was asked for, or model.onnx is not the recipe's encoder)"))
}

/// tract's optimised plan for the graph, with its load phases (`[parse, into_typed, declutter,
/// optimise, 0]`).
#[cfg(feature = "tract")]
fn tract_engine(bytes: &[u8], spec: &ModelSpec) -> Result<(Engine, [f64; 5])> {
    // Models written by onnxruntime tools carry value_info shapes with their own symbols
    // that clash with ours in tract; the graph itself has all we need.
    let mut lap = {
        let mut last = web_time::Instant::now();
        move || {
            let now = web_time::Instant::now();
            let d = now.duration_since(last).as_secs_f64() * 1000.0;
            last = now;
            d
        }
    };
    let mut model = tract_onnx::onnx()
        .with_ignore_value_info(true)
        .with_ignore_output_shapes(true)
        .model_for_read(&mut std::io::Cursor::new(bytes))
        .map_err(bad_model)?;
    model.set_input_names(&spec.inputs).map_err(bad_model)?;
    model
        .select_outputs_by_name([&spec.logits_output, &spec.embedding_output])
        .map_err(bad_model)?;
    let batch = model.sym("B");
    let seq = model.sym("S");
    for i in 0..3 {
        model
            .set_input_fact(i, i64::fact([batch.to_dim(), seq.to_dim()]).into())
            .map_err(bad_model)?;
    }
    let parse = lap();
    let typed = model.into_typed().map_err(bad_model)?;
    let typing = lap();
    let typed = typed.into_decluttered().map_err(bad_model)?;
    let declutter = lap();
    let tables = TableSizes::of(&typed).map_err(bad_model)?;
    let plan = typed.into_optimized().and_then(|m| m.into_runnable()).map_err(bad_model)?;
    let optimize = lap();
    Ok((Engine::Tract { plan, tables }, [parse, typing, declutter, optimize, 0.0]))
}

impl TextModel {
    /// `"int8"` (parapet's engine) or `"tract"`.
    pub fn engine(&self) -> &'static str {
        match self.engine {
            #[cfg(feature = "tract")]
            Engine::Tract { .. } => "tract",
            Engine::Int8(_) => "int8",
        }
    }

    /// Parses, optimises and validates the ONNX model.
    pub fn from_onnx(
        bytes: &[u8],
        spec: &ModelSpec,
        n_heads: usize,
        probe: &Window,
    ) -> Result<TextModel> {
        TextModel::from_onnx_with(bytes, spec, n_heads, probe, EngineChoice::Auto)
    }

    /// As [`TextModel::from_onnx`], with the engine chosen.
    pub fn from_onnx_with(
        bytes: &[u8],
        spec: &ModelSpec,
        n_heads: usize,
        probe: &Window,
        choice: EngineChoice,
    ) -> Result<TextModel> {
        let (engine, load_ms) = match int8_engine(bytes, spec, choice)? {
            Some(loaded) => loaded,
            None => tract_engine(bytes, spec)?,
        };
        let mut m = TextModel { engine, n_heads, emb_dim: spec.embedding_dim, load_ms };
        let t = web_time::Instant::now();
        let probe_ids = probe.ids.iter().map(|&i| usize::try_from(i).unwrap_or(usize::MAX)).max();
        m.check_limits(probe_ids.map_or(0, |i| i.saturating_add(1)), probe.ids.len())?;
        m.validate(probe)?;
        m.load_ms[4] = t.elapsed().as_secs_f64() * 1000.0;
        Ok(m)
    }

    /// Checks that every window the engine can build indexes inside the model's embedding
    /// tables: tract's Gather does not bound-check (an out-of-range row is a panic, which in
    /// wasm kills the instance), so a tokenizer with more ids than the model embeds, or a
    /// `max_seq_len` beyond the model's positions, must be refused at load time.
    pub fn check_limits(&self, vocab_size: usize, max_seq_len: usize) -> Result<()> {
        let own;
        let t = match &self.engine {
            #[cfg(feature = "tract")]
            Engine::Tract { tables, .. } => tables,
            Engine::Int8(enc) => {
                let (ids, positions, types) = enc.table_sizes();
                own = TableSizes { ids: Some(ids), types: Some(types), positions: Some(positions) };
                &own
            }
        };
        if let Some(rows) = t.ids.filter(|&rows| vocab_size > rows) {
            return Err(Error::bundle(
                "BAD_TOKENIZER",
                format!(
                    "the tokenizer has {vocab_size} ids but model.onnx embeds only {rows}; the \
                     tokenizer does not belong to this model, rebuild the bundle"
                ),
            ));
        }
        if let Some(rows) = t.positions.filter(|&rows| max_seq_len > rows) {
            return Err(Error::bundle(
                "BAD_MANIFEST",
                format!(
                    "max_seq_len is {max_seq_len} but model.onnx has only {rows} positions; set \
                     max_seq_len to at most {rows} and rebuild the bundle"
                ),
            ));
        }
        if let Some(rows) = t.types.filter(|&rows| rows < 2) {
            return Err(Error::bundle(
                "BAD_MODEL",
                format!(
                    "model.onnx has {rows} token types but prompt+response checks need 2; \
                     rebuild the bundle"
                ),
            ));
        }
        Ok(())
    }

    /// Runs `probe` (a short real window) to see the output widths the graph really produces.
    #[cfg_attr(not(feature = "tract"), allow(unused_variables))]
    fn validate(&self, probe: &Window) -> Result<()> {
        let (l, e): (Vec<usize>, Vec<usize>) = match &self.engine {
            #[cfg(feature = "tract")]
            Engine::Tract { .. } => {
                let raw = self.run_raw(std::slice::from_ref(probe), 0).map_err(bad_model)?;
                (raw[0].shape().to_vec(), raw[1].shape().to_vec())
            }
            // The int8 engine's output widths are the recognised graph's (no run needed: a run
            // here would cost a cold start ~10 ms of not-yet-optimised wasm). The guard runs it
            // right after, against the bundle's embeddings.bin.
            Engine::Int8(enc) => (vec![1, enc.n_out()], vec![1, enc.hidden()]),
        };
        if l != [1, self.n_heads] {
            return Err(Error::bundle(
                "OUTPUT_MISMATCH",
                format!(
                    "the model's logits have shape {:?} but the manifest lists {} heads; the \
                     manifest does not describe this model, rebuild the bundle",
                    l,
                    self.n_heads
                ),
            ));
        }
        if e != [1, self.emb_dim] {
            return Err(Error::bundle(
                "OUTPUT_MISMATCH",
                format!(
                    "the model's embedding has shape {:?} but the manifest says {}; rebuild the bundle",
                    e,
                    self.emb_dim
                ),
            ));
        }
        Ok(())
    }

    #[cfg(feature = "tract")]
    fn run_raw(&self, windows: &[Window], pad: i64) -> TractResult<TVec<TValue>> {
        let Engine::Tract { plan, .. } = &self.engine else {
            return Err(tract_onnx::prelude::TractError::msg("not a tract model"));
        };
        let b = windows.len();
        let s = windows.iter().map(|w| w.ids.len()).max().unwrap_or(0);
        let mut ids = tract_ndarray::Array2::<i64>::from_elem((b, s), pad);
        let mut mask = tract_ndarray::Array2::<i64>::zeros((b, s));
        let mut types = tract_ndarray::Array2::<i64>::zeros((b, s));
        for (r, w) in windows.iter().enumerate() {
            for (c, (&id, &t)) in w.ids.iter().zip(&w.type_ids).enumerate() {
                ids[(r, c)] = id;
                mask[(r, c)] = 1;
                types[(r, c)] = t;
            }
        }
        plan.run(tvec!(ids.into_tvalue(), mask.into_tvalue(), types.into_tvalue()))
    }

    /// Runs a batch of windows (padded to the longest).
    pub fn run(&self, windows: &[Window], pad: i64) -> Result<ModelOutput> {
        if windows.is_empty() {
            return Ok(ModelOutput::default());
        }
        #[cfg(not(feature = "tract"))]
        let _ = pad; // the int8 engine does not pad
        match &self.engine {
            Engine::Int8(enc) => run_int8(enc, windows),
            #[cfg(feature = "tract")]
            Engine::Tract { .. } => self.run_tract(windows, pad),
        }
    }

    #[cfg(feature = "tract")]
    fn run_tract(&self, windows: &[Window], pad: i64) -> Result<ModelOutput> {
        let out = self.run_raw(windows, pad).map_err(Error::inference)?;
        let rows = |t: &TValue, w: usize| -> Result<Vec<Vec<f32>>> {
            let v = t.try_as_plain_ram().and_then(|p| p.as_slice::<f32>()).map_err(Error::inference)?;
            if v.len() != windows.len() * w {
                return Err(Error::inference(format!(
                    "unexpected output size {} for {} windows",
                    v.len(),
                    windows.len()
                )));
            }
            Ok(v.chunks(w).map(|c| c.to_vec()).collect())
        };
        Ok(ModelOutput { logits: rows(&out[0], self.n_heads)?, embeddings: rows(&out[1], self.emb_dim)? })
    }
}
