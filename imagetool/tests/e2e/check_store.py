#!/usr/bin/env python3
"""check_store.py ROOT [--no-garbage]: exits non-zero unless the store is
consistent: every blob hashes to its name, and every index.json entry's
manifest, config and layers are present; with --no-garbage, every blob is
also referenced and tmp/ is empty."""
import hashlib
import json
import os
import sys


def main(root, no_garbage):
    blobs = os.path.join(root, "oci/blobs/sha256")
    bad = []
    for name in os.listdir(blobs):
        with open(os.path.join(blobs, name), "rb") as f:
            if hashlib.sha256(f.read()).hexdigest() != name:
                bad.append("blob %s does not match its digest" % name)

    used = set()

    def have(desc):
        algo, hexd = desc["digest"].split(":")
        used.add(hexd)
        p = os.path.join(blobs, hexd)
        if algo != "sha256" or not os.path.exists(p):
            bad.append("missing blob %s" % desc["digest"])
            return None
        if os.path.getsize(p) != desc["size"]:
            bad.append("blob %s has the wrong size" % desc["digest"])
        return p

    with open(os.path.join(root, "oci/index.json")) as f:
        index = json.load(f)
    for entry in index["manifests"]:
        p = have(entry)
        if p is None:
            continue
        with open(p) as f:
            manifest = json.load(f)
        for d in [manifest["config"]] + manifest["layers"]:
            have(d)
    if no_garbage:
        bad += ["unreferenced blob %s" % b for b in set(os.listdir(blobs)) - used]
        bad += ["left in tmp: %s" % t for t in os.listdir(os.path.join(root, "tmp"))]
    for b in bad:
        print(b, file=sys.stderr)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main(sys.argv[1], "--no-garbage" in sys.argv[2:])
