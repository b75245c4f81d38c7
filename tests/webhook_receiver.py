"""A real HTTP receiver on loopback for webhook tests: verifies signatures, records what it got."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    headers: dict
    body: str
    verified_with: list  # which of the receiver's secrets verified it


@dataclass
class Receiver:
    secrets: list = field(default_factory=list)
    answers: list = field(default_factory=list)  # (status, headers) to give, in order; then 200
    got: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def verified(self) -> list[dict]:
        """The payloads whose signature verified with some secret (standardwebhooks)."""
        return [json.loads(r.body) for r in self.got if r.verified_with]

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
                headers = {k.lower(): v for k, v in self.headers.items()}
                ok = []
                for secret in receiver.secrets:
                    try:
                        Webhook(secret).verify(body, headers)
                        ok.append(secret)
                    except WebhookVerificationError:
                        pass
                with receiver.lock:
                    receiver.got.append(Received(headers, body, ok))
                    status, extra = receiver.answers.pop(0) if receiver.answers else (200, {})
                extra = dict(extra)
                reply = extra.pop("_body", "{}").encode()
                self.send_response(status)
                for k, v in extra.items():
                    self.send_header(k, v)
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
