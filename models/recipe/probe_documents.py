"""Long-document probe: how many benign pasted documents the engine flags, for one or more bundles.
Every bundle is checked by the native CLI (`target/release/parapet --model B scan`: default
constitution, `balanced`, the bundle's fitted gates, windows and cascade, as users get them).

Three sets, written to --out (default /tmp/parapet-probe-documents) and never to the repository:
- `dev_passages`: 250 passages (350-1,200 characters, sentences joined) of *dev-split* benign
  assistant answers, cut like `data.long_benign` cuts train-split ones;
- `dev_docs`: 250 dev-split benign answers as they are (first 1,800 characters, lines and code kept);
- `readme`: 200 passages (400-1,800 characters of whole paragraphs) of the crate READMEs in the
  local cargo registry (`~/.cargo/registry/src`, filled by building this repository): text from
  outside the training distribution (prose, code blocks, shell commands). The registry differs
  between machines, so compare bundles within one run, never with numbers from another machine.

    cargo build --release --features cli --bin parapet
    python -m models.recipe.probe_documents OLD.parapet NEW.parapet [--data ../shared/data]
"""
import argparse
import collections
import glob
import json
import os
import random
import re
import subprocess
import sys

from models.recipe import config
from models.recipe import data as D

OFF = {"prompt_attack", "code_interpreter_abuse"}


def dev_sets(data_dir, rng):
    dev = D.benign_answers(D.load_all(data_dir, seed=config.SEED)[0], dev=True)
    passages = [D.sentence_passage(x["response"], rng) for x in rng.sample(dev, min(250, len(dev)))]
    docs = [x["response"][:1800] for x in rng.sample(dev, min(250, len(dev)))]
    return passages, docs


def readme_set(rng, n=200, root="~/.cargo/registry/src"):
    files = sorted(glob.glob(os.path.join(os.path.expanduser(root), "*", "*", "README.md")))
    rng.shuffle(files)
    out, seen = [], set()
    for fn in files + files:  # a second passage from a crate only when there are too few crates
        paras = [p for p in re.split(r"\n\s*\n", open(fn, errors="replace").read()) if p.strip()]
        if len(paras) < 3:
            continue
        s = "\n\n".join(D.take_run(paras, rng, 400, 1800))[:2400]
        if len(s) >= 400 and s not in seen:
            seen.add(s)
            out.append(s)
        if len(out) == n:
            break
    return out


def scan(cli, bundle, path):
    r = subprocess.run([cli, "--model", bundle, "scan", path], capture_output=True, text=True)
    recs = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    if r.returncode != 0 or any("error" in x for x in recs):
        sys.exit(f"scan of {path} with {bundle} failed: {r.stderr[-500:]}")
    flagged = [x for x in recs if x["flagged"]]
    by = collections.Counter(t for x in flagged for t in x["triggered"])
    rest = sum(1 for x in flagged if set(x["triggered"]) - OFF)
    return len(recs), len(flagged), rest, by


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("bundles", nargs="+")
    ap.add_argument("--data", default=config.DEFAULT_DATA)
    ap.add_argument("--out", default="/tmp/parapet-probe-documents")
    ap.add_argument("--cli", default=os.path.join(config.REPO_ROOT, "target", "release", "parapet"))
    a = ap.parse_args()
    if not os.path.exists(a.cli):
        sys.exit(f"{a.cli} not found: run `cargo build --release --features cli --bin parapet` first")
    os.makedirs(a.out, exist_ok=True)
    passages, docs = dev_sets(a.data, random.Random(7))
    sets = {"dev_passages": passages, "dev_docs": docs, "readme": readme_set(random.Random(19))}
    if not sets["readme"]:
        print("no READMEs under ~/.cargo/registry/src (build the repository first): skipping that set")
        del sets["readme"]
    for name, texts in sets.items():
        with open(os.path.join(a.out, name + ".jsonl"), "w") as f:
            for i, t in enumerate(texts):
                f.write(json.dumps({"id": i, "prompt": t}) + "\n")
    print("| set | bundle | n | flagged | flagged without prompt_attack and code_interpreter_abuse | by category |")
    print("|---|---|---|---|---|---|")
    for name in sets:
        for b in a.bundles:
            n, fl, rest, by = scan(a.cli, b, os.path.join(a.out, name + ".jsonl"))
            top = ", ".join(f"{k} {v}" for k, v in by.most_common(5))
            print(f"| {name} | {os.path.basename(b)} | {n} | {fl} | {rest} | {top} |")


if __name__ == "__main__":
    main()
