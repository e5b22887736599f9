#!/usr/bin/env python3
"""Test doubles around a real docker-registry for keel-image's e2e suite.

  fakes.py token PORT ISSUER SERVICE KEY CERT USER:PASS
      a docker token server (token.md): RS256 JWTs with the cert in x5c, which
      docker-registry checks against its rootcertbundle. Good credentials get
      pull+push (only pull on readonly/..., nothing on forbidden/...);
      anonymous callers get pull on
      repositories under public/. A token naming expire/... lapses about 5 s
      after it is issued (docker-registry allows 60 s of clock skew). Each
      request's scopes are printed on stdout.
  fakes.py proxy PORT UPSTREAM_PORT STORAGE LOG [--basic USER:PASS]
      forwards to the registry on UPSTREAM_PORT, and:
        /v2/<repo>/blobs/<digest>: 307 to a blob server on another host name
          (localhost instead of 127.0.0.1) that serves the registry's storage
          and logs to LOG whether an Authorization header reached it;
        repositories named flaky/...: the first request for each path gets
          503, the second a dropped connection (blobs) or 429, then it works;
          blob requests are logged to LOG with their Range header;
        norange/...: the same, but Range headers are not passed on;
        slow/...: blob bodies trickle (for kill tests);
        schema1/...: a Docker schema 1 manifest;
      with --basic, requires that Basic auth (the upstream needs none).
  fakes.py uploadproxy PORT UPSTREAM_PORT LOG
      forwards every request (Host and Authorization kept, so that upload
      URLs lead back here) and logs "METHOD PATH" to LOG (and "status CODE
      METHOD PATH" once answered), and:
        drop/...: the first PATCH to each repository that does not start at
          0 is read but not passed on, and its answer cut off;
        gone/...: after the first blob upload request, every request for
          the repository gets its connection closed (a registry gone away);
        expire/...: the first PUT or PATCH of a blob waits 6 s (for a token
          to lapse) before it is passed on.
  fakes.py faults PORT UPSTREAM_PORT CONTROL
      forwards to the registry on UPSTREAM_PORT with the fault named in the
      file CONTROL (read at each request; absent or "none": no fault):
        500: every request gets 500; reset: blob bodies are cut after 100
        bytes by a TCP reset; digest: blob bodies have a byte changed;
        bigmanifest: manifests are padded past 4 MiB; redirects: every
        request is redirected to itself; 401: every request gets 401;
        drip: blob bodies come at 2 bytes/s; noheaders: requests are read
        and never answered; slow: blob bodies come at about 256 KiB/s.
  fakes.py push LAYOUT TAG PORT REPO:TAG [--decompress]
      uploads an OCI layout's image to the registry byte for byte, or with
      its gzip layers decompressed (skopeo would reuse blobs it has seen in
      another form).
The servers print "ready" on stdout when listening.
"""
import base64
import hashlib
import http.client
import http.server
import json
import os
import subprocess
import sys
import threading
import time


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Quiet(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def token_server(port, issuer, service, key, cert, creds):
    der = subprocess.run(["openssl", "x509", "-in", cert, "-outform", "DER"],
                         check=True, capture_output=True).stdout
    header = b64url(json.dumps({"typ": "JWT", "alg": "RS256",
                                "x5c": [base64.b64encode(der).decode()]}).encode())
    lock = threading.Lock()

    def sign(claims):
        payload = header + "." + b64url(json.dumps(claims).encode())
        with lock:
            sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key],
                                 input=payload.encode(), check=True,
                                 capture_output=True).stdout
        return payload + "." + b64url(sig)

    class Token(Quiet):
        def do_GET(self):
            from urllib.parse import urlparse, parse_qs
            q = parse_qs(urlparse(self.path).query)
            auth = self.headers.get("Authorization")
            user = None
            if auth is not None:
                if auth != "Basic " + base64.b64encode(creds.encode()).decode():
                    self.reply(401, b'{"details":"bad credentials"}')
                    return
                user = creds.split(":")[0]
            access = []
            print("token", " ".join(q.get("scope", [])), flush=True)
            for scope in q.get("scope", []):
                typ, name, _ = scope.split(":", 2)
                if name.startswith("forbidden/"):
                    continue
                if user is not None:
                    actions = ["pull"] if name.startswith("readonly/") else ["pull", "push"]
                    access.append({"type": typ, "name": name, "actions": actions})
                elif name.startswith("public/"):
                    access.append({"type": typ, "name": name, "actions": ["pull"]})
            now = int(time.time())
            short = any(a["name"].startswith("expire/") for a in access)
            claims = {"iss": issuer, "sub": user or "", "aud": q.get("service", [service])[0],
                      "exp": now - 55 if short else now + 600, "nbf": now - 60, "iat": now,
                      "jti": os.urandom(8).hex(), "access": access}
            body = json.dumps({"token": sign(claims), "expires_in": 600}).encode()
            self.reply(200, body, [("Content-Type", "application/json")])

    serve(Token, port)


