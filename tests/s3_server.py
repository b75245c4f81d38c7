"""moto's standalone S3 server on loopback: the real S3 wire protocol, never an in-process mock."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MotoServer:
    """Start `moto_server` on a free port; stop it when done."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self) -> "MotoServer":
        binary = shutil.which("moto_server") or _beside_python()
        self.process = subprocess.Popen([binary, "-H", "127.0.0.1", "-p", str(self.port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1)
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("moto_server exited at start") from None
                time.sleep(0.1)
        raise RuntimeError("moto_server did not answer within 30 s")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(10)


def client(endpoint: str):
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def _beside_python() -> str:
    return os.path.join(os.path.dirname(sys.executable), "moto_server")


def moto_available() -> bool:
    return bool(shutil.which("moto_server") or os.path.exists(_beside_python()))
