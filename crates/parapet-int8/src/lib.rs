//! parapet's own int8 engine for the recipe's encoder (a BERT/MiniLM with mean pooling and a
//! linear head), used instead of tract when the bundle's `model.onnx` is that graph.
//!
//! Why: tract runs the int8 weight-only model on its f32 path (it folds the weights to f32 at
//! load, which with graph optimisation is most of a cold start in wasm), and onnxruntime-web's
//! dynamic-int8 kernels are ~2× faster than any f32 path. This engine keeps the weights as
//! integers and runs every weight matmul as 16-bit × 16-bit → 32-bit dot products
//! (`i32x4.dot_i16x8_s` in wasm simd128, 8 multiply-adds per instruction against 4 for f32):
//!
//! - weights: the bundle's int8 per-output-channel weights, widened to i16 and interleaved in row
//!   pairs once at load (no graph to optimise: loading is reading the protobuf);
//! - activations: quantised per row (token) to 14 bits (±8191) right before each matmul, so the
//!   i32 sums cannot overflow for K ≤ 2048 (8191 × 127 × 2048 < 2³¹). Against tract's f32
//!   activations this moves logits by up to ~7e-3 and probabilities by ~2e-3 (measured in the
//!   parent crate's `tests/encoder.rs`, `tests/model_parity.rs` and `examples/engine_compare.rs`),
//!   where onnxruntime's 8-bit dynamic quantisation moves probabilities by ~8e-2;
//! - attention: its two products (`Q·Kᵀ`, `P·V`) per window and head run on the same kernel,
//!   Q, K and V quantised to 13 bits and P to up to 15 (bits split so the sums stay exact);
//! - windows are not padded: the linear layers run over all windows' tokens at once, attention
//!   per window, so a batch costs its real tokens only.
//!
//! Everything else (embedding, softmax, LayerNorm, erf-GELU, pooling, the head) is f32.
//! Integer sums are exact and the f32 code is the same on every target, so native and wasm give
//! the same numbers. Recognition is strict: any graph it does not fully understand goes to
//! tract; and the guard checks the result against the bundle's precomputed `embeddings.bin`.
//!
//! The [`cnn`] module does the same for image classifiers (plain convolutional networks such as
//! open_nsfw), with the same kernels.
//!
//! Used by the `parapet` crate (`src/model.rs`, `src/image.rs`); its own crate so that it is
//! compiled optimised in dev builds too.

pub mod cnn;
mod onnx_pb;

use onnx_pb::{Graph, Tensor};
use std::collections::HashMap;

/// What the bundle's manifest says about the graph.
#[derive(Debug, Clone, Copy)]
pub struct Spec<'a> {
    /// Input names in the order `input_ids`, `attention_mask`, `token_type_ids`.
    pub inputs: &'a [String],
    /// Name of the logits output.
    pub logits_output: &'a str,
    /// Name of the embedding output.
    pub embedding_output: &'a str,
    /// Width of the embedding.
    pub embedding_dim: usize,
}

/// One window: token ids and token types, the same length.
#[derive(Debug, Clone, Copy)]
pub struct Window<'a> {
    pub ids: &'a [i64],
    pub type_ids: &'a [i64],
}

/// Raw outputs for a batch of windows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Output {
    /// `[window][head]` logits.
    pub logits: Vec<Vec<f32>>,
    /// `[window][dim]` pooled, L2-normalised embeddings.
    pub embeddings: Vec<Vec<f32>>,
}

/// Largest quantised activation magnitude (14 bits); see the module docs for the bound.
const QMAX: f32 = 8191.0;
/// Bound of V in attention's `P·V` (13 bits, like Q and K; P gets the rest of the i32 range).
const QV: f32 = 8191.0;
/// Largest inner dimension the i32 accumulators are proven safe for with [`QMAX`] and int8 weights.
const MAX_K: usize = 2048;

/// One weight matmul + bias: `y = x · W + b`, W stored as i16 row pairs in panels of 8
/// outputs ([`pack_pairs`], [`wpos`]).
#[derive(Debug, Clone)]
struct Linear {
    k: usize,
    n: usize,
    w: Vec<i16>,
    scale: Vec<f32>,
    bias: Vec<f32>,
}

#[derive(Debug, Clone)]
struct Norm {
    gamma: Vec<f32>,
    beta: Vec<f32>,
}

#[derive(Debug, Clone)]
struct Layer {
    /// Query, key and value fused: `n = 3 × hidden`.
    qkv: Linear,
    attn_out: Linear,
    attn_ln: Norm,
    inter: Linear,
    out: Linear,
    out_ln: Norm,
}

/// The recipe's encoder with its weights, ready to run.
#[derive(Debug, Clone)]
pub struct Encoder {
    hidden: usize,
    heads: usize,
    eps: f32,
    vocab: usize,
    positions: usize,
    types: usize,
    /// int8 rows, kept as the bundle's bytes (a plain copy; read `as i8`).
    word_q: Vec<u8>,
    word_scale: Vec<f32>,
    pos: Vec<f32>,
    type_emb: Vec<f32>,
    emb_ln: Norm,
    layers: Vec<Layer>,
    n_out: usize,
    cls_w: Vec<f32>,
    cls_b: Vec<f32>,
}

struct Recognizer<'g, 'a> {
    g: &'g Graph<'a>,
    producer: HashMap<&'g str, usize>,
}

impl<'g, 'a> Recognizer<'g, 'a> {
    fn konst(&self, name: &str) -> Option<&'g Tensor<'a>> {
        self.g.consts.get(name)
    }

    fn f32s(&self, name: &str, dims: &[usize]) -> Option<Vec<f32>> {
        let t = self.konst(name)?;
        let d: Vec<usize> = t.dims.iter().map(|&d| usize::try_from(d).ok()).collect::<Option<_>>()?;
        (d == dims).then_some(())?;
        t.f32s()
    }

    fn norm(&self, prefix: &str, h: usize) -> Option<Norm> {
        Some(Norm { gamma: self.f32s(&format!("{prefix}.weight"), &[h])?, beta: self.f32s(&format!("{prefix}.bias"), &[h])? })
    }

    fn producer(&self, out: &str) -> Option<&'g onnx_pb::Node> {
        self.producer.get(out).map(|&i| &self.g.nodes[i])
    }

    /// Every `MatMul(x, DequantizeLinear(q, s, 0))` followed by `Add(bias)`, by bias name.
    fn linears(&self) -> Option<HashMap<String, Linear>> {
        let mut found = HashMap::new();
        for mm in self.g.nodes.iter().filter(|n| n.op == "MatMul") {
            let Some(dq) = mm.inputs.get(1).and_then(|w| self.producer(w)) else { continue };
            if dq.op != "DequantizeLinear" {
                continue;
            }
            if dq.ints.get("axis").copied().unwrap_or(1) != 1 {
                return None;
            }
            let q = self.konst(dq.inputs.first()?)?;
            let (k, n) = match q.dims[..] {
                [k, n] => (usize::try_from(k).ok()?, usize::try_from(n).ok()?),
                _ => return None,
            };
            let qv = q.i8s()?;
            let scale = self.f32s(dq.inputs.get(1)?, &[n])?;
            if let Some(z) = dq.inputs.get(2).filter(|z| !z.is_empty()) {
                if self.konst(z)?.i8s()?.iter().any(|&b| b != 0) {
                    return None;
                }
            }
            let out = mm.outputs.first()?;
            let add = self.g.nodes.iter().find(|a| a.op == "Add" && a.inputs.iter().any(|i| i == out))?;
            let bias_name = add.inputs.iter().find(|i| *i != out)?;
            let bias = self.f32s(bias_name, &[n])?;
            if k == 0 || k % 8 != 0 || k > MAX_K || n == 0 || n % 8 != 0 {
                return None;
            }
            let w = pack_pairs(qv, k, n)?;
            found.insert(bias_name.clone(), Linear { k, n, w, scale, bias });
        }
        Some(found)
    }
}

