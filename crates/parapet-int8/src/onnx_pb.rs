//! Just enough of the ONNX protobuf to read a graph's nodes and constant tensors, without
//! copying the weights: a zero-copy walk over the wire format.
//!
//! Used by the encoder to recognise the recipe's encoder and take its weights in
//! milliseconds, where building tract's plan takes seconds in wasm. Anything it does not
//! understand makes it return `None` (the caller falls back to tract, which reports real
//! errors); it never panics on malformed bytes.

use std::collections::HashMap;

/// A constant tensor (an initializer or a `Constant` node's value).
#[derive(Debug, Clone, Default)]
pub struct Tensor<'a> {
    pub dims: Vec<i64>,
    pub data_type: i32,
    pub raw: Option<&'a [u8]>,
    pub floats: Vec<f32>,
    pub ints: Vec<i64>,
}

/// ONNX `TensorProto.DataType` values used here.
pub const FLOAT: i32 = 1;
pub const INT8: i32 = 3;
pub const INT64: i32 = 7;

impl<'a> Tensor<'a> {
    /// Number of elements, if the dims are sane.
    pub fn len(&self) -> Option<usize> {
        self.dims.iter().try_fold(1usize, |acc, &d| usize::try_from(d).ok().and_then(|d| acc.checked_mul(d)))
    }

    /// The values as f32 (FLOAT tensors only).
    pub fn f32s(&self) -> Option<Vec<f32>> {
        if self.data_type != FLOAT {
            return None;
        }
        let n = self.len()?;
        let v: Vec<f32> = match self.raw {
            Some(raw) => raw.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect(),
            None => self.floats.clone(),
        };
        (v.len() == n).then_some(v)
    }

    /// The values as i8 (INT8 tensors stored as raw bytes only).
    pub fn i8s(&self) -> Option<&'a [u8]> {
        let raw = self.raw?;
        (self.data_type == INT8 && raw.len() == self.len()?).then_some(raw)
    }

    /// The values as i64 (INT64 tensors).
    pub fn i64s(&self) -> Option<Vec<i64>> {
        if self.data_type != INT64 {
            return None;
        }
        let n = self.len()?;
        let v: Vec<i64> = match self.raw {
            Some(raw) => raw
                .chunks_exact(8)
                .map(|c| i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect(),
            None => self.ints.clone(),
        };
        (v.len() == n).then_some(v)
    }

    /// A one-element value as f64, whatever its numeric type.
    pub fn scalar(&self) -> Option<f64> {
        if self.len()? != 1 {
            return None;
        }
        match self.data_type {
            FLOAT => self.f32s().map(|v| v[0] as f64),
            INT64 => self.i64s().map(|v| v[0] as f64),
            _ => None,
        }
    }
}

/// A graph node: op type, inputs, outputs and its int, int-list, float and string attributes.
#[derive(Debug, Clone, Default)]
pub struct Node {
    pub op: String,
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
    pub ints: HashMap<String, i64>,
    pub int_lists: HashMap<String, Vec<i64>>,
    pub floats: HashMap<String, f32>,
    pub strings: HashMap<String, String>,
}

/// The parts of a `GraphProto` the encoder reader needs.
#[derive(Debug, Default)]
pub struct Graph<'a> {
    pub nodes: Vec<Node>,
    /// Initializers and `Constant` node outputs, by name.
    pub consts: HashMap<String, Tensor<'a>>,
    /// Graph inputs that are not initializers, in order.
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

enum Value<'a> {
    Varint(u64),
    Fixed64,
    Fixed32(u32),
    Bytes(&'a [u8]),
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.buf.get(self.pos)?;
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    /// The next field, or `None` at the end; malformed input ends the walk with `Err`.
    fn field(&mut self) -> Result<Option<(u64, Value<'a>)>, ()> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let tag = self.varint().ok_or(())?;
        let value = match tag & 7 {
            0 => Value::Varint(self.varint().ok_or(())?),
            1 => {
                self.pos = self.pos.checked_add(8).filter(|&p| p <= self.buf.len()).ok_or(())?;
                Value::Fixed64
            }
            2 => {
                let len = usize::try_from(self.varint().ok_or(())?).map_err(|_| ())?;
                let end = self.pos.checked_add(len).filter(|&e| e <= self.buf.len()).ok_or(())?;
                let b = &self.buf[self.pos..end];
                self.pos = end;
                Value::Bytes(b)
            }
            5 => {
                let end = self.pos.checked_add(4).filter(|&e| e <= self.buf.len()).ok_or(())?;
                let c = &self.buf[self.pos..end];
                self.pos = end;
                Value::Fixed32(u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            }
            _ => return Err(()),
        };
        Ok(Some((tag >> 3, value)))
    }
}

fn string(b: &[u8]) -> Option<String> {
    std::str::from_utf8(b).ok().map(str::to_owned)
}

fn tensor(buf: &[u8]) -> Option<(String, Tensor<'_>)> {
    let mut r = Reader::new(buf);
    let mut t = Tensor::default();
    let mut name = String::new();
    while let Some((f, v)) = r.field().ok()? {
        match (f, v) {
            (1, Value::Varint(d)) => t.dims.push(d as i64),
            (1, Value::Bytes(b)) => {
                let mut p = Reader::new(b);
                while p.pos < b.len() {
                    t.dims.push(p.varint()? as i64);
                }
            }
            (2, Value::Varint(d)) => t.data_type = i32::try_from(d).ok()?,
            (4, Value::Fixed32(x)) => t.floats.push(f32::from_bits(x)),
            (4, Value::Bytes(b)) => {
                t.floats.extend(b.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])))
            }
            (7, Value::Varint(x)) => t.ints.push(x as i64),
            (7, Value::Bytes(b)) => {
                let mut p = Reader::new(b);
                while p.pos < b.len() {
                    t.ints.push(p.varint()? as i64);
                }
            }
            (8, Value::Bytes(b)) => name = string(b)?,
            (9, Value::Bytes(b)) => t.raw = Some(b),
            // External data (13/14): not something a bundle can carry.
            (13, _) | (14, Value::Varint(1)) => return None,
            _ => {}
        }
    }
    Some((name, t))
}

