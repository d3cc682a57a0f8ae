"""MiniLM-L6 (BERT architecture) encoder in plain torch + multi-label guard heads.

No `transformers` dependency: the 6-layer BERT is small enough to write out, and owning the
graph keeps the ONNX export simple (MatMul/Add/Softmax/Erf/LayerNorm-as-primitives only).
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import load_file


class LayerNorm(nn.Module):
    """LayerNorm written with primitive ops (opset 14 has no LayerNormalization)."""

    def __init__(self, dim, eps=1e-12):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.bias = nn.Parameter(torch.zeros(dim))
        self.eps = eps

    def forward(self, x):
        if not torch.onnx.is_in_onnx_export():
            return F.layer_norm(x, x.shape[-1:], self.weight, self.bias, self.eps)
        mu = x.mean(-1, keepdim=True)
        d = x - mu
        var = (d * d).mean(-1, keepdim=True)
        return d / torch.sqrt(var + self.eps) * self.weight + self.bias


def gelu(x):
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


class Layer(nn.Module):
    def __init__(self, h, heads, inter):
        super().__init__()
        self.nh = heads
        self.dh = h // heads
        self.query = nn.Linear(h, h)
        self.key = nn.Linear(h, h)
        self.value = nn.Linear(h, h)
        self.attn_out = nn.Linear(h, h)
        self.attn_ln = LayerNorm(h)
        self.inter = nn.Linear(h, inter)
        self.out = nn.Linear(inter, h)
        self.out_ln = LayerNorm(h)
        self.drop = nn.Dropout(0.1)

    def forward(self, x, bias):
        b, s, h = x.shape[0], x.shape[1], x.shape[2]

        def split(t):
            return t.view(b, s, self.nh, self.dh).transpose(1, 2)

        q = split(self.query(x))
        k = split(self.key(x))
        v = split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(self.dh)) + bias
        probs = self.drop(torch.softmax(scores, dim=-1))
        ctx = torch.matmul(probs, v).transpose(1, 2).reshape(b, s, h)
        x = self.attn_ln(x + self.drop(self.attn_out(ctx)))
        y = self.out(gelu(self.inter(x)))
        return self.out_ln(x + self.drop(y))


class GuardModel(nn.Module):
    def __init__(self, n_heads_out, vocab=30522, hidden=384, layers=6, heads=12, inter=1536,
                 max_pos=512, type_vocab=2):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, hidden)
        self.position_embeddings = nn.Embedding(max_pos, hidden)
        self.token_type_embeddings = nn.Embedding(type_vocab, hidden)
        self.emb_ln = LayerNorm(hidden)
        self.drop = nn.Dropout(0.1)
        self.layers = nn.ModuleList([Layer(hidden, heads, inter) for _ in range(layers)])
        self.head_drop = nn.Dropout(0.1)
        self.classifier = nn.Linear(hidden, n_heads_out)
        nn.init.normal_(self.classifier.weight, std=0.02)
        nn.init.zeros_(self.classifier.bias)

    def forward(self, input_ids, attention_mask, token_type_ids):
        s = input_ids.shape[1]
        pos = torch.arange(s, device=input_ids.device).unsqueeze(0)
        x = (self.word_embeddings(input_ids) + self.position_embeddings(pos)
             + self.token_type_embeddings(token_type_ids))
        x = self.drop(self.emb_ln(x))
        m = attention_mask.to(x.dtype)
        bias = ((1.0 - m) * -10000.0)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, bias)
        mm = m.unsqueeze(-1)
        pooled = (x * mm).sum(1) / torch.clamp(mm.sum(1), min=1e-9)
        logits = self.classifier(self.head_drop(pooled))
        emb = pooled / torch.clamp(torch.sqrt((pooled * pooled).sum(-1, keepdim=True)), min=1e-12)
        return logits, emb


_MAP = {
    "attention.self.query": "query", "attention.self.key": "key", "attention.self.value": "value",
    "attention.output.dense": "attn_out", "attention.output.LayerNorm": "attn_ln",
    "intermediate.dense": "inter", "output.dense": "out", "output.LayerNorm": "out_ln",
}


def resize_ffn(model, inter):
    """Gives every layer a feed-forward block of `inter` neurons (fresh weights), so that the state
    dict of a pruned model (`train.prune_ffn`) loads."""
    for layer in model.layers:
        layer.inter = nn.Linear(layer.inter.in_features, inter)
        layer.out = nn.Linear(inter, layer.out.out_features)


def load_state(model, state_dict):
    """Loads a trained state dict, a pruned one too: the feed-forward blocks take the checkpoint's
    width first (`resize_ffn`) when it differs from the model's."""
    inter = state_dict["layers.0.inter.weight"].shape[0]
    if inter != model.layers[0].inter.out_features:
        resize_ffn(model, inter)
    model.load_state_dict(state_dict)


def load_base(model_dir, n_out):
    """Build a GuardModel and load all-MiniLM-L6-v2 encoder weights from safetensors."""
    cfg = json.load(open(os.path.join(model_dir, "config.json")))
    m = GuardModel(n_out, vocab=cfg["vocab_size"], hidden=cfg["hidden_size"],
                   layers=cfg["num_hidden_layers"], heads=cfg["num_attention_heads"],
                   inter=cfg["intermediate_size"], max_pos=cfg["max_position_embeddings"],
                   type_vocab=cfg["type_vocab_size"])
    sd = load_file(os.path.join(model_dir, "model.safetensors"))
    new = {}
    for k, v in sd.items():
        k2 = k[5:] if k.startswith("bert.") else k
        if k2.startswith("embeddings."):
            k2 = k2[len("embeddings."):]
            k2 = k2.replace("LayerNorm", "emb_ln")
            new[k2] = v
        elif k2.startswith("encoder.layer."):
            parts = k2.split(".")
            idx = parts[2]
            rest = ".".join(parts[3:-1])
            new[f"layers.{idx}.{_MAP[rest]}.{parts[-1]}"] = v
    missing, unexpected = m.load_state_dict(new, strict=False)
    missing = [k for k in missing if not k.startswith("classifier")]
    if missing:
        raise RuntimeError(f"missing weights: {missing}")
    return m
