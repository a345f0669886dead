"""Serve the embedded tier: gunicorn, one task worker and the scheduler, until Ctrl-C.

`make run` ends here. All three are children of this one; stopping it stops them all,
and if one of them dies the others are stopped too (so nothing runs half-alive).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server, a task worker and the scheduler for the embedded tier."

    def handle(self, *args: Any, **options: Any) -> None:
        host = os.environ.get("HOST", "127.0.0.1")
        port = os.environ.get("PORT", "8000")
        bin_dir = Path(sys.executable).parent
        base = Path(settings.BASE_DIR)
        children = [
            subprocess.Popen(  # noqa: S603 — fixed argv, no shell
                [
                    str(bin_dir / "gunicorn"),
                    "-c",
                    str(base / "config/gunicorn.conf.py"),
                    "config.wsgi:application",
                ],
                cwd=base,
            ),
            subprocess.Popen(  # noqa: S603
                [sys.executable, str(base / "manage.py"), "run_worker"], cwd=base
            ),
            # Periodic jobs (the nightly audit-log check, clean-ups): enqueued here,
            # run by the worker above.
            subprocess.Popen(  # noqa: S603
                [sys.executable, str(base / "manage.py"), "run_scheduler"], cwd=base
            ),
        ]
        self._announce(host, port)
        stop = False

        def _stop(signum: int, frame: object) -> None:
            nonlocal stop
            stop = True

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        try:
            while not stop and all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
        failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM, None)]
        if failed and not stop:
            sys.exit(1)

    def _announce(self, host: str, port: str) -> None:
        url = f"http://{host}:{port}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"PlainSight is running at {url}"))
        self.stdout.write(f"  Public site:  {url}en/  (Spanish: {url}es/)")
        self.stdout.write(f"  Staff app:    {url}staff/")
        credentials = Path(settings.VAR_DIR) / "demo-credentials.txt"
        if credentials.exists():
            self.stdout.write(f"  How to log in (demo people): {credentials}")
            self.stdout.write(credentials.read_text())
        self.stdout.write("  Press Ctrl-C to stop.")