/// Query, key and value as one matmul: the parts' columns side by side, which in the panel
/// layout ([`wpos`]) is one part's panels after the other's.
fn fuse(parts: [Linear; 3]) -> Option<Linear> {
    let k = parts[0].k;
    if parts.iter().any(|p| p.k != k) {
        return None;
    }
    let n: usize = parts.iter().map(|p| p.n).sum();
    let mut out = Linear { k, n, w: Vec::with_capacity(k * n), scale: vec![], bias: vec![] };
    for p in parts {
        out.w.extend_from_slice(&p.w);
        out.scale.extend(p.scale);
        out.bias.extend(p.bias);
    }
    Some(out)
}

fn count(g: &Graph, op: &str) -> usize {
    g.nodes.iter().filter(|n| n.op == op).count()
}

impl Encoder {
    /// Recognises the recipe's encoder in `onnx` and takes its weights; `None` for any other
    /// graph (or one this reader cannot parse), which then runs on tract.
    pub fn recognize(onnx: &[u8], spec: &Spec) -> Option<Encoder> {
        let g = onnx_pb::read_graph(onnx)?;
        if !g.outputs.iter().any(|o| *o == spec.logits_output) || !g.outputs.iter().any(|o| *o == spec.embedding_output) {
            return None;
        }
        let mut producer = HashMap::new();
        for (i, n) in g.nodes.iter().enumerate() {
            for o in &n.outputs {
                producer.insert(o.as_str(), i);
            }
        }
        // The inputs, by the manifest's names: ids and types index the tables, the mask is cast.
        if g.inputs != spec.inputs || spec.inputs.len() != 3 {
            return None;
        }
        let feeds = |table: &str, input: &str| {
            g.nodes.iter().any(|n| n.op == "Gather" && n.inputs.first().map(String::as_str) == Some(table) && n.inputs.get(1).map(String::as_str) == Some(input))
        };
        if !feeds("word_embeddings.weight_q", &spec.inputs[0])
            || !feeds("token_type_embeddings.weight", &spec.inputs[2])
            || !g.nodes.iter().any(|n| n.op == "Cast" && n.inputs.first() == Some(&spec.inputs[1]))
        {
            return None;
        }
        let r = Recognizer { g: &g, producer };
        let wq = r.konst("word_embeddings.weight_q")?;
        let (vocab, hidden) = match wq.dims[..] {
            [v, h] => (usize::try_from(v).ok()?, usize::try_from(h).ok()?),
            _ => return None,
        };
        if hidden == 0 || hidden % 8 != 0 || hidden != spec.embedding_dim {
            return None;
        }
        let word_q: Vec<u8> = wq.i8s()?.to_vec();
        let word_scale = {
            let t = r.konst("word_embeddings.weight_s")?;
            if t.len()? != vocab {
                return None;
            }
            t.f32s()?
        };
        let pos_t = r.konst("position_embeddings.weight")?;
        let positions = usize::try_from(*pos_t.dims.first()?).ok()?;
        let pos = r.f32s("position_embeddings.weight", &[positions, hidden])?;
        let types_t = r.konst("token_type_embeddings.weight")?;
        let types = usize::try_from(*types_t.dims.first()?).ok()?;
        let type_emb = r.f32s("token_type_embeddings.weight", &[types, hidden])?;
        let emb_ln = r.norm("emb_ln", hidden)?;
        let cls_t = r.konst("classifier.weight")?;
        let n_out = usize::try_from(*cls_t.dims.first()?).ok()?;
        let cls_w = r.f32s("classifier.weight", &[n_out, hidden])?;
        let cls_b = r.f32s("classifier.bias", &[n_out])?;
        let gemm = g.nodes.iter().find(|n| n.op == "Gemm" && n.inputs.get(1).map(String::as_str) == Some("classifier.weight"))?;
        if gemm.ints.get("transB") != Some(&1) || gemm.ints.get("transA").is_some_and(|&t| t != 0) {
            return None;
        }
        // Heads: the query's Reshape to [batch, seq, heads, head_dim].
        let q_add = g.nodes.iter().find(|n| n.op == "Add" && n.inputs.iter().any(|i| i == "layers.0.query.bias"))?;
        let q_out = q_add.outputs.first()?;
        let reshape = g.nodes.iter().find(|n| n.op == "Reshape" && n.inputs.first() == Some(q_out))?;
        let concat = r.producer(reshape.inputs.get(1)?)?;
        if concat.op != "Concat" || concat.inputs.len() != 4 {
            return None;
        }
        let heads = r.konst(&concat.inputs[2])?.scalar()? as usize;
        let head_dim = r.konst(&concat.inputs[3])?.scalar()? as usize;
        if heads == 0 || heads.checked_mul(head_dim) != Some(hidden) {
            return None;
        }
        // LayerNorm epsilon: the constant added under the first Sqrt.
        let sqrt = g.nodes.iter().find(|n| n.op == "Sqrt")?;
        let eps_add = r.producer(sqrt.inputs.first()?)?;
        let eps = eps_add.inputs.iter().find_map(|i| r.konst(i).and_then(Tensor::scalar))? as f32;
        if !(eps > 0.0 && eps < 1e-3) {
            return None;
        }
        let mut lin = r.linears()?;
        let n_layers = (0..).take_while(|i| lin.contains_key(&format!("layers.{i}.query.bias"))).count();
        if n_layers == 0
            || lin.len() != 6 * n_layers
            || count(&g, "Softmax") != n_layers
            || count(&g, "Erf") != n_layers
            || count(&g, "Gemm") != 1
        {
            return None;
        }
        let mut layers = Vec::with_capacity(n_layers);
        for i in 0..n_layers {
            let mut take = |role: &str| lin.remove(&format!("layers.{i}.{role}.bias"));
            let (q, k, v, o, inter, out) = (take("query")?, take("key")?, take("value")?, take("attn_out")?, take("inter")?, take("out")?);
            if [q.n, k.n, v.n, o.n, out.n, q.k, o.k, inter.k].iter().any(|&d| d != hidden) || out.k != inter.n {
                return None;
            }
            layers.push(Layer {
                qkv: fuse([q, k, v])?,
                attn_out: o,
                attn_ln: r.norm(&format!("layers.{i}.attn_ln"), hidden)?,
                inter,
                out,
                out_ln: r.norm(&format!("layers.{i}.out_ln"), hidden)?,
            });
        }
        Some(Encoder {
            hidden,
            heads,
            eps,
            vocab,
            positions,
            types,
            word_q,
            word_scale,
            pos,
            type_emb,
            emb_ln,
            layers,
            n_out,
            cls_w,
            cls_b,
        })
    }

    /// Rows of the word, position and token-type tables.
    pub fn table_sizes(&self) -> (usize, usize, usize) {
        (self.vocab, self.positions, self.types)
    }

    /// Width of the logits.
    pub fn n_out(&self) -> usize {
        self.n_out
    }

    /// Width of the embedding.
    pub fn hidden(&self) -> usize {
        self.hidden
    }

