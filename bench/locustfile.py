"""Locust users for bench/load.py (run by it, not by hand): one page per scenario, as a logged-in user.

The sessions are made beforehand by bench/load.py and handed over in the file LOAD_USERS names; each
simulated user takes one and asks for its SCENARIO page again and again, with no think time, so the
figures are the server's throughput and latency for that page.
"""

import itertools
import json
import os

from locust import FastHttpUser, between, constant, task

SCENARIO = os.environ["SCENARIO"]
USERS = json.loads(open(os.environ["LOAD_USERS"]).read())  # noqa: SIM115 -- read once at start
# Managers for the manager pages, HR for HR's pages; the bare view needs no one.
_POOL = itertools.cycle(USERS["hr"] if SCENARIO.startswith("hr_") else USERS["managers"])


# Seconds a user waits between pages: 0 (the default) measures throughput; 1 is closer to people reading.
THINK = float(os.environ.get("THINK", "0"))


class PageUser(FastHttpUser):
    wait_time = between(THINK / 2, THINK * 1.5) if THINK else constant(0)

    def on_start(self):
        self.me = next(_POOL)
        # The production settings believe the proxy's X-Forwarded-Proto (as behind a TLS load balancer), and
        # the session cookie is Secure, so it is sent as a header here over plain HTTP.
        self.headers = {"X-Forwarded-Proto": "https", "Cookie": f"sessionid={self.me['session']}"}
        if SCENARIO == "bare":
            # The floor: no session to read, so no database at all (with a cookie the session expiry check
            # would read it).
            del self.headers["Cookie"]

    @task
    def page(self):
        path = "/healthz" if SCENARIO.startswith("bare") else self.me[SCENARIO]
        # No redirects followed: a page that sends the user to log in is a failure, not a fast page.
        with self.client.get(
            path, headers=self.headers, name=SCENARIO, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")
