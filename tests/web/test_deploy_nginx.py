"""deploy/nginx/iraqkg.conf in front of a live iraqkg: queries pass, limits hold.

Skips when nginx is not installed (Debian: apt-get install nginx). nginx runs as this user
with its own prefix in a temporary folder, on free loopback ports.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from endpoint_helpers import free_port, live_server, wait_until_up

from iraqkg.web import create_app

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "iraqkg.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")


def _main_config(prefix: Path, site: Path) -> Path:
    main = prefix / "nginx.conf"
    temp = "".join(f"    {kind}_temp_path {prefix / kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))  # fmt: skip
    main.write_text(
        f"daemon off;\npid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'};\n"
        f"events {{ worker_connections 256; }}\n"
        f"http {{\n    access_log off;\n{temp}    include {site};\n}}\n"
    )
    return main


def test_the_nginx_config_serves_iraqkg(settings, oxigraph_engine, tmp_path) -> None:
    app = create_app(settings, oxigraph_engine, {})
    with live_server(app, settings) as url:
        upstream = urllib.parse.urlsplit(url).port
        port = free_port()
        text = CONFIG.read_text().replace("127.0.0.1:8000", f"127.0.0.1:{upstream}")
        text = text.replace("listen 80;", f"listen 127.0.0.1:{port};")
        site = tmp_path / "iraqkg.conf"
        site.write_text(text)
        main = _main_config(tmp_path, site)
        nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(main)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(f"{base}/healthz")
            query = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
            with urllib.request.urlopen(f"{base}/sparql?{query}", timeout=10) as answer:
                assert json.loads(answer.read())["boolean"] is True
            big = urllib.request.Request(f"{base}/sparql", data=b"x" * 2_000_000, headers={
                "Content-Type": "application/sparql-query"})  # fmt: skip
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(big, timeout=10)
            assert refused.value.code == 413
        finally:
            nginx.terminate()
            nginx.wait(10)
            time.sleep(0.1)
