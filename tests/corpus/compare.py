#!/usr/bin/env python3
"""compare.py V1_YAML BERTH_JSON - does berth's `config` agree with
docker-compose 1.29's on what matters?

V1_YAML is `docker-compose -p corpus config` (Python docker-compose 1.29,
which prints YAML only); BERTH_JSON is `berth -p corpus config --format
json`, both run in the same directory so absolute paths agree. Both sides
are brought to one neutral form first, then compared: the services, and
for each its image, command, entrypoint, environment, ports, expose,
volumes, networks and depends_on; and the names of the top-level volumes
and networks.

Deliberate differences, where v1 predates the compose spec berth follows
(each is normalised away below, and nothing else is):

 1. v1 prints `version:` and no `name:`; berth prints `name:` and never
    `version:` (obsolete in the spec). Neither is compared.
 2. Top-level networks and volumes: v1 prints them as declared (`{}`);
    berth adds `name: corpus_<key>`, the engine name. Only the keys are
    compared.
 3. The implicit `default` network: v1 leaves it out of the file; berth
    lists it at the top level and under each service that joins it. A v1
    service without `networks` (or `network_mode`) is read as joining
    `default`.
 4. ports: v1 keeps `published` as a number and leaves out protocol and
    mode; berth has the spec's long form (published as a string, mode
    ingress, protocol tcp). Compared as (host_ip, published, target,
    protocol).
 5. volumes: v1 keeps short syntax (`src:dst:rw`); berth has the long form
    (type, source, target, read_only, bind/volume options). Compared as
    (type, source, target, read_only).
 6. command and entrypoint: v1 keeps a string as written; berth splits it
    into words as compose v2 does. v1's strings are split with shlex.
 7. expose: v1 prints numbers, berth strings.
 8. depends_on: berth adds `required: true` (and `restart`); compared as
    name -> condition.
 9. react-rust-postgres has a top-level `name:`, which v1 rejects: the
    runner feeds v1 the file without that line.
10. A volume's container path: v1 drops a trailing "/" ("/etc/pihole/");
    compose v2 and berth keep the path as written. Compared without it.
11. plex mounts "${PLEX_MEDIA_PATH}:/media/". Its README says to set the
    variable; unset, v1 mounts the project folder while compose v2 and
    berth reject ":/media/" (empty source). The runner sets it.
"""
import json
import shlex
import sys

import yaml


def words(v):
    if v is None:
        return None
    if isinstance(v, str):
        return shlex.split(v)
    return [str(x) for x in v]


def env_value(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def environment(v):
    if v is None:
        return {}
    if isinstance(v, list):
        out = {}
        for item in v:
            k, sep, val = item.partition("=")
            out[k] = val if sep else None
        return out
    return {k: env_value(x) for k, x in v.items()}


def port_short(s):
    """[ip:][published:]target[/proto] -> (ip, published, target, proto)."""
    s, _, proto = str(s).partition("/")
    parts = s.rsplit(":", 2) if s.count(":") <= 2 else [s]
    ip = published = ""
    if len(parts) == 3:
        ip, published, target = parts
    elif len(parts) == 2:
        published, target = parts
    else:
        target = parts[0]
    return (ip, published, target, proto or "tcp")


def ports(v):
    out = []
    for p in v or []:
        if isinstance(p, dict):
            out.append((str(p.get("host_ip") or ""),
                        str(p.get("published") or ""),
                        str(p.get("target")),
                        p.get("protocol") or "tcp"))
        else:
            out.append(port_short(p))
    return sorted(out)


def target(t):
    """Difference 10: no trailing slash on a container path."""
    t = str(t)
    return t.rstrip("/") or "/"


def volume_short(s):
    parts = s.split(":")
    if len(parts) == 1:
        return ("volume", "", target(parts[0]), False)
    src, dst = parts[0], parts[1]
    mode = parts[2] if len(parts) > 2 else "rw"
    kind = "bind" if src.startswith(("/", ".", "~")) else "volume"
    return (kind, src, target(dst), "ro" in mode.split(","))


def volumes(v):
    out = []
    for m in v or []:
        if isinstance(m, dict):
            out.append((m.get("type"), m.get("source") or "",
                        target(m.get("target")), bool(m.get("read_only"))))
        else:
            out.append(volume_short(m))
    return sorted(out)


def networks(v):
    if not v:
        return ["default"]
    return sorted(v)


def depends_on(v):
    if not v:
        return {}
    if isinstance(v, list):
        return {k: "service_started" for k in v}
    return {k: (d or {}).get("condition", "service_started")
            for k, d in v.items()}


def service(s):
    return {
        "image": s.get("image"),
        "command": words(s.get("command")),
        "entrypoint": words(s.get("entrypoint")),
        "environment": environment(s.get("environment")),
        "ports": ports(s.get("ports")),
        "expose": sorted(str(x) for x in s.get("expose") or []),
        "volumes": volumes(s.get("volumes")),
        "networks": [] if s.get("network_mode") else networks(s.get("networks")),
        "depends_on": depends_on(s.get("depends_on")),
    }


def project(m, v1):
    services = {k: service(s) for k, s in (m.get("services") or {}).items()}
    nets = set(m.get("networks") or {})
    if v1 and any("default" in s["networks"] for s in services.values()):
        nets.add("default")  # difference 3
    return {
        "services": services,
        "volumes": sorted(m.get("volumes") or {}),
        "networks": sorted(nets),
    }


def diff(path, a, b, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a:
                out.append(f"{path}.{k}: only berth has it: {b[k]!r}")
            elif k not in b:
                out.append(f"{path}.{k}: berth lacks it (v1: {a[k]!r})")
            else:
                diff(f"{path}.{k}", a[k], b[k], out)
    elif a != b:
        out.append(f"{path}: v1 {a!r}, berth {b!r}")


def main():
    with open(sys.argv[1]) as f:
        v1 = project(yaml.safe_load(f) or {}, True)
    with open(sys.argv[2]) as f:
        berth = project(json.load(f), False)
    out = []
    diff("", v1, berth, out)
    for line in out:
        print("    " + line.lstrip("."))
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main())