    /// Runs windows (of any lengths; no padding).
    pub fn run(&self, windows: &[Window]) -> Result<Output, String> {
        let h = self.hidden;
        let lens: Vec<usize> = windows.iter().map(|w| w.ids.len()).collect();
        let m: usize = lens.iter().sum();
        if windows.iter().any(|w| w.ids.is_empty() || w.type_ids.len() != w.ids.len()) {
            return Err("a window is empty or its type ids do not match its ids".to_string());
        }
        // Embeddings.
        let mut x = vec![0f32; m * h];
        let mut row = 0;
        for w in windows {
            if w.ids.len() > self.positions {
                return Err(format!("window of {} tokens exceeds the model's {} positions", w.ids.len(), self.positions));
            }
            for (p, (&id, &t)) in w.ids.iter().zip(w.type_ids).enumerate() {
                let id = usize::try_from(id).ok().filter(|&i| i < self.vocab).ok_or_else(|| format!("token id {id} outside the model's vocabulary"))?;
                let t = usize::try_from(t).ok().filter(|&i| i < self.types).ok_or_else(|| format!("token type {t} outside the model's types"))?;
                let s = self.word_scale[id];
                let dst = &mut x[row * h..(row + 1) * h];
                let wq = &self.word_q[id * h..(id + 1) * h];
                let pe = &self.pos[p * h..(p + 1) * h];
                let te = &self.type_emb[t * h..(t + 1) * h];
                for j in 0..h {
                    dst[j] = f32::from(wq[j] as i8) * s + pe[j] + te[j];
                }
                row += 1;
            }
        }
        layer_norm(&mut x, h, &self.emb_ln, self.eps);
        let mut scratch = Scratch::default();
        let mut qkv = Vec::new();
        let mut ctx = vec![0f32; m * h];
        let mut inter = Vec::new();
        for layer in &self.layers {
            layer.qkv.forward(&x, m, &mut qkv, Then::Set, &mut scratch);
            attention(h, self.heads, &qkv, &lens, &mut ctx, &mut scratch);
            layer.attn_out.forward(&ctx, m, &mut x, Then::Add, &mut scratch);
            layer_norm(&mut x, h, &layer.attn_ln, self.eps);
            layer.inter.forward(&x, m, &mut inter, Then::Gelu, &mut scratch);
            layer.out.forward(&inter, m, &mut x, Then::Add, &mut scratch);
            layer_norm(&mut x, h, &layer.out_ln, self.eps);
        }
        // Mean pooling, head, L2-normalised embedding.
        let mut out = Output { logits: Vec::with_capacity(windows.len()), embeddings: Vec::with_capacity(windows.len()) };
        let mut start = 0;
        for &len in &lens {
            let mut pooled = vec![0f32; h];
            for r in start..start + len {
                for (p, v) in pooled.iter_mut().zip(&x[r * h..(r + 1) * h]) {
                    *p += v;
                }
            }
            let inv = 1.0 / len as f32;
            pooled.iter_mut().for_each(|p| *p *= inv);
            let logits = (0..self.n_out)
                .map(|o| self.cls_b[o] + dot_f32(&pooled, &self.cls_w[o * h..(o + 1) * h]))
                .collect();
            let norm = pooled.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
            out.embeddings.push(pooled.iter().map(|v| v / norm).collect());
            out.logits.push(logits);
            start += len;
        }
        Ok(out)
    }
}

/// Multi-head self-attention per window over the fused `[m, 3h]` projections.
fn attention(h: usize, heads: usize, qkv: &[f32], lens: &[usize], ctx: &mut [f32], s: &mut Scratch) {
    // (recognition guarantees heads > 0 and heads · head width = h)
    if (h / heads) % 8 == 0 {
        attention_i16(h, heads, qkv, lens, ctx, s)
    } else {
        attention_any(h, heads, qkv, lens, ctx, s)
    }
}

/// Attention with both products on the integer kernel ([`gemm_i16`]), as in the linear
/// layers: scores `Q·Kᵀ` with Q quantised per query and K per key (the keys are the
/// kernel's output channels), both to the most bits that keep the i32 sums exact
/// ([`qmax_for`]: 13 bits for MiniLM's 32-wide heads); then `P·V` with V quantised per head
/// dimension to 13 bits and P per query to as many bits as that query's softmax sum allows
/// (below). Softmax stays f32.
fn attention_i16(h: usize, heads: usize, qkv: &[f32], lens: &[usize], ctx: &mut [f32], s: &mut Scratch) {
    let d = h / heads;
    let scale = 1.0 / (d as f32).sqrt();
    let q_qk = qmax_for(d);
    let mut start = 0;
    for &len in lens {
        // Keys padded to the kernel's blocks of 8 outputs; the padding keys are zero and
        // are left out of the softmax (and so are zero in P, which makes them harmless as
        // P·V's inner dimension).
        let lp = len.div_ceil(8) * 8;
        // P·V's i32 sums stay exact when Σ_j |P_q[j]| · QV < 2³¹. With P_q[j] =
        // round(e_j · qp), e_j ≤ 1: Σ_j P_q[j] ≤ qp · Σe + len / 2, so a query whose
        // attention is peaked (small Σe, the usual case) gets up to 15 bits, and a flat one
        // fewer, where each e_j is small anyway.
        let budget = (i32::MAX as f32 / QV) - lp as f32;
        for head in 0..heads {
            let at = |j: usize, part: usize| (start + j) * 3 * h + part * h + head * d;
            // Q: one scale per query (the softmax scale folded in).
            s.xq.quantize_all(&qkv[at(0, 0)..], 3 * h, len, d, q_qk, &mut s.xs);
            s.xs.iter_mut().for_each(|v| *v *= scale);
            // K as the kernel's weights ([`wpos`]): row pairs over the head dimension, keys
            // as outputs.
            s.kw.clear();
            s.kw.resize(d * lp, 0);
            s.ks.clear();
            s.ks.resize(lp, 0.0);
            s.row.resize(d, 0);
            for j in 0..len {
                s.ks[j] = quantize_row(&qkv[at(j, 1)..at(j, 1) + d], &mut s.row[..d], q_qk);
                for (kp, pair) in s.row[..d].chunks_exact(2).enumerate() {
                    let o = wpos(d, 2 * kp, j);
                    s.kw[o..o + 2].copy_from_slice(pair);
                }
            }
            s.acc.clear();
            s.acc.resize(len * lp, 0);
            gemm_i16(&s.xq, len, &s.kw, lp, &mut s.acc);
            // Softmax per query, fused with P's quantisation: the largest `e = exp(score -
            // max)` is exactly 1, so `e` is quantised against its own bound directly and the
            // normalisation `1 / Σe` goes into P's scale (no pass to normalise, none to find
            // P's largest value). `lp` wide: zero past `len`.
            s.pq.reset(len, lp);
            s.ps.clear();
            s.scores.resize(lp, 0.0);
            // P's rows 4 at a time (one block of pq), each quantised into its quarter of `row`.
            s.row.resize(4 * lp, 0);
            for (i, ar) in s.acc.chunks_exact(lp).enumerate() {
                let sx = s.xs[i];
                let sc = &mut s.scores[..len];
                for ((o, &a), &k) in sc.iter_mut().zip(ar).zip(&s.ks) {
                    *o = a as f32 * (sx * k);
                }
                let mx = max_f32(sc);
                for e in sc.iter_mut() {
                    *e = exp_neg(*e - mx);
                }
                let sum = sum_f32(sc);
                // (1 + 1e-4: margin for the f32 sum's rounding)
                let qp = (budget / (sum * 1.0001)).floor().clamp(1.0, 32767.0);
                let row = &mut s.row[(i % 4) * lp..(i % 4 + 1) * lp];
                for (o, &e) in row.iter_mut().zip(sc.iter()) {
                    *o = round_q(e * qp, qp);
                }
                s.ps.push(1.0 / (sum * qp));
                row[len..].fill(0);
                if i % 4 == 3 {
                    s.pq.put_block(i / 4, &s.row);
                }
            }
            for i in len / 4 * 4..len {
                s.pq.put(i, 0, &s.row[(i % 4) * lp..(i % 4 + 1) * lp]);
            }
            // V as the kernel's weights: row pairs over the keys, one scale per head dimension.
            s.vs.clear();
            s.vs.resize(d, 0.0);
            for j in 0..len {
                for (m, v) in s.vs.iter_mut().zip(&qkv[at(j, 2)..at(j, 2) + d]) {
                    let a = v.abs();
                    *m = if a > *m { a } else { *m };
                }
            }
            s.vi.clear();
            for m in s.vs.iter_mut() {
                *m = if *m > 0.0 && m.is_finite() { *m / QV } else { 1.0 };
                s.vi.push(1.0 / *m);
            }
            s.vw.clear();
            s.vw.resize(lp * d, 0);
            for j in 0..len {
                let v = &qkv[at(j, 2)..at(j, 2) + d];
                for (t, (&x, &inv)) in v.iter().zip(&s.vi).enumerate() {
                    s.vw[wpos(lp, j, t)] = round_q(x * inv, QV);
                }
            }
            s.acc.clear();
            s.acc.resize(len * d, 0);
            gemm_i16(&s.pq, len, &s.vw, d, &mut s.acc);
            for (i, ar) in s.acc.chunks_exact(d).enumerate() {
                let sp = s.ps[i];
                let o = &mut ctx[(start + i) * h + head * d..][..d];
                for ((y, &a), &sv) in o.iter_mut().zip(ar).zip(&s.vs) {
                    *y = a as f32 * (sp * sv);
                }
            }
        }
        start += len;
    }
}

