"""A throw-away Spark standalone cluster for tests (no pytest in here; the fixture is in
conftest.py).

`SparkCluster.start()` runs a master and each worker in its own JVM, from PySpark's own
`bin/spark-class` (the pip package ships no `sbin/` scripts), all bound to 127.0.0.1 on free
ports, each worker with one core and little memory, and waits until the master counts every
worker alive; `stop()` ends those processes (and the executors the workers started) and
removes their folder.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"


class SparkUnavailable(Exception):
    """This machine cannot run a standalone cluster; the message says why."""


def spark_home() -> Path:
    """PySpark's package folder, which holds Spark's jars and bin/spark-class."""
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def check_available() -> None:
    """Raise SparkUnavailable with a reason when a cluster cannot be started here."""
    if not (spark_home() / "bin" / "spark-class").is_file():
        raise SparkUnavailable(f"no bin/spark-class in {spark_home()}")
    if shutil.which("java") is None and "JAVA_HOME" not in os.environ:
        raise SparkUnavailable("no java on PATH and no JAVA_HOME (apt-get install "
                               "openjdk-17-jre-headless)")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class SparkCluster:
    """A master and `workers` workers (`cores` cores and `memory` each), on 127.0.0.1."""

    def __init__(self, workers: int = 2, cores: int = 1, memory: str = "1g") -> None:
        self.workers, self.cores, self.memory = workers, cores, memory
        self.dir = Path(tempfile.mkdtemp(prefix="schemeops-sparkcluster-"))
        self.port, self.ui_port = _free_port(), _free_port()
        self._procs: list[subprocess.Popen] = []

    @property
    def url(self) -> str:
        """The master URL a driver connects to."""
        return f"spark://{HOST}:{self.port}"

    def start(self, timeout: float = 180) -> SparkCluster:
        """Start the master and the workers; wait until all are registered."""
        try:
            self._run("master", "org.apache.spark.deploy.master.Master", "--host", HOST,
                      "--port", str(self.port), "--webui-port", str(self.ui_port))
            for i in range(self.workers):
                work = self.dir / f"worker{i}"
                work.mkdir()
                self._run(f"worker{i}", "org.apache.spark.deploy.worker.Worker", self.url,
                          "--host", HOST, "--cores", str(self.cores), "--memory", self.memory,
                          "--webui-port", str(_free_port()), "--work-dir", str(work))
            self._wait_alive(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def alive_workers(self) -> int:
        """How many workers the master counts alive (0 while its web UI is not up)."""
        try:
            with urllib.request.urlopen(f"http://{HOST}:{self.ui_port}/json/", timeout=5) as r:
                return int(json.load(r).get("aliveworkers", 0))
        except OSError:
            return 0

    def stop(self) -> None:
        """End every process started here (their process groups: a worker's executors
        too), then remove the folder."""
        for p in self._procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for p in self._procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        self._procs.clear()
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self, name: str) -> str:
        """The output of the process `name` (master, worker0, …) so far."""
        path = self.dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _run(self, name: str, main_class: str, *args: str) -> None:
        env = {**os.environ, "SPARK_HOME": str(spark_home()), "SPARK_LOCAL_IP": HOST,
               "SPARK_LOG_DIR": str(self.dir), "SPARK_WORKER_DIR": str(self.dir)}
        with (self.dir / f"{name}.log").open("wb") as log:
            # a session of its own: stop() ends the JVM and whatever it started
            self._procs.append(subprocess.Popen(
                [str(spark_home() / "bin" / "spark-class"), main_class, *args], env=env,
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True))

    def _wait_alive(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.alive_workers() < self.workers:
            dead = [p.args[1] for p in self._procs if p.poll() is not None]
            if dead:
                raise SparkUnavailable(f"{dead} exited: {self.log('master')[-2000:]}")
            if time.monotonic() > deadline:
                raise SparkUnavailable(f"{self.workers} workers not alive after {timeout} s: "
                                       f"{self.log('master')[-2000:]}")
            time.sleep(0.5)
