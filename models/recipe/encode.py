"""Encoding per docs/BUNDLE_FORMAT.md (numpy + tokenizers only; no torch).

prompt:          [CLS] prompt [SEP]                 token_type 0
prompt+response: [CLS] prompt [SEP] response [SEP]  token_type 0 through the first [SEP], 1 after;
                 the prompt is truncated from its end first when the pair is too long.
"""
import numpy as np

CLS, SEP, PAD = 101, 102, 0


def ids_of(tok, text):
    return tok.encode(text, add_special_tokens=False).ids


def build(p_ids, r_ids=None, max_len=256, min_prompt=16):
    budget = max_len - (3 if r_ids is not None else 2)
    if r_ids is None:
        p = p_ids[:budget]
        ids = [CLS] + p + [SEP]
        return ids, [0] * len(ids)
    p, r = list(p_ids), list(r_ids)
    if len(p) + len(r) > budget:
        keep_p = max(budget - len(r), min(len(p), min_prompt))
        p = p[:keep_p]
        r = r[:budget - len(p)]
    ids = [CLS] + p + [SEP] + r + [SEP]
    tt = [0] * (len(p) + 2) + [1] * (len(r) + 1)
    return ids, tt


def encode(tok, prompt, response=None, max_len=256):
    p = ids_of(tok, prompt)
    r = ids_of(tok, response) if response is not None else None
    return build(p, r, max_len)


def pad_batch(seqs):
    """seqs: list of (ids, token_type). Returns dict of int64 arrays."""
    L = max(len(s[0]) for s in seqs)
    ids = np.zeros((len(seqs), L), dtype=np.int64)
    tt = np.zeros((len(seqs), L), dtype=np.int64)
    am = np.zeros((len(seqs), L), dtype=np.int64)
    for i, (a, t) in enumerate(seqs):
        ids[i, :len(a)] = a
        tt[i, :len(t)] = t
        am[i, :len(a)] = 1
    return {"input_ids": ids, "attention_mask": am, "token_type_ids": tt}