/// Attention for any head width.
fn attention_any(h: usize, heads: usize, qkv: &[f32], lens: &[usize], ctx: &mut [f32], s: &mut Scratch) {
    let dh = h / heads;
    let scale = 1.0 / (dh as f32).sqrt();
    let mut start = 0;
    for &len in lens {
        for head in 0..heads {
            s.scores.clear();
            s.scores.resize(len, 0.0);
            for i in 0..len {
                let q = &qkv[(start + i) * 3 * h + head * dh..][..dh];
                for j in 0..len {
                    let k = &qkv[(start + j) * 3 * h + h + head * dh..][..dh];
                    s.scores[j] = dot_f32(q, k) * scale;
                }
                softmax(&mut s.scores[..len]);
                let o = &mut ctx[(start + i) * h + head * dh..][..dh];
                o.iter_mut().for_each(|v| *v = 0.0);
                for (j, &p) in s.scores[..len].iter().enumerate() {
                    let vr = &qkv[(start + j) * 3 * h + 2 * h + head * dh..][..dh];
                    for (a, b) in o.iter_mut().zip(vr) {
                        *a += p * b;
                    }
                }
            }
        }
        start += len;
    }
}

#[derive(Default)]
struct Scratch {
    xq: Rows4,
    xs: Vec<f32>,
    acc: Vec<i32>,
    row: Vec<i16>,
    kw: Vec<i16>,
    ks: Vec<f32>,
    pq: Rows4,
    ps: Vec<f32>,
    vw: Vec<i16>,
    vs: Vec<f32>,
    vi: Vec<f32>,
    scores: Vec<f32>,
}

/// What [`Linear::forward`] does with each output row, while it is in cache.
#[derive(Clone, Copy, PartialEq)]
enum Then {
    /// `y = x·W + b`.
    Set,
    /// `y += x·W + b` (a residual connection; `y` already holds `m × n`).
    Add,
    /// `y = gelu(x·W + b)`.
    Gelu,
}

impl Linear {
    /// `y[m, n] = x[m, k] · W + b` (or added to `y`, or through GELU), through 14-bit per-row
    /// activation quantisation.
    fn forward(&self, x: &[f32], m: usize, y: &mut Vec<f32>, then: Then, s: &mut Scratch) {
        let (k, n) = (self.k, self.n);
        quantize_rows(x, m, k, &mut s.xq, &mut s.xs);
        // Set and Gelu write every element: a buffer of the right size is reused as it is.
        if then != Then::Add && y.len() != m * n {
            y.clear();
            y.resize(m * n, 0.0);
        }
        // The sums of COLS output columns at a time (for 128 tokens a 32 KB block that stays in
        // cache), each block dequantised right after the kernel wrote it, instead of one
        // `m × n` block written out and read back (786 KB for the 1536-wide layer).
        s.acc.resize(m * COLS, 0);
        let mut j0 = 0;
        while j0 < n {
            let nc = COLS.min(n - j0);
            gemm_cols(&s.xq, m, &self.w, n, j0, nc, &mut s.acc);
            let (sc, b) = (&self.scale[j0..j0 + nc], &self.bias[j0..j0 + nc]);
            for (i, ar) in s.acc.chunks_exact(nc).take(m).enumerate() {
                let sx = s.xs[i];
                let yr = &mut y[i * n + j0..i * n + j0 + nc];
                if then == Then::Add {
                    for j in 0..nc {
                        yr[j] += ar[j] as f32 * (sx * sc[j]) + b[j];
                    }
                    continue;
                }
                for j in 0..nc {
                    yr[j] = ar[j] as f32 * (sx * sc[j]) + b[j];
                }
                if then == Then::Gelu {
                    gelu(yr);
                }
            }
            j0 += nc;
        }
    }
}

/// Output columns per kernel call in [`Linear::forward`] (a multiple of 16).
const COLS: usize = 64;

/// Quantises `m` rows of `x` (`k` wide) to 14 bits into `q`, one scale per row in `scales`.
fn quantize_rows(x: &[f32], m: usize, k: usize, q: &mut Rows4, scales: &mut Vec<f32>) {
    q.quantize_all(x, k, m, k, QMAX, scales);
}

/// The left operand of [`gemm_i16`]: `m` rows of `k` quantised values in blocks of 4 rows, the
/// pairs `(x[i, 2kp], x[i, 2kp+1])` of a block's 4 rows side by side (16 bytes) for each `kp`,
/// so a kernel tile reads its 4 tokens as one sequential stream at fixed offsets from one
/// pointer (against four row pointers, ~4 % faster in wasm). A last, partial block is padded
/// with zero rows (computed, never stored).
#[derive(Default)]
pub(crate) struct Rows4 {
    buf: Vec<i16>,
    m: usize,
    k: usize,
}

impl Rows4 {
    /// Makes room for `m` zero rows of `k` (`k` even).
    fn reset(&mut self, m: usize, k: usize) {
        self.buf.clear();
        self.buf.resize(m.div_ceil(4) * 4 * k, 0);
        (self.m, self.k) = (m, k);
    }

    fn values(&self) -> &[i16] {
        &self.buf
    }

    fn block_mut(&mut self, i: usize) -> &mut [i16] {
        let k = self.k;
        &mut self.buf[(i / 4) * 4 * k..(i / 4 + 1) * 4 * k]
    }

    /// `x[i, c]`.
    #[cfg_attr(any(all(target_arch = "wasm32", target_feature = "simd128"), target_arch = "x86_64"), allow(dead_code))]
    fn get(&self, i: usize, c: usize) -> i16 {
        self.values()[(i / 4) * 4 * self.k + ((c / 2) * 4 + i % 4) * 2 + c % 2]
    }

    /// Sets row `i` to zero.
    fn zero(&mut self, i: usize) {
        let r = i % 4;
        for pairs in self.block_mut(i).chunks_exact_mut(8) {
            pairs[r * 2..r * 2 + 2].fill(0);
        }
    }

    /// Resets to `m` rows of `k` and quantises the rows `x[i·stride..i·stride + k]` to `±qmax`,
    /// their scales into `scales` (see [`quantize_row`]). In wasm, whole blocks of 4 rows are
    /// transposed into the block layout in registers (`simd::quantize_blocks`); the values are
    /// the same as row by row.
    fn quantize_all(&mut self, x: &[f32], stride: usize, m: usize, k: usize, qmax: f32, scales: &mut Vec<f32>) {
        self.reset(m, k);
        scales.clear();
        let row = |i: usize| &x[i * stride..i * stride + k];
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        {
            if k % 8 == 0 && m > 0 && x.len() >= (m - 1) * stride + k {
                scales.extend((0..m).map(|i| row_scale(row(i), qmax)));
                let full = m / 4 * 4;
                // SAFETY: x holds the rows (checked just above), buf holds m rows of k rounded up
                // to whole blocks, k % 8 == 0.
                unsafe { simd::quantize_blocks(x, stride, k, &scales[..full], qmax, &mut self.buf) };
                for i in full..m {
                    self.quantize_with(i, row(i), scales[i], qmax);
                }
                return;
            }
        }
        for i in 0..m {
            scales.push(self.quantize(i, row(i), qmax));
        }
    }