def relay_head(handler, conn):
    """Reads the upstream's answer on conn and sends its status and headers
    on; returns the response and its body, for the caller to send."""
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    handler.send_response(resp.status)
    for k, v in resp.getheaders():
        if k.lower() not in ("content-length", "connection", "transfer-encoding", "date"):
            handler.send_header(k, v)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    return resp, body


SCHEMA1 = json.dumps({"schemaVersion": 1, "name": "schema1/old", "tag": "v1",
                      "architecture": "amd64", "fsLayers": [], "history": []}).encode()


def proxy(port, upstream, storage, log, basic):
    blob_port_box = []
    seen = {}
    seen_lock = threading.Lock()

    def count(path):
        with seen_lock:
            seen[path] = seen.get(path, 0) + 1
            return seen[path]

    def blob_file(digest):
        hexd = digest.split(":", 1)[1]
        return os.path.join(storage, "docker/registry/v2/blobs/sha256", hexd[:2], hexd, "data")

    class Blobs(Quiet):
        def do_GET(self):
            with open(log, "a") as f:
                f.write("%s auth=%s\n" % (self.path, "yes" if "Authorization" in self.headers else "no"))
            try:
                with open(blob_file(self.path.rsplit("/", 1)[1]), "rb") as f:
                    body = f.read()
            except OSError:
                self.reply(404)
                return
            self.reply(200, body, [("Content-Type", "application/octet-stream")])

    class Proxy(Quiet):
        def do_GET(self):
            self.handle_any()

        def do_HEAD(self):
            self.handle_any()

        def handle_any(self):
            if basic is not None and self.headers.get("Authorization") != \
                    "Basic " + base64.b64encode(basic.encode()).decode():
                self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
                           [("WWW-Authenticate", 'Basic realm="keel-test"'),
                            ("Content-Type", "application/json")])
                return
            parts = self.path.split("/")
            repo = "/".join(parts[2:-2]) if len(parts) > 4 else ""
            is_blob = len(parts) > 4 and parts[-2] == "blobs"
            if repo.startswith("schema1/") and parts[-2] == "manifests":
                self.reply(200, SCHEMA1, [("Content-Type",
                                           "application/vnd.docker.distribution.manifest.v1+prettyjws")])
                return
            flaky = repo.startswith("flaky/") or repo.startswith("norange/")
            if flaky and is_blob:
                with open(log, "a") as f:
                    f.write("%s range=%s\n" % (self.path, self.headers.get("Range", "-")))
            if flaky:
                n = count(self.path)
                if n == 1:
                    self.reply(503, b'{"errors":[{"code":"UNAVAILABLE","message":"try later"}]}',
                               [("Content-Type", "application/json")])
                    return
                if n == 2 and not is_blob:
                    self.reply(429, b"", [("Retry-After", "1")])
                    return
                if n == 2 and is_blob:
                    self.forward(drop_after=100)
                    return
            if repo.startswith("redirect/") and is_blob:
                self.reply(307, b"", [("Location", "http://localhost:%d/blob/%s"
                                       % (blob_port_box[0], parts[-1]))])
                return
            self.forward(slow=repo.startswith("slow/") and is_blob)

        def forward(self, drop_after=None, slow=False):
            conn = http.client.HTTPConnection("127.0.0.1", upstream)
            dropped = ("authorization", "host", "range") if self.path.startswith("/v2/norange/") \
                else ("authorization", "host")
            headers = {k: v for k, v in self.headers.items() if k.lower() not in dropped}
            conn.request(self.command, self.path, headers=headers)
            resp, body = relay_head(self, conn)
            if self.command == "HEAD":
                return
            if drop_after is not None:
                self.wfile.write(body[:drop_after])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if slow:
                for i in range(0, len(body), 16384):
                    self.wfile.write(body[i:i + 16384])
                    self.wfile.flush()
                    time.sleep(0.01)
                return
            self.wfile.write(body)

    blob_srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Blobs)
    blob_port_box.append(blob_srv.server_address[1])
    threading.Thread(target=blob_srv.serve_forever, daemon=True).start()
    serve(Proxy, port)


