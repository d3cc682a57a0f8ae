"""How much a trained encoder loses when its feed-forward blocks are pruned *without* fine-tuning
(the importance rule of `train.prune_ffn`): dev AUPRC per head on a 2,500-example sample of the dev
split and the hold-out AUPRCs (`eval_holdout.py`), torch fp32, for each pruned fraction.

    python -m models.recipe.probe_prune models/recipe/work/model_fp32_trained.pt [--fracs 0 0.125 0.25] [--data ../shared/data]

Measured on v0.6.0 (2026-12-02): 0 / 12.5 % / 25 % pruned -> hold-out `unsafe` AUPRC 0.933 / 0.890 /
0.842, `prompt_attack` 0.966 / 0.956 / 0.940; dev `unsafe` 0.951 / 0.944 / 0.926. A smaller encoder
needs the fine-tuning that `train --prune-ffn` adds.
"""
import argparse
import copy
import json
import random

import numpy as np
import torch
from sklearn.metrics import average_precision_score

from . import config, data as D, eval_holdout as H, export, model as M
from .config import HEADS
from .train import predict_torch, prune_ffn


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("checkpoint")
    ap.add_argument("--fracs", type=float, nargs="+", default=[0.0, 0.125, 0.25])
    ap.add_argument("--data", default=config.DEFAULT_DATA)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    examples, _ = D.load_all(a.data, seed=config.SEED)
    train_ex, dev = D.split_and_mix(examples, seed=config.SEED)
    rng = random.Random(7)
    dev = rng.sample(dev, min(2500, len(dev)))
    tok = export.load_tokenizer_json(config.base_model_dir())
    ck = torch.load(a.checkpoint)
    trained = M.load_base(config.base_model_dir(), len(HEADS))
    M.load_state(trained, ck.get("state_dict", ck))
    Y = D.label_matrix(dev)
    ui, pi = HEADS.index("unsafe"), HEADS.index("prompt_attack")
    sets = {k: [{"text": t, "response": None} for t in v] for k, v in
            {"benign_sensitive": H.BENIGN_SENSITIVE, "harmful": [t for t, _ in H.HARMFUL_REQUESTS],
             "attacks": H.PROMPT_ATTACKS, "benign_instructions": H.BENIGN_INSTRUCTIONS}.items()}
    for frac in a.fracs:
        model = copy.deepcopy(trained)
        if frac:
            prune_ffn(model, train_ex, tok, frac, n_calib=600, seed=7)
        lg = predict_torch(model, dev, tok, use_bf16=False)
        P = {k: predict_torch(model, v, tok, use_bf16=False) for k, v in sets.items()}

        def ap2(pos, neg, i):
            return float(average_precision_score(np.r_[np.ones(len(pos)), np.zeros(len(neg))], np.r_[pos[:, i], neg[:, i]]))
        heads = {h: round(float(average_precision_score(Y[Y[:, i] >= 0, i], lg[Y[:, i] >= 0, i])), 4)
                 for i, h in enumerate(HEADS) if (Y[:, i] == 1).sum() >= 5 and (Y[:, i] == 0).sum() >= 5}
        print(json.dumps({"pruned": frac, "holdout_unsafe_auprc": round(ap2(P["harmful"], P["benign_sensitive"], ui), 4),
                          "holdout_prompt_attack_auprc": round(ap2(P["attacks"], P["benign_instructions"], pi), 4),
                          "dev_auprc": heads}), flush=True)


if __name__ == "__main__":
    main()
