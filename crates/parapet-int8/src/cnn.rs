//! The int8 engine for image classifiers: plain convolutional networks (ResNet-style, batch of
//! one), run with the same i16 dot-product kernels as the text encoder.
//!
//! - **Convolutions** become matrix products over the pixels: every output pixel's receptive
//!   field (`kh × kw × cin` values, NHWC order) is one row, quantised on the fly to 16 bits
//!   with its own scale, then multiplied with the weights, which are quantised once at load
//!   per output channel. The bits are chosen per layer so that the i32 sums cannot overflow
//!   (`K · qmax · wmax < 2³¹`, split evenly: 12 + 12 bits for K = 147, 10 + 10 for 3×3×256).
//! - Rows are processed in cache-sized chunks (gather + quantise, multiply, then bias,
//!   residual add and ReLU fused in one pass), so no full im2col matrix is ever built.
//! - Max-pooling, global average pooling, the final `Gemm`, softmax and sigmoid stay f32.
//!
//! Accepted graphs: `Conv` (group 1, no dilation, explicit pads), `Relu`, `Add` (same shapes),
//! `MaxPool`, `GlobalAveragePool`, `Flatten` (of a 1×1 map), `Gemm` (constant B), `Softmax`,
//! `Sigmoid`, and a `Transpose` from NHWC to NCHW right at the input. Anything else (or any
//! shape it cannot follow) returns `None` and the caller runs tract instead. Batch-norm and
//! shape arithmetic should be folded into the graph beforehand (`models/image/build_bundles.py`
//! does it for open_nsfw).

use crate::onnx_pb::{self, Node};
use crate::{gemm_i16, wpos, Rows4};
use std::collections::HashMap;

/// Layout of the model's input tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `[1, height, width, channels]`.
    Nhwc,
    /// `[1, channels, height, width]`.
    Nchw,
}

/// What the bundle's manifest says about the graph.
#[derive(Debug, Clone, Copy)]
pub struct CnnSpec<'a> {
    pub input: &'a str,
    pub output: &'a str,
    pub layout: Layout,
    pub height: usize,
    pub width: usize,
    pub channels: usize,
}

/// Largest activation map or weight matrix (elements) accepted: 64 MB of f32, far above any
/// real image classifier's; bigger graphs go to tract. An allocation failure in wasm would
/// abort the instance, so sizes are bounded (with checked arithmetic) at recognition time.
const MAX_ELEMS: usize = 1 << 24;
/// Target size of one chunk of quantised rows (bytes): about an L1 cache.
const CHUNK_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    h: usize,
    w: usize,
    c: usize,
}

impl Shape {
    fn len(self) -> usize {
        self.h * self.w * self.c
    }

    /// The element count if it is at most [`MAX_ELEMS`].
    fn bounded(self) -> Option<Shape> {
        (self.h.checked_mul(self.w)?.checked_mul(self.c)? <= MAX_ELEMS).then_some(self)
    }
}

/// A kernel's sweep over an NHWC map (Conv and MaxPool): size, strides, leading pads.
#[derive(Debug, Clone, Copy)]
struct Window {
    kh: usize,
    kw: usize,
    sh: usize,
    sw: usize,
    /// Padding before the first row / column.
    pt: usize,
    pl: usize,
}

impl Window {
    /// Input row and column under kernel cell `(ky, kx)` at output `(oy, ox)`; out of range
    /// (wrapped past `usize::MAX`) in the padding.
    #[inline(always)]
    fn at(&self, oy: usize, ox: usize, ky: usize, kx: usize) -> (usize, usize) {
        ((oy * self.sh + ky).wrapping_sub(self.pt), (ox * self.sw + kx).wrapping_sub(self.pl))
    }
}