def upload_proxy(port, upstream, log):
    lock = threading.Lock()
    patches = {}
    state = {"gone": False, "waited": False}

    class Up(Quiet):
        def do_GET(self):
            self.forward()

        do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

        def forward(self):
            with open(log, "a") as f:
                f.write("%s %s\n" % (self.command, self.path))
            parts = self.path.split("/")
            repo = "/".join(parts[2:4]) if len(parts) > 4 else ""
            length = int(self.headers.get("Content-Length", "0"))
            uploading = "/blobs/uploads/" in self.path
            with lock:
                if repo.startswith("gone/") and state["gone"]:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if repo.startswith("gone/") and uploading:
                    state["gone"] = True
                key = self.path.split("?")[0]
                drop = False
                start = self.headers.get("Content-Range", "0-").split("-")[0]
                if repo.startswith("drop/") and self.command == "PATCH" and start != "0" and \
                        patches.get(repo, 0) < 1:
                    patches[repo] = patches.get(repo, 0) + 1
                    drop = True
            if repo.startswith("expire/") and uploading and self.command != "POST":
                with lock:
                    wait = not state["waited"]
                    state["waited"] = True
                if wait:
                    time.sleep(6)
            if drop:
                # the body is read and thrown away, the answer cut short: the
                # client saw a response begin (so curl does not resend it on
                # its own) and must ask the registry how far the upload got
                self.rfile.read(length)
                with open(log, "a") as f:
                    f.write("dropped %s\n" % key)
                self.wfile.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 100\r\n\r\ncut")
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
                return
            body = self.rfile.read(length) if length else None
            conn = http.client.HTTPConnection("127.0.0.1", upstream)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "content-length"}
            conn.request(self.command, self.path, body=body, headers=headers)
            resp, data = relay_head(self, conn)
            with open(log, "a") as f:
                f.write("status %d %s %s\n" % (resp.status, self.command, self.path))
            if self.command != "HEAD":
                self.wfile.write(data)

    serve(Up, port)


