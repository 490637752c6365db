"""Public status page and its JSON under load: requests/s and p99, against hello-world.

    .venv/bin/python -m bench.statuspage_bench                 # SQLite, 15 s per URL
    .venv/bin/python -m bench.statuspage_bench --db postgres   # throwaway PostgreSQL
    .venv/bin/python -m bench.statuspage_bench --fast-path     # with the proposed middleware

A fresh FIXFIRST_DATA_DIR under /tmp gets the demo data (so /status/demo/ has components,
incidents, maintenance and history); gunicorn serves it on loopback with 2 workers x 4 threads
(as ``fixfirst up``); ``wrk`` (apt-get install wrk) loads each URL after a warm-up. The hello
view lives in bench/statuspage_urls.py, never in the product. Results go to stdout as a
Markdown table plus the exact commands.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

URLS = [
    ("hello-world Django view", "/bench/hello/"),
    ("status page /status/demo/", "/status/demo/"),
    ("summary.json", "/status/demo/api/v2/summary.json"),
    ("status.json", "/status/demo/api/v2/status.json"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310 - loopback
            return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, seconds: int, connections: int, threads: int) -> dict[str, float]:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    lat = dict(re.findall(r"^\s+(50|90|99)%\s+([\d.]+\w+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)

    def parse(text: str) -> float:
        m = re.match(r"([\d.]+)(us|ms|s)", text)
        return _ms(m.group(1), m.group(2)) if m else float("nan")

    return {
        "rps": rps,
        "p50": parse(lat.get("50", "")),
        "p90": parse(lat.get("90", "")),
        "p99": parse(lat.get("99", "")),
        "errors": float(errors.group(1)) if errors else 0.0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",  # type: ignore[dict-item]
        "cmd": " ".join(cmd),  # type: ignore[dict-item]
    }


NGINX_CONF = """
worker_processes 2;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {dir}/tmp;
    server {{
        listen 127.0.0.1:{port};
        location /status/demo/ {{
            alias {export}/;
            add_header Cache-Control "public, max-age=10";
            add_header Access-Control-Allow-Origin "*";
        }}
    }}
}}
"""


def _nginx(
    stack: contextlib.ExitStack, data_dir: Path, env: dict[str, str]
) -> list[tuple[str, str]]:
    """The static export (``fixfirst statuspage export``) served by nginx: the outage mode."""
    if shutil.which("nginx") is None:
        print("nginx not installed (apt-get install nginx-light): skipping the export run")
        return []
    export = data_dir / "export"
    subprocess.run([sys.executable, "-m", "fixfirst.cli", "statuspage", "export", "demo", str(export)],
                   env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    (data_dir / "tmp").mkdir(exist_ok=True)
    data_dir.chmod(0o755)  # nginx's workers run as www-data
    port = _free_port()
    conf = data_dir / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=data_dir, port=port, export=export))
    proc = subprocess.Popen(
        ["nginx", "-c", str(conf), "-p", str(data_dir), "-e", str(data_dir / "nginx-error.log")]
    )
    stack.callback(proc.wait, 15)
    stack.callback(proc.terminate)
    base = f"http://127.0.0.1:{port}/status/demo/"
    _wait(base + "index.html")
    return [
        ("static export via nginx: index.html", base + "index.html"),
        ("static export via nginx: summary.json", base + "api/v2/summary.json"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", default="8,64", help="comma-separated; one run per value")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--fast-path", action="store_true", help="put the status-page fast path first"
    )
    parser.add_argument(
        "--nginx", action="store_true", help="also serve the static export with nginx"
    )
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")

    with contextlib.ExitStack() as stack:
        data_dir = Path(tempfile.mkdtemp(prefix="ff-statusbench-"))
        if not args.keep:
            stack.callback(shutil.rmtree, data_dir, ignore_errors=True)
        env = {**os.environ, "FIXFIRST_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "bench.statuspage_settings",
               "LOG_LEVEL": "ERROR", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}  # fmt: skip
        env.pop("DATABASE_URL", None)
        if args.fast_path:
            env["BENCH_FAST_PATH"] = "1"
        if args.db == "postgres":
            from fixfirst.devtools.pgserver import TempPostgres

            pg = stack.enter_context(TempPostgres())
            env["DATABASE_URL"] = pg.url
        py = sys.executable
        subprocess.run([py, "-m", "fixfirst.cli", "migrate", "-v0"], env=env, check=True)
        subprocess.run(
            [py, "-m", "fixfirst.cli", "demo"], env=env, check=True, stdout=subprocess.DEVNULL
        )
        port = _free_port()
        web = subprocess.Popen(
            [py, "-m", "gunicorn", "fixfirst.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "--threads", str(args.threads), "--log-level", "warning"],
            env=env,
        )  # fmt: skip
        stack.callback(web.wait, 15)
        stack.callback(web.terminate)
        base = f"http://127.0.0.1:{port}"
        _wait(base + "/bench/hello/")
        connections = [int(c) for c in str(args.connections).split(",")]
        urls = [(label, base + path) for label, path in URLS]
        if args.nginx:
            urls += _nginx(stack, data_dir, env)
        results = []
        for label, url in urls:
            wrk(url, 3, max(connections), args.wrk_threads)  # warm-up: fills every worker's cache
            for c in connections:
                results.append((label, c, wrk(url, args.seconds, c, args.wrk_threads)))
        cpu = os.cpu_count()
        print(f"\n{args.db}, {cpu} CPUs (shared with wrk), gunicorn {args.workers} workers x "
              f"{args.threads} threads, wrk {args.wrk_threads} threads, {args.seconds} s per run, "
              f"fast path {'on' if args.fast_path else 'off'}\n")  # fmt: skip
        print("| URL | connections | req/s | p50 ms | p90 ms | p99 ms | non-2xx |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for label, c, r in results:
            print(
                f"| {label} | {c} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p90']:.1f} | {r['p99']:.1f} | {int(r['errors'])} |"
            )
        print("\nCommands:")
        for _label, _c, r in results:
            print(f"    {r['cmd']}")


if __name__ == "__main__":
    main()
