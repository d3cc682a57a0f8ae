"""Writes the onnxruntime-web comparison model: the shipped guard's weights, dequantized back to
fp32 and quantized with onnxruntime's `quantize_dynamic` (int8 MatMulInteger, per-tensor: what
transformers.js ships as model_quantized.onnx and onnxruntime-web's fastest int8 path).

    python benches/make_ort_int8.py models/parapet-guard.parapet target/bench/guard-dynamic-int8.onnx

Needs onnx and onnxruntime (benches/requirements.txt); `node benches/compare.mjs` runs it in its
own venv when the file is missing.
"""
import json
import os
import struct
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper
from onnxruntime.quantization import QuantType, quantize_dynamic


def model_part(bundle_path):
    b = open(bundle_path, "rb").read()
    n = struct.unpack("<I", b[12:16])[0]
    manifest = json.loads(b[16:16 + n])
    p = next(p for p in manifest["parts"] if p["name"] == "model.onnx")
    return b[16 + n + p["offset"]:16 + n + p["offset"] + p["length"]]


def dequantize_constants(m):
    """Folds every DequantizeLinear of constant initializers into an fp32 initializer."""
    inits = {i.name: i for i in m.graph.initializer}
    keep, folded = [], 0
    for node in m.graph.node:
        if node.op_type == "DequantizeLinear" and all(i in inits for i in node.input if i):
            x = numpy_helper.to_array(inits[node.input[0]]).astype(np.float32)
            s = numpy_helper.to_array(inits[node.input[1]]).astype(np.float32)
            zp = (numpy_helper.to_array(inits[node.input[2]]).astype(np.float32)
                  if len(node.input) > 2 and node.input[2] else np.zeros_like(s))
            axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
            if s.ndim == 1 and s.size > 1:
                shape = [1] * x.ndim
                shape[axis] = -1
                s, zp = s.reshape(shape), zp.reshape(shape)
            m.graph.initializer.append(numpy_helper.from_array((x - zp) * s, node.output[0]))
            folded += 1
        else:
            keep.append(node)
    del m.graph.node[:]
    m.graph.node.extend(keep)
    used = {i for n in m.graph.node for i in n.input}
    alive = [i for i in m.graph.initializer if i.name in used]
    del m.graph.initializer[:]
    m.graph.initializer.extend(alive)
    return folded


def main():
    src, out = sys.argv[1], sys.argv[2]
    m = onnx.load_from_string(model_part(src))
    folded = dequantize_constants(m)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        fp32 = os.path.join(d, "fp32.onnx")
        onnx.save(m, fp32)
        quantize_dynamic(fp32, out, weight_type=QuantType.QInt8, per_channel=False, op_types_to_quantize=["MatMul"])
    print(f"{out}: {folded} weights dequantized, then quantize_dynamic int8; {os.path.getsize(out)} bytes")


if __name__ == "__main__":
    main()