def faults(port, upstream, control):
    import socket
    import struct

    def fault():
        try:
            with open(control) as f:
                return f.read().strip()
        except OSError:
            return "none"

    class Faulty(Quiet):
        def do_GET(self):
            self.handle_any()

        def do_HEAD(self):
            self.handle_any()

        def handle_any(self):
            f = fault()
            parts = self.path.split("/")
            is_blob = len(parts) > 4 and parts[-2] == "blobs"
            is_manifest = len(parts) > 4 and parts[-2] == "manifests"
            if f == "500":
                self.reply(500, b'{"errors":[{"code":"UNKNOWN","message":"injected"}]}',
                           [("Content-Type", "application/json")])
            elif f == "401":
                self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"injected"}]}',
                           [("WWW-Authenticate", 'Basic realm="keel-faults"'),
                            ("Content-Type", "application/json")])
            elif f == "redirects":
                self.reply(307, b"", [("Location", self.path)])
            elif f == "noheaders":
                time.sleep(60)
                self.close_connection = True
            else:
                status, headers, body = self.fetch()
                if is_blob and status == 200 and f == "digest":
                    body = bytes([body[0] ^ 1]) + body[1:]
                if is_manifest and status == 200 and f == "bigmanifest" and self.command == "GET":
                    doc = json.loads(body)
                    doc.setdefault("annotations", {})["pad"] = "x" * (5 << 20)
                    body = json.dumps(doc).encode()
                    headers = [(k, v) for k, v in headers if k.lower() != "docker-content-digest"]
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command == "HEAD":
                    return
                if is_blob and status in (200, 206) and f in ("reset", "drip", "slow"):
                    self.trickle(f, body)
                else:
                    self.wfile.write(body)

        def trickle(self, f, body):
            if f == "reset":
                self.wfile.write(body[:100])
                self.wfile.flush()
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return
            step, pause = (2, 1.0) if f == "drip" else (16384, 0.06)
            try:
                for i in range(0, len(body), step):
                    self.wfile.write(body[i:i + step])
                    self.wfile.flush()
                    time.sleep(pause)
            except OSError:
                self.close_connection = True

        def fetch(self):
            conn = http.client.HTTPConnection("127.0.0.1", upstream)
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in ("authorization", "host")}
            conn.request(self.command, self.path, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
            conn.close()
            keep = [(k, v) for k, v in resp.getheaders()
                    if k.lower() not in ("content-length", "connection", "transfer-encoding", "date")]
            return resp.status, keep, body

    serve(Faulty, port)


def serve(handler, port):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    srv.daemon_threads = True
    print("ready", flush=True)
    srv.serve_forever()


def push(layout, tag, port, dest, decompress=False):
    extra = {}

    def blob(d):
        if d in extra:
            return extra[d]
        with open(os.path.join(layout, "blobs", *d.split(":")), "rb") as f:
            return f.read()

    with open(os.path.join(layout, "index.json")) as f:
        index = json.load(f)
    desc = next(m for m in index["manifests"]
                if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag)
    raw = blob(desc["digest"])
    manifest = json.loads(raw)
    if decompress:
        import gzip
        for layer in manifest["layers"]:
            if layer["mediaType"].endswith("+gzip"):
                data = gzip.decompress(blob(layer["digest"]))
                layer["digest"] = "sha256:" + hashlib.sha256(data).hexdigest()
                layer["size"] = len(data)
                layer["mediaType"] = layer["mediaType"][:-len("+gzip")]
                extra[layer["digest"]] = data
        raw = json.dumps(manifest).encode()
    repo, ref = dest.rsplit(":", 1)
    conn = http.client.HTTPConnection("127.0.0.1", int(port))
    for d in [manifest["config"]] + manifest["layers"]:
        conn.request("POST", "/v2/%s/blobs/uploads/" % repo)
        resp = conn.getresponse()
        resp.read()
        loc = resp.getheader("Location")
        sep = "&" if "?" in loc else "?"
        conn.request("PUT", loc + sep + "digest=" + d["digest"], body=blob(d["digest"]),
                     headers={"Content-Type": "application/octet-stream"})
        resp = conn.getresponse()
        resp.read()
        if resp.status != 201:
            sys.exit("upload %s: HTTP %d" % (d["digest"], resp.status))
    conn.request("PUT", "/v2/%s/manifests/%s" % (repo, ref), body=raw,
                 headers={"Content-Type": desc["mediaType"]})
    resp = conn.getresponse()
    resp.read()
    if resp.status != 201:
        sys.exit("manifest: HTTP %d" % resp.status)


def main():
    mode = sys.argv[1]
    if mode == "push":
        push(*sys.argv[2:6], decompress="--decompress" in sys.argv[6:])
    elif mode == "token":
        token_server(int(sys.argv[2]), *sys.argv[3:8])
    elif mode == "uploadproxy":
        upload_proxy(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    elif mode == "faults":
        faults(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    elif mode == "proxy":
        basic = sys.argv[7] if len(sys.argv) > 7 and sys.argv[6] == "--basic" else None
        proxy(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], basic)
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
