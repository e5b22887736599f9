#!/usr/bin/env python3
"""mkimage.py OUT.tar ROOTFS REF CMD-JSON [REF CMD-JSON ...]: one image archive for the engine
cases, with one layer (ROOTFS as root-owned files) and an image per REF whose Cmd is CMD-JSON.

The archive is both a `docker save` archive (manifest.json with RepoTags, for docker load and
skopeo's docker-archive:) and an OCI layout (index.json naming each REF in
io.containerd.image.name, for ctr images import), so that every engine loads the same bytes."""
import hashlib
import io
import json
import os
import sys
import tarfile


def layer_tar(rootfs):
    """ROOTFS as an uncompressed tar of root-owned files with fixed times."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for top, dirs, files in os.walk(rootfs):
            dirs.sort()
            for name in sorted(dirs) + sorted(files):
                path = os.path.join(top, name)
                info = tar.gettarinfo(path, os.path.relpath(path, rootfs))
                info.uid = info.gid = 0
                info.uname = info.gname = "root"
                info.mtime = 0
                if info.isreg():
                    with open(path, "rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info)
    return buf.getvalue()


def add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def descriptor(media, data, **extra):
    d = {"mediaType": media, "digest": digest(data), "size": len(data)}
    d.update(extra)
    return d


def main(out, rootfs, pairs):
    layer = layer_tar(rootfs)
    blobs = {digest(layer): layer}
    docker_manifest, index = [], []
    for ref, cmd in pairs:
        config = json.dumps({
            "architecture": "amd64", "os": "linux",
            "config": {"Cmd": json.loads(cmd), "Env": ["PATH=/bin:/usr/bin"]},
            "rootfs": {"type": "layers", "diff_ids": [digest(layer)]},
            "history": [{"created_by": "keel conformance mkimage.py"}],
        }, sort_keys=True).encode()
        manifest = json.dumps({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": descriptor("application/vnd.oci.image.config.v1+json", config),
            "layers": [descriptor("application/vnd.oci.image.layer.v1.tar", layer)],
        }, sort_keys=True).encode()
        blobs[digest(config)] = config
        blobs[digest(manifest)] = manifest
        docker_manifest.append({
            "Config": "blobs/sha256/" + digest(config)[7:],
            "RepoTags": [ref],
            "Layers": ["blobs/sha256/" + digest(layer)[7:]],
        })
        index.append(descriptor("application/vnd.oci.image.manifest.v1+json", manifest,
                                annotations={"io.containerd.image.name": ref,
                                             "org.opencontainers.image.ref.name": ref}))
    with tarfile.open(out, "w") as tar:
        for d, data in blobs.items():
            add(tar, "blobs/sha256/" + d[7:], data)
        add(tar, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        add(tar, "index.json", json.dumps({"schemaVersion": 2, "manifests": index}).encode())
        add(tar, "manifest.json", json.dumps(docker_manifest).encode())


if __name__ == "__main__":
    if len(sys.argv) < 5 or len(sys.argv) % 2 == 0:
        sys.exit("usage: mkimage.py OUT.tar ROOTFS REF CMD-JSON [REF CMD-JSON ...]")
    args = sys.argv[3:]
    main(sys.argv[1], sys.argv[2], list(zip(args[::2], args[1::2])))
