"""ONNX export, int8 weight-only quantization, onnxruntime verification, bundle assembly.

Quantization (see shared/docs/FINDINGS.md): every MatMul whose weight is a constant gets an
int8 per-output-channel weight + `DequantizeLinear(axis=1)`; the word-embedding table is stored
int8 with one scale per row, and the *rows are gathered first*, then cast and scaled (never
dequantize the whole table: tract would do it on every call). Activations stay fp32.
"""
import io
import json
import os

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

from . import config


def export_fp32(model, path, opset=config.OPSET):
    import torch
    model = model.eval().float()
    ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    tt = torch.zeros_like(ids)
    dyn = {n: {0: "batch", 1: "seq"} for n in ("input_ids", "attention_mask", "token_type_ids")}
    dyn["logits"] = {0: "batch"}
    dyn["embedding"] = {0: "batch"}
    with torch.no_grad():
        torch.onnx.export(model, (ids, mask, tt), path,
                          input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=["logits", "embedding"], dynamic_axes=dyn,
                          opset_version=opset, do_constant_folding=True, dynamo=False)
    return path


def quantize_int8(src, dst):
    m = onnx.load(src)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    users = {}
    for n in g.node:
        for x in n.input:
            users.setdefault(x, []).append(n)
    new_nodes, drop, add_inits = [], set(), []
    stats = {"matmul": 0, "gather": 0}
    for n in g.node:
        if n.op_type == "MatMul" and n.input[1] in inits:
            w = numpy_helper.to_array(inits[n.input[1]])
            if w.ndim == 2 and w.dtype == np.float32 and w.size >= 4096:
                name = n.input[1]
                scale = np.maximum(np.abs(w).max(axis=0), 1e-8) / 127.0
                q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
                add_inits += [numpy_helper.from_array(q, name + "_q"),
                              numpy_helper.from_array(scale.astype(np.float32), name + "_s"),
                              numpy_helper.from_array(np.zeros_like(scale, dtype=np.int8), name + "_z")]
                new_nodes.append(helper.make_node(
                    "DequantizeLinear", [name + "_q", name + "_s", name + "_z"], [name + "_dq"],
                    axis=1, name=name + "_DequantizeLinear"))
                n.input[1] = name + "_dq"
                drop.add(name)
                stats["matmul"] += 1
        if n.op_type == "Gather" and n.input[0] in inits:
            w = numpy_helper.to_array(inits[n.input[0]])
            if w.ndim == 2 and w.shape[0] > 10000:  # the word-embedding table
                name = n.input[0]
                scale = (np.maximum(np.abs(w).max(axis=1, keepdims=True), 1e-8) / 127.0).astype(np.float32)
                q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
                add_inits += [numpy_helper.from_array(q, name + "_q"),
                              numpy_helper.from_array(scale, name + "_s")]
                out = n.output[0]
                rows, rowsf, sc = out + "_q", out + "_qf", out + "_sc"
                new_nodes += [
                    helper.make_node("Gather", [name + "_q", n.input[1]], [rows], axis=0, name=out + "_gq"),
                    helper.make_node("Cast", [rows], [rowsf], to=TensorProto.FLOAT, name=out + "_cast"),
                    helper.make_node("Gather", [name + "_s", n.input[1]], [sc], axis=0, name=out + "_gs"),
                    helper.make_node("Mul", [rowsf, sc], [out], name=out + "_deq"),
                ]
                drop.add(name)
                n.op_type = "__drop__"
                stats["gather"] += 1
                continue
        new_nodes.append(n)
    # keep original order semantics: DequantizeLinear nodes were appended before their MatMul
    nodes = [n for n in new_nodes if n.op_type != "__drop__"]
    del g.node[:]
    g.node.extend(nodes)
    keep = [i for i in g.initializer if i.name not in drop]
    del g.initializer[:]
    g.initializer.extend(keep + add_inits)
    del g.value_info[:]
    onnx.checker.check_model(m)
    onnx.save(m, dst)
    return stats


def ort_session(path_or_bytes):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    so.log_severity_level = 3
    # Exact graph math (int8 weights dequantized, fp32 activations) = what tract computes.
    # onnxruntime's default extended optimisations rewrite DequantizeLinear+MatMul into int8
    # matmuls on dynamically quantised activations (logits move by ~1e-2).
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    return ort.InferenceSession(path_or_bytes, so, providers=["CPUExecutionProvider"])


def run_ort(sess, batch):
    feed = {k: np.asarray(batch[k], dtype=np.int64) for k in ("input_ids", "attention_mask", "token_type_ids")}
    logits, emb = sess.run(["logits", "embedding"], feed)
    return logits, emb


def load_tokenizer_json(model_dir):
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


def tokenizer_bytes(tok):
    return tok.to_str().encode("utf-8")


def build_manifest(head_specs):
    return {
        "format_version": 1,
        "kind": "text-guard",
        "name": config.BUNDLE_NAME,
        "version": config.BUNDLE_VERSION,
        "license": "Apache-2.0",
        "base_model": config.BASE_MODEL,
        "max_seq_len": config.BUNDLE_MAX_SEQ_LEN,
        "tokenizer": {"cls_token": "[CLS]", "sep_token": "[SEP]", "pad_id": 0},
        "model": {"inputs": ["input_ids", "attention_mask", "token_type_ids"],
                  "logits_output": "logits", "embedding_output": "embedding",
                  "embedding_dim": config.EMBED_DIM},
        "heads": head_specs,
    }