/// The sweep of a Conv or MaxPool node with a `kh × kw` kernel over `input`, and its output
/// shape with `c` channels; `None` for `auto_pad`, dilation, pads not smaller than the kernel
/// or an output over [`MAX_ELEMS`].
fn window(n: &Node, input: Shape, (kh, kw): (usize, usize), c: usize) -> Option<(Window, Shape)> {
    if n.strings.get("auto_pad").is_some_and(|p| p != "NOTSET") || list(n, "dilations", &[1, 1])?.iter().any(|&d| d != 1) {
        return None;
    }
    let st = list(n, "strides", &[1, 1])?;
    let pads = list(n, "pads", &[0, 0, 0, 0])?;
    let ([sh, sw], [pt, pl, pb, pr]) = (st[..].try_into().ok()?, pads[..].try_into().ok()?);
    if pt >= kh || pb >= kh || pl >= kw || pr >= kw {
        return None;
    }
    let out = Shape { h: out_len(input.h, pt + pb, kh, sh)?, w: out_len(input.w, pl + pr, kw, sw)?, c }.bounded()?;
    Some((Window { kh, kw, sh, sw, pt, pl }, out))
}

#[derive(Debug, Clone)]
struct Conv {
    win: Window,
    input: Shape,
    out: Shape,
    /// Receptive field length and its even-padded length.
    k: usize,
    kp: usize,
    /// Output channels padded to a multiple of 16 (the kernels' column block).
    np: usize,
    /// The weights as i16 row pairs in panels of 8 outputs (`kp × np`, the layout of [`wpos`]).
    w: Vec<i16>,
    scale: Vec<f32>,
    bias: Vec<f32>,
    qmax: f32,
}

#[derive(Debug, Clone)]
enum Op {
    Conv { x: usize, res: Option<usize>, relu: bool, conv: Box<Conv> },
    MaxPool { x: usize, input: Shape, win: Window },
    Add { a: usize, b: usize, relu: bool },
    Relu { x: usize },
    GlobalAvg { x: usize, input: Shape },
    Gemm { x: usize, k: usize, n: usize, w: Vec<f32>, b: Vec<f32> },
    Softmax { x: usize },
    Sigmoid { x: usize },
}

#[derive(Debug, Clone)]
struct Step {
    op: Op,
    out: usize,
    shape: Shape,
    /// Values no later step reads: dropped after this one.
    free: Vec<usize>,
}

/// A recognised image classifier with its quantised weights, ready to run.
#[derive(Debug, Clone)]
pub struct Cnn {
    layout: Layout,
    input: Shape,
    steps: Vec<Step>,
    values: usize,
    output: usize,
    classes: usize,
}

fn dims(t: &onnx_pb::Tensor) -> Option<Vec<usize>> {
    t.dims.iter().map(|&d| usize::try_from(d).ok()).collect()
}

fn list(n: &Node, name: &str, default: &[i64]) -> Option<Vec<usize>> {
    let v = n.int_lists.get(name).map_or(default, |v| v.as_slice());
    v.iter().map(|&x| usize::try_from(x).ok()).collect()
}

/// Output length of a window sweep; `None` if the window does not fit.
fn out_len(size: usize, pad: usize, k: usize, s: usize) -> Option<usize> {
    let total = size.checked_add(pad)?;
    (s > 0 && k > 0 && total >= k).then(|| (total - k) / s + 1)
}