    /// Sets the 4 rows of block `b` to `rows` (4 × `k` values, row after row; `k % 8 == 0`).
    fn put_block(&mut self, b: usize, rows: &[i16]) {
        let k = self.k;
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        {
            if k % 8 == 0 && rows.len() >= 4 * k && self.buf.len() >= (b + 1) * 4 * k {
                // SAFETY: lengths checked just above.
                unsafe { simd::transpose_block(rows, k, &mut self.buf[b * 4 * k..]) };
                return;
            }
        }
        for (r, row) in rows.chunks_exact(k).take(4).enumerate() {
            self.put(4 * b + r, 0, row);
        }
    }

    /// Quantises `xr` (`k` values) to `±qmax` into row `i` and returns its scale (see
    /// [`quantize_row`]).
    fn quantize(&mut self, i: usize, xr: &[f32], qmax: f32) -> f32 {
        let s = row_scale(xr, qmax);
        self.quantize_with(i, xr, s, qmax);
        s
    }

    /// [`Rows4::quantize`] with the row's scale `s` already known.
    fn quantize_with(&mut self, i: usize, xr: &[f32], s: f32, qmax: f32) {
        let inv = 1.0 / s;
        // 64 values at a time into a contiguous buffer (that loop vectorises), then to the row.
        let mut buf = [0i16; 64];
        for (c, xc) in xr.chunks(64).enumerate() {
            for (d, v) in buf.iter_mut().zip(xc) {
                *d = round_q(v * inv, qmax);
            }
            self.put(i, c * 64, &buf[..xc.len()]);
        }
    }

    /// Writes `q` (an even number of values) into row `i` from column `c0` (even): pairs to
    /// the row's slots, 16 bytes apart.
    fn put(&mut self, i: usize, c0: usize, q: &[i16]) {
        let r = i % 4;
        let block = self.block_mut(i);
        for (p, pair) in q.chunks_exact(2).enumerate() {
            let o = ((c0 / 2 + p) * 4 + r) * 2;
            block[o..o + 2].copy_from_slice(pair);
        }
    }
}

/// The largest `qmax` for which a product over an inner dimension `k` with both sides quantised
/// to `±qmax` has exact i32 sums: `k · qmax² < 2³¹`.
fn qmax_for(k: usize) -> f32 {
    let q = ((i32::MAX as f64) / k.max(1) as f64).sqrt().floor();
    q.min(16383.0) as f32
}

/// `round(t)` clamped to `±qmax` (`qmax` below 2²²), as [`quantize_row`] rounds.
#[inline(always)]
fn round_q(t: f32, qmax: f32) -> i16 {
    let t = if t > qmax { qmax } else if t < -qmax { -qmax } else { t };
    ((t + MAGIC).to_bits() as i32).wrapping_sub(MAGIC_BITS) as i16
}

/// Quantises one row to `±qmax` (symmetric, round to nearest) into `qr` and returns its scale
/// (`x ≈ q · scale`). `qmax` must be below 2²² (the rounding trick's range).
fn quantize_row(xr: &[f32], qr: &mut [i16], qmax: f32) -> f32 {
    let s = row_scale(xr, qmax);
    let inv = 1.0 / s;
    for (d, v) in qr.iter_mut().zip(xr) {
        *d = round_q(v * inv, qmax);
    }
    s
}

/// The scale that maps a row's largest magnitude to `qmax` (1 for a zero or non-finite row).
fn row_scale(xr: &[f32], qmax: f32) -> f32 {
    let mut m = [0f32; 8];
    let mut chunks = xr.chunks_exact(8);
    for c in &mut chunks {
        for t in 0..8 {
            let a = c[t].abs();
            m[t] = if a > m[t] { a } else { m[t] };
        }
    }
    let amax = chunks.remainder().iter().map(|v| v.abs()).chain(m).fold(0f32, |a, b| if b > a { b } else { a });
    if amax > 0.0 && amax.is_finite() {
        amax / qmax
    } else {
        1.0
    }
}

/// Where the kernels read `w[r][j]` of a `k × n` weight matrix (`k` even, `n` a multiple of
/// 8): in panels of 8 output columns, each panel the `k / 2` row pairs of its columns, a pair's
/// 8 columns interleaved as i16 (`(w[2p][j], w[2p+1][j])` for `j` in the panel): 32 bytes per
/// row pair, so a kernel tile reads its weights as one sequential stream. (Whole rows of `n`
/// pairs, the earlier layout, put a tile's consecutive reads `4n` bytes apart: for `n` = 1536 a
/// 6 KB stride that maps every read to the same two L1 cache sets, so a tile's weights were
/// fetched again for every block of tokens.)
#[inline(always)]
fn wpos(k: usize, r: usize, j: usize) -> usize {
    (j / 8) * 8 * k + (r / 2) * 16 + (j % 8) * 2 + r % 2
}

/// Packs ONNX's `[k][n]` int8 weights (row-major; `k` even, `n` a multiple of 8) as i16 in the
/// kernels' panel layout ([`wpos`]). Two source rows are read at a time, sequentially (a
/// column-wise walk is slow in V8's baseline compiler, which is what runs during a cold start),
/// and each 8 columns' interleaved pairs are stored at their panel's row-pair slot.
fn pack_pairs(w: &[u8], k: usize, n: usize) -> Option<Vec<i16>> {
    if k % 2 != 0 || n % 8 != 0 || w.len() != k * n {
        return None;
    }
    // Every element is written below, so the buffer is not zeroed first (a 21 MB `vec![0; _]`
    // was a measurable part of a wasm cold start).
    let mut out: Vec<i16> = Vec::with_capacity(k * n);
    let dst = &mut out.spare_capacity_mut()[..k * n];
    for kp in 0..k / 2 {
        let (a, b) = (&w[2 * kp * n..(2 * kp + 1) * n], &w[(2 * kp + 1) * n..(2 * kp + 2) * n]);
        #[allow(unused_mut)]
        let mut done = 0;
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        {
            // 16 columns (two panels) per step with SIMD widen + interleave: the scalar loop is
            // ~10x the instructions, which matters while V8 still runs its baseline code.
            use core::arch::wasm32::*;
            while done + 16 <= n {
                // SAFETY: done + 16 <= n = a.len() = b.len(); the two panels' slots
                // wpos(k, 2kp, done) .. +16 and wpos(k, 2kp, done + 8) .. +16 lie inside dst
                // (k·n values).
                unsafe {
                    let va = v128_load(a.as_ptr().add(done) as *const v128);
                    let vb = v128_load(b.as_ptr().add(done) as *const v128);
                    let (al, ah) = (i16x8_extend_low_i8x16(va), i16x8_extend_high_i8x16(va));
                    let (bl, bh) = (i16x8_extend_low_i8x16(vb), i16x8_extend_high_i8x16(vb));
                    let o = dst.as_mut_ptr().add(wpos(k, 2 * kp, done)) as *mut v128;
                    v128_store(o, i16x8_shuffle::<0, 8, 1, 9, 2, 10, 3, 11>(al, bl));
                    v128_store(o.add(1), i16x8_shuffle::<4, 12, 5, 13, 6, 14, 7, 15>(al, bl));
                    let o = dst.as_mut_ptr().add(wpos(k, 2 * kp, done + 8)) as *mut v128;
                    v128_store(o, i16x8_shuffle::<0, 8, 1, 9, 2, 10, 3, 11>(ah, bh));
                    v128_store(o.add(1), i16x8_shuffle::<4, 12, 5, 13, 6, 14, 7, 15>(ah, bh));
                }
                done += 16;
            }
        }
        for j in done..n {
            let p = wpos(k, 2 * kp, j);
            dst[p].write(i16::from(a[j] as i8));
            dst[p + 1].write(i16::from(b[j] as i8));
        }
    }
    // SAFETY: every one of the k·n slots was written above (each row pair kp and column j
    // writes wpos(k, 2kp, j) and the slot after it, a bijection onto 0..k·n for n % 8 == 0).
    unsafe { out.set_len(k * n) };
    Some(out)
}