fn node<'a>(buf: &'a [u8], consts: &mut HashMap<String, Tensor<'a>>) -> Option<Node> {
    let mut r = Reader::new(buf);
    let mut n = Node::default();
    let mut value: Option<Tensor<'a>> = None;
    while let Some((f, v)) = r.field().ok()? {
        match (f, v) {
            (1, Value::Bytes(b)) => n.inputs.push(string(b)?),
            (2, Value::Bytes(b)) => n.outputs.push(string(b)?),
            (4, Value::Bytes(b)) => n.op = string(b)?,
            (5, Value::Bytes(b)) => {
                let mut a = Reader::new(b);
                let (mut name, mut int, mut t) = (String::new(), None, None);
                let (mut float, mut text, mut list) = (None, None, None::<Vec<i64>>);
                while let Some((f, v)) = a.field().ok()? {
                    match (f, v) {
                        (1, Value::Bytes(b)) => name = string(b)?,
                        (2, Value::Fixed32(x)) => float = Some(f32::from_bits(x)),
                        (3, Value::Varint(i)) => int = Some(i as i64),
                        (4, Value::Bytes(b)) => text = Some(string(b)?),
                        (5, Value::Bytes(b)) => t = Some(tensor(b)?.1),
                        // `ints`: packed (one length-delimited run of varints) or one per field.
                        (8, Value::Varint(i)) => list.get_or_insert_with(Vec::new).push(i as i64),
                        (8, Value::Bytes(b)) => {
                            let mut p = Reader::new(b);
                            let l = list.get_or_insert_with(Vec::new);
                            while p.pos < b.len() {
                                l.push(p.varint()? as i64);
                            }
                        }
                        _ => {}
                    }
                }
                if let Some(i) = int {
                    n.ints.insert(name.clone(), i);
                }
                if let Some(x) = float {
                    n.floats.insert(name.clone(), x);
                }
                if let Some(x) = text {
                    n.strings.insert(name.clone(), x);
                }
                if let Some(l) = list {
                    n.int_lists.insert(name.clone(), l);
                }
                if name == "value" {
                    value = t;
                }
            }
            _ => {}
        }
    }
    if n.op == "Constant" {
        if let (Some(t), Some(out)) = (value, n.outputs.first()) {
            consts.insert(out.clone(), t);
        }
    }
    Some(n)
}

/// Reads a `ModelProto`'s graph; `None` if the bytes are not a graph this reader understands.
pub fn read_graph(model: &[u8]) -> Option<Graph<'_>> {
    let mut r = Reader::new(model);
    let mut graph = None;
    while let Some((f, v)) = r.field().ok()? {
        if let (7, Value::Bytes(b)) = (f, v) {
            graph = Some(b);
        }
    }
    let mut r = Reader::new(graph?);
    let mut g = Graph::default();
    while let Some((f, v)) = r.field().ok()? {
        match (f, v) {
            (1, Value::Bytes(b)) => {
                let n = node(b, &mut g.consts)?;
                g.nodes.push(n);
            }
            (5, Value::Bytes(b)) => {
                let (name, t) = tensor(b)?;
                g.consts.insert(name, t);
            }
            (f @ (11 | 12), Value::Bytes(b)) => {
                let mut o = Reader::new(b);
                while let Some((field, v)) = o.field().ok()? {
                    if let (1, Value::Bytes(n)) = (field, v) {
                        if f == 11 { g.inputs.push(string(n)?) } else { g.outputs.push(string(n)?) }
                    }
                }
            }
            _ => {}
        }
    }
    // Old exporters list initializers among the inputs too.
    g.inputs.retain(|i| !g.consts.contains_key(i));
    Some(g)
}