fn conv_layer(n: &Node, g: &onnx_pb::Graph, input: Shape) -> Option<Conv> {
    if n.ints.get("group").is_some_and(|&g| g != 1) {
        return None;
    }
    let wt = g.consts.get(n.inputs.get(1)?)?;
    let [cout, cin, kh, kw] = dims(wt)?[..] else { return None };
    if cin != input.c || cout == 0 {
        return None;
    }
    if let Some(ks) = n.int_lists.get("kernel_shape") {
        if ks.len() != 2 || ks[0] as usize != kh || ks[1] as usize != kw {
            return None;
        }
    }
    let w = wt.f32s()?;
    let bias = match n.inputs.get(2).filter(|b| !b.is_empty()) {
        Some(b) => {
            let t = g.consts.get(b)?;
            (t.len()? == cout).then_some(())?;
            t.f32s()?
        }
        None => vec![0.0; cout],
    };
    let (win, out) = window(n, input, (kh, kw), cout)?;
    let k = kh.checked_mul(kw)?.checked_mul(cin)?;
    let kp = k + k % 2;
    let np = cout.div_ceil(16) * 16;
    if kp.checked_mul(np)? > MAX_ELEMS {
        return None;
    }
    // The i32 sums are exact while kp · qmax · wmax < 2³¹: the bits are split evenly between
    // activations and weights (e.g. 11 + 11 bits for K = 1024, 10 + 10 for a 3×3×256 layer),
    // which halves the worst relative error of either against 8-bit weights.
    let lim = ((i32::MAX as f64 / kp as f64).sqrt().floor() as usize).min(32767);
    if lim < 127 {
        return None;
    }
    let (qmax, wmax) = (lim as f32, lim as f32);
    // Per output channel; rows in NHWC receptive-field order (ky, kx, ci), written straight
    // into the kernels' panel layout ([`wpos`]).
    let mut packed = vec![0i16; kp * np];
    let mut scale = vec![0f32; np];
    for co in 0..cout {
        let wc = &w[co * k..(co + 1) * k];
        let amax = wc.iter().fold(0f32, |a, &v| a.max(v.abs()));
        if !amax.is_finite() {
            return None;
        }
        let s = if amax > 0.0 { amax / wmax } else { 1.0 };
        scale[co] = s;
        for ci in 0..cin {
            for ky in 0..kh {
                for kx in 0..kw {
                    let v = (wc[(ci * kh + ky) * kw + kx] / s).round().clamp(-wmax, wmax) as i16;
                    let r = (ky * kw + kx) * cin + ci;
                    packed[wpos(kp, r, co)] = v;
                }
            }
        }
    }
    Some(Conv { win, input, out, k, kp, np, w: packed, scale, bias, qmax })
}