/// `acc[i, j] = Σ_k x[i, k] · w[k, j]`, exact in i32; `x` in the [`Rows4`] layout, `w` packed
/// by [`pack_pairs`]. Each step broadcasts one token's pair (x[i, 2kp], x[i, 2kp+1]) and
/// multiplies it with the pairs of 4 outputs: `i32x4.dot_i16x8_s` gives 4 finished partial
/// sums, no horizontal adds.
fn gemm_i16(x: &Rows4, m: usize, w: &[i16], n: usize, acc: &mut [i32]) {
    gemm_cols(x, m, w, n, 0, n, acc);
}

/// [`gemm_i16`] for the output columns `j0..j0 + nc` only, into `acc` as `m × nc`.
fn gemm_cols(x: &Rows4, m: usize, w: &[i16], n: usize, j0: usize, nc: usize, acc: &mut [i32]) {
    let k = x.k;
    let ok = m <= x.m && w.len() >= n * k && acc.len() >= m * nc && k % 2 == 0 && j0 % 8 == 0 && nc % 8 == 0 && j0 + nc <= n;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        if ok {
            // SAFETY: the lengths were checked just above (x holds m rows of k, rounded up to
            // whole blocks); every access is inside x, w or acc.
            unsafe { simd::gemm(x.values(), m, k, w, n, j0, nc, acc) };
            return;
        }
    }
    #[cfg(target_arch = "x86_64")]
    {
        if ok && nc % 16 == 0 && std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: as above, and AVX2 was detected.
            unsafe { sse2::gemm_avx2(x.values(), m, k, w, n, j0, nc, acc) };
            return;
        }
        if ok {
            // SAFETY: as above; SSE2 is part of the x86_64 baseline.
            unsafe { sse2::gemm(x.values(), m, k, w, n, j0, nc, acc) };
            return;
        }
    }
    let _ = ok;
    for i in 0..m {
        for j in j0..(j0 + nc).min(n) {
            let sum = (0..k / 2)
                .map(|kp| {
                    let p = wpos(k, 2 * kp, j);
                    i32::from(x.get(i, 2 * kp)) * i32::from(w[p]) + i32::from(x.get(i, 2 * kp + 1)) * i32::from(w[p + 1])
                })
                .sum();
            if let Some(a) = acc.get_mut(i * nc + j - j0) {
                *a = sum;
            }
        }
    }
}

/// The kernel body, written once for both SIMD targets: `$ld` loads 8 i16, `$splat` broadcasts
/// the i32 at a pointer, `$dot` is the pairwise i16 multiply-add, `$add` / `$zero` / `$st` the
/// i32x4 add, zero and store. Blocks of 4 tokens × 8 outputs (8 accumulators); the weight
/// panel of 8 outputs (k × 16 bytes, contiguous: [`wpos`]) stays in L1 while every token block
/// passes. Larger
/// tiles (4×12, 5×8, 6×8, 3×12, 3×16, 2×16) measured slower in V8 on x86_64: 16 vector
/// registers, and they spill.
macro_rules! gemm_body {
    ($lanes:expr, $x:ident, $m:ident, $k:ident, $w:ident, $n:ident, $j0:ident, $nc:ident, $acc:ident, $ld:expr, $splat:expr, $dot:expr, $add:expr, $zero:expr, $st:expr) => {{
        let (xp, wp, ap) = ($x.as_ptr(), $w.as_ptr(), $acc.as_mut_ptr());
        let _ = $n; // (the panel layout's addresses do not depend on n)
        // A tile's 2·lanes outputs are one panel of 8 (wasm, SSE2) or two (AVX2): the second
        // half's weights start where the layout puts output `j + lanes` (j is a multiple of 8).
        let b1off = $crate::wpos($k, 0, $j0 + $lanes) - $crate::wpos($k, 0, $j0);
        let mut j = $j0;
        while j < $j0 + $nc {
            let mut i = 0;
            while i < $m {
                let z = $zero;
                let (mut a00, mut a01, mut a10, mut a11, mut a20, mut a21, mut a30, mut a31) = (z, z, z, z, z, z, z, z);
                let mut xb = xp.add(i * $k);
                let xend = xb.add(4 * $k);
                let mut wrow = wp.add($crate::wpos($k, 0, j));
                while xb < xend {
                    let (b0, b1) = ($ld(wrow), $ld(wrow.add(b1off)));
                    let v = $splat(xb);
                    a00 = $add(a00, $dot(v, b0));
                    a01 = $add(a01, $dot(v, b1));
                    let v = $splat(xb.add(2));
                    a10 = $add(a10, $dot(v, b0));
                    a11 = $add(a11, $dot(v, b1));
                    let v = $splat(xb.add(4));
                    a20 = $add(a20, $dot(v, b0));
                    a21 = $add(a21, $dot(v, b1));
                    let v = $splat(xb.add(6));
                    a30 = $add(a30, $dot(v, b0));
                    a31 = $add(a31, $dot(v, b1));
                    xb = xb.add(8);
                    wrow = wrow.add(16);
                }
                for (r, (lo, hi)) in [(a00, a01), (a10, a11), (a20, a21), (a30, a31)].into_iter().enumerate().take($m - i) {
                    let o = ap.add((i + r) * $nc + (j - $j0));
                    $st(o, lo);
                    $st(o.add($lanes), hi);
                }
                i += 4;
            }
            j += 2 * $lanes;
        }
    }};
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::*;

    /// # Safety
    /// `x.len() >= m*k`, `w.len() >= n*k`, `acc.len() >= m*nc`, `k % 2 == 0`, `j0`, `nc` multiples of 8,
    /// `j0 + nc <= n`.
    pub unsafe fn gemm(x: &[i16], m: usize, k: usize, w: &[i16], n: usize, j0: usize, nc: usize, acc: &mut [i32]) {
        gemm_body!(
            4,
            x,
            m,
            k,
            w,
            n,
            j0,
            nc,
            acc,
            |p: *const i16| v128_load(p as *const v128),
            |p: *const i16| v128_load32_splat(p as *const u32),
            |a, b| i32x4_dot_i16x8(a, b),
            |a, b| i32x4_add(a, b),
            i32x4_splat(0),
            |p: *mut i32, v| v128_store(p as *mut v128, v)
        )
    }

    /// [`super::Rows4::quantize`] for whole blocks of 4 rows: each row's 8 values to ±qmax (the
    /// same compare-and-select clamp and rounding trick), narrowed to i16, and the 4 rows' pairs
    /// transposed into the block's 16-byte slots with shuffles (against one 4-byte store per
    /// pair). (The narrowing saturates where `as i16` wraps: they differ only for NaN input.)
    ///
    /// # Safety
    /// `x` holds `scales.len()` rows (a multiple of 4) of `k` values, row `i` from `i · stride`;
    /// `k % 8 == 0`; `out` holds at least `scales.len() · k` values.
    pub unsafe fn quantize_blocks(x: &[f32], stride: usize, k: usize, scales: &[f32], qmax: f32, out: &mut [i16]) {
        let (hi, lo) = (f32x4_splat(qmax), f32x4_splat(-qmax));
        let (magic, bits) = (f32x4_splat(super::MAGIC), i32x4_splat(super::MAGIC_BITS));
        let q = |v: v128, inv: v128| {
            let t = f32x4_mul(v, inv);
            let t = f32x4_pmax(f32x4_pmin(t, hi), lo);
            i32x4_sub(f32x4_add(t, magic), bits)
        };
        for (b, sb) in scales.chunks_exact(4).enumerate() {
            let inv = [0, 1, 2, 3].map(|r| f32x4_splat(1.0 / sb[r]));
            let xb = x.as_ptr().add(b * 4 * stride);
            let ob = out.as_mut_ptr().add(b * 4 * k) as *mut v128;
            let mut c = 0;
            while c < k {
                let v = [0, 1, 2, 3].map(|r| {
                    let p = xb.add(r * stride + c);
                    i16x8_narrow_i32x4(q(v128_load(p as *const v128), inv[r]), q(v128_load(p.add(4) as *const v128), inv[r]))
                });
                store_transposed(ob.add(c / 2), v);
                c += 8;
            }
        }
    }

    /// Writes 4 rows' 8 values (4 pairs each) as the block layout's 4 slots of 4 pairs.
    #[inline(always)]
    unsafe fn store_transposed(d: *mut v128, v: [v128; 4]) {
        let t0 = i32x4_shuffle::<0, 4, 1, 5>(v[0], v[1]);
        let t1 = i32x4_shuffle::<0, 4, 1, 5>(v[2], v[3]);
        let t2 = i32x4_shuffle::<2, 6, 3, 7>(v[0], v[1]);
        let t3 = i32x4_shuffle::<2, 6, 3, 7>(v[2], v[3]);
        v128_store(d, i64x2_shuffle::<0, 2>(t0, t1));
        v128_store(d.add(1), i64x2_shuffle::<1, 3>(t0, t1));
        v128_store(d.add(2), i64x2_shuffle::<0, 2>(t2, t3));
        v128_store(d.add(3), i64x2_shuffle::<1, 3>(t2, t3));
    }

    /// 4 rows of `k` quantised values (row after row) into one block of the layout.
    ///
    /// # Safety
    /// `rows` holds `4 · k` values, `out` at least as many; `k % 8 == 0`.
    pub unsafe fn transpose_block(rows: &[i16], k: usize, out: &mut [i16]) {
        let (rp, ob) = (rows.as_ptr(), out.as_mut_ptr() as *mut v128);
        let mut c = 0;
        while c < k {
            let v = [0, 1, 2, 3].map(|r| v128_load(rp.add(r * k + c) as *const v128));
            store_transposed(ob.add(c / 2), v);
            c += 8;
        }
    }
}

