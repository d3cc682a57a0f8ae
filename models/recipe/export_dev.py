"""Writes a sample of the recipe's dev split (prompts only, with their `unsafe` label) as JSONL
for evaluations that run on the engine, e.g. the obfuscation benchmark
(`cargo run --release --example obfuscation_eval -- <file>`).

The file is written outside the repository (default /tmp/parapet-dev-prompts.jsonl): the data
stays in ../shared/data and is never copied into the project.

    python3 -m models.recipe.export_dev [--data ../shared/data] [--out FILE] [--per-label 400]
"""
import argparse
import json
import os
import random

from . import data


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(here, "..", "..", "..", "shared", "data"))
    ap.add_argument("--out", default="/tmp/parapet-dev-prompts.jsonl")
    ap.add_argument("--per-label", type=int, default=400)
    ap.add_argument("--max-chars", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1234)
    a = ap.parse_args()
    examples, _ = data.load_all(a.data, seed=a.seed)
    _, dev = data.split_and_mix(examples, seed=a.seed)
    rng = random.Random(a.seed)
    rows = []
    for label in (1, 0):
        xs = [x for x in dev if x["response"] is None and x["labels"].get("unsafe") == label
              and len(x["text"]) <= a.max_chars]
        rng.shuffle(xs)
        rows += [{"text": x["text"], "unsafe": label, "source": x["source"]} for x in xs[: a.per_label]]
    with open(a.out, "w") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} dev prompts to {a.out}")


if __name__ == "__main__":
    main()