impl Cnn {
    /// Recognises a plain CNN classifier in `onnx` and quantises its weights; `None` for any
    /// graph (or bytes) it does not fully understand.
    pub fn recognize(onnx: &[u8], spec: &CnnSpec) -> Option<Cnn> {
        let g = onnx_pb::read_graph(onnx)?;
        if g.inputs != [spec.input] || !g.outputs.iter().any(|o| o == spec.output) {
            return None;
        }
        let input = Shape { h: spec.height, w: spec.width, c: spec.channels }.bounded()?;
        if input.h == 0 || input.w == 0 || input.c == 0 {
            return None;
        }
        // Readers of every tensor (graph outputs count as one).
        let mut readers: HashMap<&str, usize> = HashMap::new();
        for n in &g.nodes {
            for i in &n.inputs {
                *readers.entry(i.as_str()).or_default() += 1;
            }
        }
        for o in &g.outputs {
            *readers.entry(o.as_str()).or_default() += 1;
        }
        let single_reader = |t: &str, op: &str| -> Option<usize> {
            if readers.get(t) != Some(&1) {
                return None;
            }
            g.nodes.iter().position(|n| n.op == op && n.inputs.iter().any(|i| i == t))
        };
        // name → (value id, shape, logical layout is NCHW). The input is stored NHWC always;
        // in an NHWC graph it must go through Transpose(0,3,1,2) first.
        let mut names: HashMap<String, (usize, Shape, bool)> = HashMap::new();
        names.insert(spec.input.to_string(), (0, input, spec.layout == Layout::Nchw));
        let mut values = 1;
        let mut steps: Vec<Step> = Vec::new();
        let mut skip = vec![false; g.nodes.len()];
        for (idx, n) in g.nodes.iter().enumerate() {
            if skip[idx] || n.op == "Constant" {
                continue;
            }
            let arg = |i: usize| -> Option<(usize, Shape, bool)> { names.get(n.inputs.get(i)?).copied() };
            let (x, xs, nchw) = arg(0)?;
            let out_name = n.outputs.first()?;
            let mut fused_out = out_name.clone();
            let (op, shape) = match n.op.as_str() {
                "Transpose" => {
                    if nchw || n.int_lists.get("perm").map(Vec::as_slice) != Some(&[0, 3, 1, 2][..]) {
                        return None;
                    }
                    names.insert(out_name.clone(), (x, xs, true));
                    continue;
                }
                "Flatten" => {
                    if !nchw || xs.h != 1 || xs.w != 1 || n.ints.get("axis").is_some_and(|&a| a != 1) {
                        return None;
                    }
                    names.insert(out_name.clone(), (x, xs, true));
                    continue;
                }
                _ if !nchw => return None,
                "Conv" => {
                    let conv = conv_layer(n, &g, xs)?;
                    let shape = conv.out;
                    let mut res = None;
                    let mut relu = false;
                    if let Some(ai) = single_reader(out_name, "Add") {
                        let add = &g.nodes[ai];
                        let other = add.inputs.iter().find(|i| *i != out_name)?;
                        if add.inputs.len() == 2 {
                            if let Some(&(r, rs, true)) = names.get(other) {
                                if rs == shape {
                                    res = Some(r);
                                    skip[ai] = true;
                                    fused_out = add.outputs.first()?.clone();
                                }
                            }
                        }
                    }
                    if let Some(ri) = single_reader(&fused_out, "Relu") {
                        relu = true;
                        skip[ri] = true;
                        fused_out = g.nodes[ri].outputs.first()?.clone();
                    }
                    (Op::Conv { x, res, relu, conv: Box::new(conv) }, shape)
                }
                "Relu" => (Op::Relu { x }, xs),
                "Add" => {
                    let (b, bs, bn) = arg(1)?;
                    if !bn || bs != xs || n.inputs.len() != 2 {
                        return None;
                    }
                    let mut relu = false;
                    if let Some(ri) = single_reader(out_name, "Relu") {
                        relu = true;
                        skip[ri] = true;
                        fused_out = g.nodes[ri].outputs.first()?.clone();
                    }
                    (Op::Add { a: x, b, relu }, xs)
                }
                "MaxPool" => {
                    if n.ints.get("ceil_mode").is_some_and(|&c| c != 0)
                        || n.ints.get("storage_order").is_some_and(|&c| c != 0)
                        || n.outputs.len() != 1
                    {
                        return None;
                    }
                    let [kh, kw] = list(n, "kernel_shape", &[])?[..] else { return None };
                    let (win, shape) = window(n, xs, (kh, kw), xs.c)?;
                    (Op::MaxPool { x, input: xs, win }, shape)
                }
                "GlobalAveragePool" => (Op::GlobalAvg { x, input: xs }, Shape { h: 1, w: 1, c: xs.c }),
                "Gemm" => {
                    if xs.h != 1 || xs.w != 1 || n.ints.get("transA").is_some_and(|&t| t != 0) {
                        return None;
                    }
                    let bt = g.consts.get(n.inputs.get(1)?)?;
                    let bd = dims(bt)?;
                    let bv = bt.f32s()?;
                    let k = xs.c;
                    let trans_b = n.ints.get("transB").is_some_and(|&t| t != 0);
                    let nn = match (&bd[..], trans_b) {
                        ([kk, nn], false) if *kk == k => *nn,
                        ([nn, kk], true) if *kk == k => *nn,
                        _ => return None,
                    };
                    let alpha = n.floats.get("alpha").copied().unwrap_or(1.0);
                    let beta = n.floats.get("beta").copied().unwrap_or(1.0);
                    let mut w = vec![0f32; k * nn];
                    for kk in 0..k {
                        for j in 0..nn {
                            w[kk * nn + j] = alpha * if trans_b { bv[j * k + kk] } else { bv[kk * nn + j] };
                        }
                    }
                    let b = match n.inputs.get(2).filter(|c| !c.is_empty()) {
                        Some(c) => {
                            let t = g.consts.get(c)?;
                            let v = t.f32s()?;
                            match v.len() {
                                1 => vec![beta * v[0]; nn],
                                l if l == nn && dims(t)?.iter().rev().skip(1).all(|&d| d == 1) => v.iter().map(|x| beta * x).collect(),
                                _ => return None,
                            }
                        }
                        None => vec![0.0; nn],
                    };
                    if k.checked_mul(nn)? > MAX_ELEMS {
                        return None;
                    }
                    (Op::Gemm { x, k, n: nn, w, b }, Shape { h: 1, w: 1, c: nn })
                }
                "Softmax" => {
                    if xs.h != 1 || xs.w != 1 || n.ints.get("axis").is_some_and(|&a| a != -1 && a != 1) {
                        return None;
                    }
                    (Op::Softmax { x }, xs)
                }
                "Sigmoid" => (Op::Sigmoid { x }, xs),
                _ => return None,
            };
            steps.push(Step { op, out: values, shape, free: vec![] });
            names.insert(fused_out, (values, shape, true));
            values += 1;
        }
        let &(output, os, _) = names.get(spec.output)?;
        if os.h != 1 || os.w != 1 || output == 0 {
            return None;
        }
        // Liveness: drop every value after its last reader (the output is kept).
        let mut last = vec![usize::MAX; values];
        for (i, s) in steps.iter().enumerate() {
            for v in s.op.reads() {
                last[v] = i;
            }
        }
        for (v, &i) in last.iter().enumerate() {
            if i != usize::MAX && v != output {
                steps[i].free.push(v);
            }
        }
        Some(Cnn { layout: spec.layout, input, steps, values, output, classes: os.c })
    }

