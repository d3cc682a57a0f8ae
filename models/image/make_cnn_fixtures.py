"""Writes tests/fixtures/cnn/: small random convolutional classifiers as image-guard bundles,
with an input tensor and onnxruntime's output for each, for tests/image.rs to check parapet's
int8 image engine (and tract) on shapes the default model does not have: odd channel counts,
asymmetric pads, 5x5 and strided kernels, pooling pads, residual adds with and without ReLU,
NCHW and NHWC inputs, Gemm with transB/alpha/beta, softmax and sigmoid outputs. One graph
(`unsupported.parapet`, an AveragePool) is outside the int8 engine on purpose.

    python -m models.image.make_cnn_fixtures
"""
import json
import os

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from models.image.build_bundles import ROOT
from models.recipe.bundle import write_bundle

DIR = os.path.join(ROOT, "tests", "fixtures", "cnn")
rng = np.random.default_rng(7)


def conv(nodes, inits, x, name, cin, cout, k, stride=1, pads=(0, 0, 0, 0), bias=True):
    w = (rng.standard_normal((cout, cin, k, k)) / np.sqrt(cin * k * k)).astype(np.float32)
    inits.append(numpy_helper.from_array(w, name + ".w"))
    ins = [x, name + ".w"]
    if bias:
        inits.append(numpy_helper.from_array((rng.standard_normal(cout) * 0.1).astype(np.float32), name + ".b"))
        ins.append(name + ".b")
    nodes.append(helper.make_node("Conv", ins, [name], kernel_shape=[k, k], strides=[stride, stride], pads=list(pads)))
    return name


def residual_nhwc():
    """NHWC [1,20,18,3] -> ... -> softmax over 4 classes."""
    n, i = [], []
    n.append(helper.make_node("Transpose", ["img"], ["t"], perm=[0, 3, 1, 2]))
    a = conv(n, i, "t", "c1", 3, 12, 3, stride=2, pads=(0, 1, 1, 0))
    n.append(helper.make_node("Relu", [a], ["r1"]))
    n.append(helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]))
    b = conv(n, i, "p1", "c2", 12, 24, 1)
    s = conv(n, i, "p1", "sc", 12, 24, 1, bias=False)
    n.append(helper.make_node("Add", [b, s], ["a1"]))
    n.append(helper.make_node("Relu", ["a1"], ["r2"]))
    c = conv(n, i, "r2", "c3", 24, 24, 5, pads=(2, 2, 2, 2))
    n.append(helper.make_node("Relu", [c], ["r3"]))
    n.append(helper.make_node("Add", ["r3", "r2"], ["a2"]))  # both inputs non-conv: a plain Add
    n.append(helper.make_node("GlobalAveragePool", ["a2"], ["g"]))
    n.append(helper.make_node("Flatten", ["g"], ["f"], axis=1))
    i.append(numpy_helper.from_array((rng.standard_normal((4, 24)) * 0.5).astype(np.float32), "fc.w"))
    i.append(numpy_helper.from_array((rng.standard_normal(4) * 0.1).astype(np.float32), "fc.b"))
    n.append(helper.make_node("Gemm", ["f", "fc.w", "fc.b"], ["logits"], transB=1, alpha=0.5, beta=2.0))
    n.append(helper.make_node("Softmax", ["logits"], ["probs"], axis=-1))
    return n, i, ("img", [1, 20, 18, 3]), ("probs", [1, 4]), "NHWC", (18, 20)


def plain_nchw():
    """NCHW [1,3,9,7], odd receptive fields (1x1x3, 3x3x7), sigmoid over 3 outputs."""
    n, i = [], []
    a = conv(n, i, "x", "c1", 3, 7, 1, bias=False)
    n.append(helper.make_node("Relu", [a], ["r1"]))
    b = conv(n, i, "r1", "c2", 7, 9, 3, stride=2, pads=(1, 0, 2, 1))
    n.append(helper.make_node("Relu", [b], ["r2"]))
    n.append(helper.make_node("GlobalAveragePool", ["r2"], ["g"]))
    n.append(helper.make_node("Flatten", ["g"], ["f"], axis=1))
    i.append(numpy_helper.from_array(rng.standard_normal((9, 3)).astype(np.float32), "fc.w"))
    n.append(helper.make_node("Gemm", ["f", "fc.w"], ["logits"]))
    n.append(helper.make_node("Sigmoid", ["logits"], ["out"]))
    return n, i, ("x", [1, 3, 9, 7]), ("out", [1, 3]), "NCHW", (7, 9)


def unsupported():
    """An AveragePool: not an op of the int8 engine (tract runs it)."""
    n, i = [], []
    a = conv(n, i, "x", "c1", 3, 8, 3, pads=(1, 1, 1, 1))
    n.append(helper.make_node("AveragePool", [a], ["p"], kernel_shape=[2, 2], strides=[2, 2]))
    n.append(helper.make_node("GlobalAveragePool", ["p"], ["g"]))
    n.append(helper.make_node("Flatten", ["g"], ["f"], axis=1))
    i.append(numpy_helper.from_array(rng.standard_normal((8, 2)).astype(np.float32), "fc.w"))
    n.append(helper.make_node("Gemm", ["f", "fc.w"], ["out"]))
    return n, i, ("x", [1, 3, 8, 8]), ("out", [1, 2]), "NCHW", (8, 8)


def main():
    os.makedirs(DIR, exist_ok=True)
    cases = []
    for make in (residual_nhwc, plain_nchw, unsupported):
        nodes, inits, (iname, ishape), (oname, oshape), layout, (w, h) = make()
        g = helper.make_graph(nodes, make.__name__, [helper.make_tensor_value_info(iname, TensorProto.FLOAT, ishape)],
                              [helper.make_tensor_value_info(oname, TensorProto.FLOAT, oshape)], inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="parapet")
        m.ir_version = 8
        onnx.checker.check_model(m)
        model = m.SerializeToString()
        # Rounded as the JSON stores it, so the expected output is for exactly those values.
        x = (rng.standard_normal(ishape) * 2).astype(np.float32)
        x = np.array([round(float(v), 6) for v in x.reshape(-1)], np.float32).reshape(ishape)
        y = ort.InferenceSession(model, providers=["CPUExecutionProvider"]).run(None, {iname: x})[0]
        manifest = {
            "kind": "image-guard", "name": make.__name__, "version": "0.0.1", "license": "Apache-2.0",
            "image": {
                "input": iname, "layout": layout, "resize": {"width": w, "height": h, "filter": "bilinear"},
                "channels": "RGB", "scale": 1.0, "mean": [0.0, 0.0, 0.0], "std": [1.0, 1.0, 1.0],
                "output": oname, "activation": "none",
                "labels": [{"index": 0, "category": "violent_crimes",
                            "thresholds": {"strict": 0.3, "balanced": 0.5, "permissive": 0.7}}],
            },
        }
        write_bundle(os.path.join(DIR, make.__name__ + ".parapet"), manifest, [("model.onnx", model)])
        cases.append({"bundle": make.__name__ + ".parapet", "input": [round(float(v), 6) for v in x.reshape(-1)],
                      "output": [float(v) for v in y.reshape(-1)]})
    json.dump({"cases": cases}, open(os.path.join(DIR, "cases.json"), "w"))
    print(f"{len(cases)} cases in {DIR}")


if __name__ == "__main__":
    main()
