"""A flaky network in front of the sync API, from a fixed seed (browser tests, bench/outbox_faults.py).

Each upload (PUT /api/v1/blobs/...) and each manifest (POST /api/v1/dossiers, or any sync
write named in PATHS) is, by one draw of a seeded random generator: reset before it reaches
the server, passed through and its answer then lost (the server did the work, the phone
never hears), answered 503, or passed through. Everything else goes untouched.
"""

import random
from collections import Counter

PATHS = ["**/api/v1/blobs/*", "**/api/v1/dossiers"]
OUTCOMES = ("reset_before", "reset_after", "unavailable", "through")


class Faults:
    """Playwright routes that fail a share of sync requests; `counts` says what happened."""

    def __init__(self, seed: int, before: float = 0.15, after: float = 0.15, unavailable: float = 0.10):
        self.rnd = random.Random(seed)
        self.edges = (before, before + after, before + after + unavailable)
        self.counts: Counter = Counter()
        self.requests = 0

    def attach(self, target) -> None:
        """Route `target` (a page or a browser context) through the faults."""
        for path in PATHS:
            target.route(path, self.handle)

    def handle(self, route) -> None:
        if route.request.method not in ("PUT", "POST"):
            route.continue_()
            return
        self.requests += 1
        draw = self.rnd.random()
        outcome = OUTCOMES[sum(draw >= edge for edge in self.edges)]
        self.counts[outcome] += 1
        if outcome == "reset_before":
            route.abort("connectionreset")
        elif outcome == "reset_after":
            route.fetch()  # the server stores the file or files the dossier ...
            route.abort("connectionreset")  # ... and the answer never arrives
        elif outcome == "unavailable":
            route.fulfill(status=503, json={"error": "unavailable", "message": "Hệ thống đang bận."})
        else:
            route.continue_()
