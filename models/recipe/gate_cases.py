"""Cases for fitting the engine's short-window gate (`fine_gate` per head in the bundle manifest,
fitted by `cargo run --release --example fit_gates`): long texts built only from the recipe's dev
split (never trained on), as JSONL {"prompt", "response"|null, "label": 1|0, "kind"}.

Harmful cases hide a short harmful part inside benign text, where a full window may miss it and a
short window may not; benign cases are long benign documents and the same dilution built around
benign-but-sensitive prompts, which a gate should not open on. The file is written outside the
repository (default /tmp/parapet-gate-cases.jsonl): the data stays in ../shared/data.

    python -m models.recipe.gate_cases [--data ../shared/data] [--out FILE] [--n 250]
"""
import argparse
import json
import os
import random

from . import data


def _sents(text):
    out = []
    for para in text.split("\n"):
        for s in para.split(". "):
            s = s.strip()
            if len(s) >= 20:
                out.append(s if s.endswith((".", "?", "!", ":")) else s + ".")
    return out


def _context(pool, rng, chars):
    """Benign sentences from dev answers, about `chars` characters in all."""
    out, n = [], 0
    while n < chars:
        s = rng.choice(pool)
        out.append(s)
        n += len(s) + 1
    return out


def _insert(ctx, part, rng):
    i = rng.randint(0, len(ctx))
    return " ".join(ctx[:i] + [part] + ctx[i:])


def build(dev, rng, n=250):
    benign_ans = data.benign_answers(dev, dev=True, max_len=3000)
    pool = [s for x in benign_ans for s in _sents(x["response"])]
    harmful = [x for x in dev if x["response"] is None and x["labels"].get("unsafe") == 1
               and x["labels"].get("prompt_attack") != 1 and 20 <= len(x["text"]) <= 400]
    attacks = [x for x in dev if x["response"] is None and x["labels"].get("prompt_attack") == 1
               and 20 <= len(x["text"]) <= 600]
    bad_resp = [x for x in dev if x["response"] is not None and x["labels"].get("unsafe") == 1
                and 40 <= len(x["response"]) <= 600 and not x["source"].startswith("synth")]
    sensitive = [x for x in dev if x["response"] is None and x["labels"].get("unsafe") == 0
                 and 20 <= len(x["text"]) <= 400 and x["family"] in ("sensitive_benign", "toxicity")]
    cases = []

    def add(prompt, response, label, kind):
        cases.append({"prompt": prompt, "response": response, "label": label, "kind": kind})

    for x in rng.sample(harmful, min(n, len(harmful))):
        add(_insert(_context(pool, rng, rng.randint(300, 2400)), x["text"], rng), None, 1, "harmful prompt in benign text")
    for x in rng.sample(attacks, min(n, len(attacks))):
        add(_insert(_context(pool, rng, rng.randint(300, 2400)), x["text"], rng), None, 1, "attack in benign text")
    for x in rng.sample(bad_resp, min(n, len(bad_resp))):
        a = rng.choice(benign_ans)
        add(a["text"], _insert(_context(pool, rng, rng.randint(300, 2400)), x["response"], rng), 1,
            "harmful response in benign answer")
    for x in rng.sample(sensitive, min(n, len(sensitive))):
        add(_insert(_context(pool, rng, rng.randint(300, 2400)), x["text"], rng), None, 0,
            "sensitive benign prompt in benign text")
    for x in rng.sample(benign_ans, min(n, len(benign_ans))):
        add(x["response"], None, 0, "benign answer as a prompt")
    for x in rng.sample(benign_ans, min(n, len(benign_ans))):
        add(x["text"], x["response"], 0, "benign answer as a response")
    # README-like technical documents (synth_docs.py, dev groups; only with PARAPET_TECH_DOCS=1, drawn
    # last so the kinds above keep their draws): v0.6.0's gate, fitted without them, flags real READMEs
    tech = [x for x in dev if x["source"] == "synth_tech_document"]
    for x in rng.sample(tech, min(n, len(tech))):
        add(x["text"], None, 0, "technical document as a prompt")
    return cases


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(here, "..", "..", "..", "shared", "data"))
    ap.add_argument("--out", default="/tmp/parapet-gate-cases.jsonl")
    ap.add_argument("--n", type=int, default=250, help="cases per kind")
    ap.add_argument("--seed", type=int, default=1234)
    a = ap.parse_args()
    examples, _ = data.load_all(a.data, seed=a.seed)
    _, dev = data.split_and_mix(examples, seed=a.seed)
    cases = build(dev, random.Random(a.seed), a.n)
    with open(a.out, "w") as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    kinds = {}
    for c in cases:
        kinds[c["kind"]] = kinds.get(c["kind"], 0) + 1
    print(f"wrote {len(cases)} gate cases to {a.out}: {kinds}")


if __name__ == "__main__":
    main()