/// The same kernel for native x86_64 builds (the CLI and tests): `pmaddwd` is the SSE2 twin of
/// `i32x4.dot_i16x8_s` (and `vpmaddwd` its AVX2 double), so native sums are the wasm sums, bit
/// for bit.
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use core::arch::x86_64::*;

    /// # Safety
    /// `x.len() >= m*k`, `w.len() >= n*k`, `acc.len() >= m*nc`, `k % 2 == 0`, `j0`, `nc` multiples of 8,
    /// `j0 + nc <= n`.
    pub unsafe fn gemm(x: &[i16], m: usize, k: usize, w: &[i16], n: usize, j0: usize, nc: usize, acc: &mut [i32]) {
        gemm_body!(
            4,
            x,
            m,
            k,
            w,
            n,
            j0,
            nc,
            acc,
            |p: *const i16| _mm_loadu_si128(p as *const __m128i),
            |p: *const i16| _mm_set1_epi32((p as *const i32).read_unaligned()),
            |a, b| _mm_madd_epi16(a, b),
            |a, b| _mm_add_epi32(a, b),
            _mm_setzero_si128(),
            |p: *mut i32, v| _mm_storeu_si128(p as *mut __m128i, v)
        )
    }

    /// The same with 256-bit AVX2 registers (8 outputs per vector), for CPUs that have it;
    /// the sums are the same integers.
    ///
    /// # Safety
    /// As [`gemm`], plus `nc % 16 == 0` and AVX2 available.
    #[target_feature(enable = "avx2")]
    pub unsafe fn gemm_avx2(x: &[i16], m: usize, k: usize, w: &[i16], n: usize, j0: usize, nc: usize, acc: &mut [i32]) {
        gemm_body!(
            8,
            x,
            m,
            k,
            w,
            n,
            j0,
            nc,
            acc,
            |p: *const i16| _mm256_loadu_si256(p as *const __m256i),
            |p: *const i16| _mm256_set1_epi32((p as *const i32).read_unaligned()),
            |a, b| _mm256_madd_epi16(a, b),
            |a, b| _mm256_add_epi32(a, b),
            _mm256_setzero_si256(),
            |p: *mut i32, v| _mm256_storeu_si256(p as *mut __m256i, v)
        )
    }
}

fn dot_f32(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn layer_norm(x: &mut [f32], h: usize, n: &Norm, eps: f32) {
    for r in x.chunks_exact_mut(h) {
        let mean = sum_f32(r) / h as f32;
        r.iter_mut().for_each(|v| *v -= mean);
        let mut acc = [0f32; 8];
        for c in r.chunks_exact(8) {
            for t in 0..8 {
                acc[t] += c[t] * c[t];
            }
        }
        let var = (acc.iter().sum::<f32>() + r.chunks_exact(8).remainder().iter().map(|v| v * v).sum::<f32>()) / h as f32;
        let inv = 1.0 / (var + eps).sqrt();
        for ((v, g), b) in r.iter_mut().zip(&n.gamma).zip(&n.beta) {
            *v = *v * inv * g + b;
        }
    }
}

/// `e^x` for x ≤ 0 (softmax after subtracting the max), relative error ~2e-7. Integer parts go
/// through the rounding constant's bits, not `as i32` (a saturating cast that does not vectorise).
#[inline(always)]
fn exp_neg(x: f32) -> f32 {
    let x = if x > -87.0 { x } else { -87.0 };
    let t = x * std::f32::consts::LOG2_E + MAGIC;
    let n = t - MAGIC;
    let ni = (t.to_bits() as i32).wrapping_sub(MAGIC_BITS);
    let r = x - n * 0.693_145_75 - n * 1.428_606_8e-6;
    let p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    f32::from_bits((ni.wrapping_add(127) as u32) << 23) * p
}

/// Round half to even for |x| < 2²², by the 1.5·2²³ trick: adding it leaves the integer in the
/// low mantissa bits. Vectorises on every target (`round_ties_even` is a libm call on baseline
/// x86_64 and `as` casts saturate lane by lane).
const MAGIC: f32 = 12_582_912.0;
/// The bits of [`MAGIC`]: `(x + MAGIC).to_bits() - MAGIC_BITS` is `round(x)` as an integer.
const MAGIC_BITS: i32 = 0x4B40_0000;

fn softmax(v: &mut [f32]) {
    let max = max_f32(v);
    for x in v.iter_mut() {
        *x = exp_neg(*x - max);
    }
    let sum = sum_f32(v);
    let inv = 1.0 / sum;
    v.iter_mut().for_each(|x| *x *= inv);
}

/// The largest value, in 8 lanes (vectorises).
#[inline(always)]
fn max_f32(v: &[f32]) -> f32 {
    let mut m = [f32::NEG_INFINITY; 8];
    let mut chunks = v.chunks_exact(8);
    for c in &mut chunks {
        for t in 0..8 {
            m[t] = if c[t] > m[t] { c[t] } else { m[t] };
        }
    }
    chunks.remainder().iter().chain(&m).fold(f32::NEG_INFINITY, |a, &b| if b > a { b } else { a })
}

/// A sum in 8 lanes (vectorises; a plain `.sum()` of floats stays sequential).
#[inline(always)]
fn sum_f32(v: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let mut chunks = v.chunks_exact(8);
    for c in &mut chunks {
        for t in 0..8 {
            acc[t] += c[t];
        }
    }
    acc.iter().sum::<f32>() + chunks.remainder().iter().sum::<f32>()
}

/// erf-GELU, `0.5·x·(1 + erf(x/√2))`, with the Abramowitz–Stegun 7.1.26-style erf tract uses
/// (max error ~3e-7).
fn gelu(v: &mut [f32]) {
    const A: [f32; 6] = [0.070_523_08, 0.042_282_012, 0.009_270_527_2, 0.000_152_014_3, 0.000_276_567_2, 0.000_043_063_8];
    for x in v.iter_mut() {
        let z = *x * std::f32::consts::FRAC_1_SQRT_2;
        let a = z.abs();
        let y = ((((((A[5] * a + A[4]) * a + A[3]) * a + A[2]) * a + A[1]) * a + A[0]) * a) + 1.0;
        let y2 = y * y;
        let y4 = y2 * y2;
        let y8 = y4 * y4;
        let erf = (1.0 - 1.0 / (y8 * y8)).copysign(z);
        *x = 0.5 * *x * (1.0 + erf);
    }
}

/// A small deterministic generator (no dependency), for [`self_check`] and the tests.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f32 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }
}

