"""Workload images for a kind cluster that cannot pull: the real image when Docker has it or can
pull it, else a local stand-in built from a Debian package and tagged with the exact name the docs
use, else nothing (the image is reported as not available here).

A stand-in behaves like its image where the docs rely on it (nginx serves /usr/share/nginx/html on
port 80 and logs to stdout; busybox has sh, wget, nslookup...; curlimages/curl runs curl), but it
is not the same software version; every result that ran on one says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import docker
from .nodeimage import node_cache, rootfs
from .nodeimage.images import ImageSpec, ensure

NGINX_CONF = b"""user www-data;
worker_processes auto;
error_log /var/log/nginx/error.log notice;
pid /run/nginx.pid;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log /var/log/nginx/access.log;
    sendfile on;
    keepalive_timeout 65;
    include /etc/nginx/conf.d/*.conf;
}
"""
NGINX_DEFAULT = b"""server {
    listen 80;
    server_name localhost;
    location / {
        root /usr/share/nginx/html;
        index index.html index.htm;
    }
    error_page 500 502 503 504 /50x.html;
    location = /50x.html {
        root /usr/share/nginx/html;
    }
}
"""
NGINX_INDEX = b"""<!DOCTYPE html>
<html><head><title>Welcome to nginx!</title></head>
<body><h1>Welcome to nginx!</h1>
<p>A kubedoctest stand-in: Debian's nginx-light, configured like the official nginx image.</p>
</body></html>
"""
CURL_ENTRYPOINT = b"""#!/bin/sh
# like curlimages/curl's entrypoint: options alone mean curl
if [ "${1#-}" != "$1" ]; then set -- curl "$@"; fi
exec "$@"
"""
# Debian bookworm's busybox 1.35 wget crashes (SIGSEGV) whenever -T is given; the stand-in gives
# wget's -T/--timeout to `timeout` instead, so the docs' bounded waits behave as with busybox 1.38.
WGET_TIMEOUT = b"""#!/bin/sh
seconds=""
n=$#
while [ "$n" -gt 0 ]; do
  a="$1"; shift; n=$((n - 1))
  case "$a" in
    -T) seconds="$1"; shift; n=$((n - 1)); continue ;;
    -T*) seconds="${a#-T}"; continue ;;
    --timeout=*) seconds="${a#--timeout=}"; continue ;;
  esac
  set -- "$@" "$a"
done
if [ -n "$seconds" ]; then exec /bin/busybox timeout "$seconds" /bin/busybox wget "$@"; fi
exec /bin/busybox wget "$@"
"""


@dataclass(frozen=True)
class Recipe:
    package: str  # the Debian package it comes from (what the images catalog calls its stand-in)
    build: Callable[[str, Path, Callable[[str], None]], ImageSpec]


def _nginx(ref: str, cache: Path, log: Callable[[str], None]) -> ImageSpec:
    base = rootfs.rootfs("standin-nginx", rootfs.STANDINS["standin-nginx"], rootfs.cache_dir(), log)
    return ImageSpec(
        ref,
        base=base,
        files={
            "/etc/nginx/nginx.conf": NGINX_CONF,
            "/etc/nginx/conf.d/default.conf": NGINX_DEFAULT,
            "/usr/share/nginx/html/index.html": NGINX_INDEX,
            "/usr/share/nginx/html/50x.html": b"<html><body><h1>An error occurred.</h1></body></html>\n",
        },
        symlinks={"/var/log/nginx/access.log": "/dev/stdout", "/var/log/nginx/error.log": "/dev/stderr"},
        cmd=["nginx", "-g", "daemon off;"],
    )


def _busybox(ref: str, cache: Path, log: Callable[[str], None]) -> ImageSpec:
    """Debian's busybox (linked against glibc, so its name lookups use the resolver properly; the
    static build crashes on names that need the search domains) on a minimal Debian root, its applets
    first on PATH, so `sh`, `wget`, `nslookup`, `sleep` ... are busybox's."""
    base = rootfs.rootfs("standin-busybox", rootfs.STANDINS["standin-busybox"], rootfs.cache_dir(), log)
    applets = _applets(base)
    return ImageSpec(
        ref,
        base=base,
        files={"/usr/local/sbin/wget": WGET_TIMEOUT},
        symlinks={f"/usr/local/sbin/{a}": "/bin/busybox" for a in applets if a != "wget"},
        cmd=["sh"],
    )


def _applets(base: Path) -> list[str]:
    """The applets of the busybox in a root filesystem tar (it prints them with --list)."""
    import subprocess
    import tarfile
    import tempfile

    with tarfile.open(base) as tar, tempfile.TemporaryDirectory() as tmp:
        member = next(m for m in tar if m.name.lstrip("./") in ("bin/busybox", "usr/bin/busybox") and m.isreg())
        tar.extract(member, tmp, filter="data")
        binary = Path(tmp) / member.name
        out = subprocess.run(["/bin/sh", "-c", f"'{binary}' --list"], capture_output=True, text=True, timeout=30)
    return sorted(a for a in set(out.stdout.split()) if a not in ("busybox",))


def _curl(ref: str, cache: Path, log: Callable[[str], None]) -> ImageSpec:
    base = rootfs.rootfs("standin-curl", rootfs.STANDINS["standin-curl"], rootfs.cache_dir(), log)
    return ImageSpec(
        ref,
        base=base,
        files={"/usr/local/bin/curl-entrypoint": CURL_ENTRYPOINT},
        entrypoint=["/bin/sh", "/usr/local/bin/curl-entrypoint"],
        cmd=["curl"],
    )


def _redis(ref: str, cache: Path, log: Callable[[str], None]) -> ImageSpec:
    base = rootfs.rootfs("standin-redis", rootfs.STANDINS["standin-redis"], rootfs.cache_dir(), log)
    return ImageSpec(
        ref,
        base=base,
        cmd=["redis-server", "--protected-mode", "no", "--bind", "0.0.0.0"],
        workdir="/data",
        files={"/data/.keep": b""},
    )


RECIPES: dict[str, Recipe] = {
    "nginx": Recipe("nginx-light", _nginx),
    "busybox": Recipe("busybox", _busybox),
    "curlimages/curl": Recipe("curl", _curl),
    "redis": Recipe("redis-server", _redis),
}


def repository(ref: str) -> str:
    """nginx:1.30 -> nginx; docker.io/library/nginx -> nginx; curlimages/curl:8 -> curlimages/curl."""
    name = ref.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name = name[: len(name) - len(last)] + last.split(":", 1)[0]
    for prefix in ("docker.io/library/", "docker.io/", "index.docker.io/library/"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    return name


@dataclass
class Plan:
    real: list[str] = field(default_factory=list)  # loaded as they are (Docker had or pulled them)
    standin: dict[str, str] = field(default_factory=dict)  # image -> Debian package of its stand-in
    unavailable: list[str] = field(default_factory=list)  # no stand-in and no pull
    preloaded: list[str] = field(default_factory=list)  # already in the node image

    def describe(self) -> str:
        parts = []
        if self.standin:
            parts.append("stand-ins: " + ", ".join(f"{i} (Debian {p})" for i, p in sorted(self.standin.items())))
        if self.real:
            parts.append("real images: " + ", ".join(sorted(self.real)))
        if self.unavailable:
            parts.append("not available here: " + ", ".join(sorted(self.unavailable)))
        return "; ".join(parts) or "no workload images"


_PULL_REFUSED = re.compile(
    r"dial tcp|no such host|lookup |timeout|connection refused|network is unreachable|i/o timeout", re.I
)


def prepare(images: list[str], preloaded: set[str], log: Callable[[str], None], pull: bool = True) -> Plan:
    """Make every image available to load into the node, as well as this host can."""
    plan = Plan()
    cache = node_cache().parent
    registry_reachable = pull
    for ref in sorted(set(images)):
        if ref in preloaded:
            plan.preloaded.append(ref)
            continue
        if docker.image_labels(ref) is not None and not _is_standin(ref):
            plan.real.append(ref)
            continue
        if registry_reachable:
            try:
                docker.run("pull", ref, timeout=300)
                plan.real.append(ref)
                continue
            except docker.DockerError as e:
                if _PULL_REFUSED.search(str(e)):
                    log(f"kubedoctest: cannot pull {ref} (no registry reachable); using stand-ins where there are")
                    registry_reachable = False
        recipe = RECIPES.get(repository(ref))
        if recipe is None:
            plan.unavailable.append(ref)
            continue
        spec = recipe.build(ref, cache, log)
        spec.env.append(f"KUBEDOCTEST_STANDIN={recipe.package}")
        ensure(spec, log)
        plan.standin[ref] = recipe.package
    return plan


def _is_standin(ref: str) -> bool:
    out = docker.run("image", "inspect", "--format", "{{json .Config.Env}}", ref, timeout=30, check=False)
    return "KUBEDOCTEST_STANDIN=" in out