    /// Number of outputs (classes).
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// Runs one preprocessed image (in the spec's layout, `height × width × channels` floats);
    /// returns the output row.
    pub fn run(&self, input: &[f32]) -> Result<Vec<f32>, String> {
        let s = self.input;
        if input.len() != s.len() {
            return Err(format!("the image input has {} values, the model takes {}", input.len(), s.len()));
        }
        let mut vals: Vec<Option<Vec<f32>>> = vec![None; self.values];
        vals[0] = Some(match self.layout {
            Layout::Nhwc => input.to_vec(),
            Layout::Nchw => {
                let mut t = vec![0f32; s.len()];
                for c in 0..s.c {
                    for p in 0..s.h * s.w {
                        t[p * s.c + c] = input[c * s.h * s.w + p];
                    }
                }
                t
            }
        });
        let mut scratch = Scratch::default();
        for st in &self.steps {
            let get = |v: usize| vals[v].as_deref().ok_or_else(|| "the image engine lost a value".to_string());
            let y = match &st.op {
                Op::Conv { x, res, relu, conv } => {
                    let r = match res {
                        Some(r) => Some(get(*r)?),
                        None => None,
                    };
                    run_conv(conv, get(*x)?, r, *relu, &mut scratch)
                }
                Op::MaxPool { x, input, win } => max_pool(get(*x)?, *input, st.shape, win),
                Op::Add { a, b, relu } => {
                    let (a, b) = (get(*a)?, get(*b)?);
                    a.iter().zip(b).map(|(x, y)| if *relu { relu0(x + y) } else { x + y }).collect()
                }
                Op::Relu { x } => get(*x)?.iter().map(|&v| relu0(v)).collect(),
                Op::GlobalAvg { x, input } => {
                    let xv = get(*x)?;
                    let mut sum = vec![0f64; input.c];
                    for px in xv.chunks_exact(input.c) {
                        for (a, v) in sum.iter_mut().zip(px) {
                            *a += f64::from(*v);
                        }
                    }
                    let n = (input.h * input.w) as f64;
                    sum.iter().map(|a| (a / n) as f32).collect()
                }
                Op::Gemm { x, k, n, w, b } => {
                    let xv = get(*x)?;
                    let mut y = b.clone();
                    for kk in 0..*k {
                        let xk = xv[kk];
                        for (yj, wj) in y.iter_mut().zip(&w[kk * n..(kk + 1) * n]) {
                            *yj += xk * wj;
                        }
                    }
                    y
                }
                Op::Softmax { x } => {
                    let xv = get(*x)?;
                    let m = xv.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
                    let e: Vec<f32> = xv.iter().map(|v| (v - m).exp()).collect();
                    let sum: f32 = e.iter().sum();
                    e.iter().map(|v| v / sum).collect()
                }
                Op::Sigmoid { x } => get(*x)?.iter().map(|v| 1.0 / (1.0 + (-v).exp())).collect(),
            };
            vals[st.out] = Some(y);
            for &f in &st.free {
                vals[f] = None;
            }
        }
        vals[self.output].take().ok_or_else(|| "the image engine produced no output".to_string())
    }
}

impl Op {
    fn reads(&self) -> Vec<usize> {
        match self {
            Op::Conv { x, res, .. } => std::iter::once(*x).chain(*res).collect(),
            Op::Add { a, b, .. } => vec![*a, *b],
            Op::MaxPool { x, .. }
            | Op::Relu { x }
            | Op::GlobalAvg { x, .. }
            | Op::Gemm { x, .. }
            | Op::Softmax { x }
            | Op::Sigmoid { x } => vec![*x],
        }
    }
}