/// Checks this build's kernels (the SIMD ones where the target has them) against their plain
/// definitions, bit for bit: the matmul sums for 1–13 rows (partial blocks of 4) over two column
/// blocks, each output mode of a linear layer against the dequantisation written out, the 4-row
/// quantisation into the kernel's layout (strided rows) against row-by-row quantisation, and
/// [`Rows4::put_block`] against [`Rows4::put`]. Some of these paths exist only in wasm, so the
/// parent crate's wasm tests call this in Node and headless Chromium; natively a unit test does.
#[doc(hidden)]
pub fn self_check() -> Result<(), String> {
    let mut g = Lcg(11);
    let (k, n) = (48, 96);
    let wq: Vec<u8> = (0..k * n).map(|_| (g.next() * 127.0) as i8 as u8).collect();
    let lin = Linear {
        k,
        n,
        w: pack_pairs(&wq, k, n).ok_or("pack_pairs refused a valid shape")?,
        scale: (0..n).map(|_| g.next().abs() * 0.01 + 1e-3).collect(),
        bias: (0..n).map(|_| g.next()).collect(),
    };
    let same = |a: &[f32], b: &[f32]| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits());
    for m in [1, 3, 4, 5, 13] {
        // quantisation: all rows at once (strided) against one row at a time
        let stride = k + 8;
        let xs: Vec<f32> = (0..m * stride).map(|_| g.next() * 4.0).collect();
        let (mut a, mut sa) = (Rows4::default(), Vec::new());
        a.quantize_all(&xs, stride, m, k, QMAX, &mut sa);
        let mut b = Rows4::default();
        b.reset(m, k);
        let sb: Vec<f32> = (0..m).map(|i| b.quantize(i, &xs[i * stride..i * stride + k], QMAX)).collect();
        if a.buf != b.buf || !same(&sa, &sb) {
            return Err(format!("{m} rows: quantising 4 rows at a time differs from row by row"));
        }
        // the matmul sums and each output mode of a linear layer
        let x: Vec<f32> = (0..m * k).map(|_| g.next() * 4.0).collect();
        let mut s = Scratch::default();
        quantize_rows(&x, m, k, &mut s.xq, &mut s.xs);
        let want: Vec<i32> = (0..m * n)
            .map(|e| (0..k).map(|c| i32::from(s.xq.get(e / n, c)) * i32::from(wq[c * n + e % n] as i8)).sum())
            .collect();
        let mut acc = vec![0i32; m * n];
        gemm_i16(&s.xq, m, &lin.w, n, &mut acc);
        if acc != want {
            return Err(format!("{m} rows: the kernel's sums differ from the definition"));
        }
        let resid: Vec<f32> = (0..m * n).map(|_| g.next()).collect();
        for (name, then) in [("set", Then::Set), ("add", Then::Add), ("gelu", Then::Gelu)] {
            let mut expect: Vec<f32> =
                (0..m * n).map(|e| want[e] as f32 * (s.xs[e / n] * lin.scale[e % n]) + lin.bias[e % n]).collect();
            if then == Then::Add {
                expect.iter_mut().zip(&resid).for_each(|(v, r)| *v = r + *v);
            }
            if then == Then::Gelu {
                gelu(&mut expect);
            }
            let mut y = if then == Then::Add { resid.clone() } else { vec![f32::NAN; m * n] };
            lin.forward(&x, m, &mut y, then, &mut s);
            if !same(&y, &expect) {
                return Err(format!("{m} rows, {name}: the linear layer's output differs from the definition"));
            }
        }
    }
    // 4 quantised rows into a block at once against row by row
    let rows: Vec<i16> = (0..4 * k).map(|_| (g.next() * 8191.0) as i16).collect();
    let (mut a, mut b) = (Rows4::default(), Rows4::default());
    a.reset(8, k);
    b.reset(8, k);
    a.put_block(1, &rows);
    for (r, row) in rows.chunks_exact(k).enumerate() {
        b.put(4 + r, 0, row);
    }
    if a.buf != b.buf {
        return Err("put_block differs from put".to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs both attentions over the same projections; returns the worst |difference| relative
    /// to the largest |V|.
    fn compare(h: usize, heads: usize, lens: &[usize], fill: impl Fn(usize, usize, usize) -> f32) -> f32 {
        let m: usize = lens.iter().sum();
        let mut qkv = vec![0f32; m * 3 * h];
        for t in 0..m {
            for part in 0..3 {
                for c in 0..h {
                    qkv[t * 3 * h + part * h + c] = fill(t, part, c);
                }
            }
        }
        let vmax = (0..m).flat_map(|t| qkv[t * 3 * h + 2 * h..(t + 1) * 3 * h].to_vec()).fold(0f32, |a, v| a.max(v.abs()));
        let (mut a, mut b) = (vec![0f32; m * h], vec![0f32; m * h]);
        attention_i16(h, heads, &qkv, lens, &mut a, &mut Scratch::default());
        attention_any(h, heads, &qkv, lens, &mut b, &mut Scratch::default());
        let w = a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0f32, f32::max) / vmax;
        eprintln!("{lens:?}: worst {w:.2e}");
        w
    }

    #[test]
    fn kernels_match_their_definitions() {
        self_check().unwrap();
    }

    #[test]
    fn integer_attention_follows_f32_attention() {
        let mut g = Lcg(7);
        let noise: Vec<f32> = (0..(5 + 128 + 300 + 512) * 3 * 64).map(|_| g.next() * 3.0).collect();
        let worst = compare(64, 2, &[5, 128, 300, 512], |t, p, c| noise[(t * 3 + p) * 64 + c]);
        assert!(worst < 2e-3, "random: worst relative difference {worst}");
    }

    #[test]
    fn flat_attention_at_full_scale_does_not_overflow() {
        // All keys alike (flat softmax: P's sum is the window length, its bits are fewest) and
        // every V at its quantisation bound with the same sign: the largest P·V sum there is.
        // An overflowing i32 sum would be off by 2³² units, not by rounding.
        for len in [8, 255, 512] {
            let worst = compare(32, 1, &[len], |_, p, c| match p {
                0 => 0.5,
                1 => 1.0 + (c % 3) as f32,
                _ => 100.0,
            });
            assert!(worst < 1e-3, "flat, {len} keys: worst relative difference {worst}");
        }
    }

    #[test]
    fn peaked_attention_keeps_small_probabilities() {
        // One key dominates each query; the others still add up (their weights are ~1e-4).
        let worst = compare(32, 1, &[200], |t, p, c| match p {
            0 => if c == 0 { 12.0 } else { 0.0 },
            1 => if t == 0 && c == 0 { 8.0 } else { (t % 7) as f32 * 0.01 },
            _ => if t == 0 { 1.0 } else { -1.0 + (t % 5) as f32 * 0.1 },
        });
        assert!(worst < 1e-3, "peaked: worst relative difference {worst}");
    }
}
