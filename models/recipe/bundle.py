"""Writer and reader of the `.parapet` bundle (docs/BUNDLE_FORMAT.md, version 1)."""
import hashlib
import json
import struct

MAGIC = b"PARAPET\0"
FORMAT_VERSION = 1


def write_bundle(path, manifest, parts):
    """parts: list of (name, bytes). Fills manifest['parts'] and writes the file."""
    manifest = dict(manifest)
    manifest["format_version"] = FORMAT_VERSION
    entries, off = [], 0
    for name, data in parts:
        entries.append({"name": name, "offset": off, "length": len(data),
                        "sha256": hashlib.sha256(data).hexdigest()})
        off += len(data)
    manifest["parts"] = entries
    mj = json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8")
    body = MAGIC + struct.pack("<II", FORMAT_VERSION, len(mj)) + mj + b"".join(d for _, d in parts)
    body += hashlib.sha256(body).digest()
    with open(path, "wb") as f:
        f.write(body)
    return hashlib.sha256(body).hexdigest()


def read_bundle(path_or_bytes):
    """Parse and verify a bundle; returns (manifest, {name: bytes})."""
    if isinstance(path_or_bytes, (bytes, bytearray)):
        b = bytes(path_or_bytes)
    else:
        b = open(path_or_bytes, "rb").read()
    if b[:8] != MAGIC:
        raise ValueError("bad magic")
    if hashlib.sha256(b[:-32]).digest() != b[-32:]:
        raise ValueError("trailer sha256 mismatch")
    ver, mlen = struct.unpack("<II", b[8:16])
    if ver != FORMAT_VERSION:
        raise ValueError(f"format_version {ver} unsupported")
    manifest = json.loads(b[16:16 + mlen].decode("utf-8"))
    data = b[16 + mlen:-32]
    parts = {}
    for p in manifest["parts"]:
        blob = data[p["offset"]:p["offset"] + p["length"]]
        if len(blob) != p["length"] or hashlib.sha256(blob).hexdigest() != p["sha256"]:
            raise ValueError(f"part {p['name']} corrupt")
        parts[p["name"]] = blob
    return manifest, parts