#[derive(Default)]
struct Scratch {
    q: Rows4,
    sx: Vec<f32>,
    acc: Vec<i32>,
    row: Vec<f32>,
}

fn run_conv(c: &Conv, x: &[f32], res: Option<&[f32]>, relu: bool, s: &mut Scratch) -> Vec<f32> {
    let (ho, wo, cout) = (c.out.h, c.out.w, c.out.c);
    let m = ho * wo;
    let cin = c.input.c;
    let win = &c.win;
    let direct = win.kh == 1 && win.kw == 1 && c.k == c.kp;
    let mc = (CHUNK_BYTES / (2 * c.kp)).clamp(4, 4096) / 4 * 4;
    let mut y = vec![0f32; m * cout];
    s.q.reset(mc, c.kp);
    s.sx.resize(mc, 0.0);
    s.acc.resize(mc * c.np, 0);
    s.row.resize(c.kp, 0.0);
    let mut r0 = 0;
    while r0 < m {
        let rows = mc.min(m - r0);
        for r in 0..rows {
            let p = r0 + r;
            let (oy, ox) = (p / wo, p % wo);
            if direct {
                let (iy, ix) = win.at(oy, ox, 0, 0);
                let src = &x[(iy * c.input.w + ix) * cin..][..cin];
                s.sx[r] = s.q.quantize(r, src, c.qmax);
                continue;
            }
            let row = &mut s.row[..];
            let mut o = 0;
            for ky in 0..win.kh {
                for kx in 0..win.kw {
                    let (iy, ix) = win.at(oy, ox, ky, kx);
                    let dst = &mut row[o..o + cin];
                    if iy < c.input.h && ix < c.input.w {
                        dst.copy_from_slice(&x[(iy * c.input.w + ix) * cin..][..cin]);
                    } else {
                        dst.fill(0.0);
                    }
                    o += cin;
                }
            }
            row[c.k..].fill(0.0);
            s.sx[r] = s.q.quantize(r, row, c.qmax);
        }
        // A last, partial block of 4 rows computes zero rows past `rows` (never stored).
        for r in rows..rows.div_ceil(4) * 4 {
            s.q.zero(r);
        }
        gemm_i16(&s.q, rows, &c.w, c.np, &mut s.acc[..rows * c.np]);
        for r in 0..rows {
            let p = r0 + r;
            let sx = s.sx[r];
            let a = &s.acc[r * c.np..r * c.np + cout];
            let yr = &mut y[p * cout..(p + 1) * cout];
            for j in 0..cout {
                yr[j] = a[j] as f32 * (sx * c.scale[j]) + c.bias[j];
            }
            if let Some(res) = res {
                for (v, r) in yr.iter_mut().zip(&res[p * cout..(p + 1) * cout]) {
                    *v += r;
                }
            }
            if relu {
                for v in yr.iter_mut() {
                    *v = relu0(*v);
                }
            }
        }
        r0 += rows;
    }
    y
}

/// `max(v, 0)` as a compare and select: `f32::max` is a call to `fmaxf` in wasm (its NaN rule
/// differs from `f32.max`), which made ReLU and pooling a tenth of an image check.
#[inline(always)]
fn relu0(v: f32) -> f32 {
    if v > 0.0 {
        v
    } else {
        0.0
    }
}

fn max_pool(x: &[f32], i: Shape, o: Shape, win: &Window) -> Vec<f32> {
    let c = i.c;
    let mut y = vec![f32::NEG_INFINITY; o.len()];
    for oy in 0..o.h {
        for ox in 0..o.w {
            let dst = &mut y[(oy * o.w + ox) * c..][..c];
            for ky in 0..win.kh {
                for kx in 0..win.kw {
                    let (iy, ix) = win.at(oy, ox, ky, kx);
                    if iy >= i.h || ix >= i.w {
                        continue;
                    }
                    for (d, v) in dst.iter_mut().zip(&x[(iy * i.w + ix) * c..][..c]) {
                        *d = if *v > *d { *v } else { *d };
                    }
                }
            }
        }
    }
    y
}
