"""Load on the webhook receiver: deliveries at a steady rate, a tenth of them redelivered.

The loopback GitHub test server runs in a spawned child process; `roadmap webhook serve`
runs as its own process (the installed command, as a user runs it), with its store a
SQLite file. This process makes each comment on the server (`/claim` by one person, then
`/claim` by another, then `/unclaim` by the first, round robin over the issues), sends
its `issue_comment` delivery signed with the secret, and every tenth delivery sends an
earlier one again under the same delivery id, as GitHub's redelivery does.

It reports the receiver's answer times (GitHub allows 10 seconds), how long the answers
took to be written after the last delivery, whether every comment was answered exactly
once, and the receiver's resident memory (VmRSS) over the run.

    .venv/bin/python benchmarks/webhook_bench.py                       # 2,000 at 100 a second
    .venv/bin/python benchmarks/webhook_bench.py --deliveries 300 --rate 50
    .venv/bin/python benchmarks/webhook_bench.py --check               # exit 1 on a miss
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.server_process import ServerProcess  # noqa: E402

REPO = "acme/widgets"
BOT, BOT_TOKEN = "roadmap-bot", "tok-bot"
SECRET = b"benchmark secret"
ANSWER = re.compile(r"<!-- roadmap-respond: answer to (\d+): ([a-z ]+) -->")


# -- the GitHub test server, in its own process -------------------------------------------------


def serve(conn: Connection, issues: int) -> None:
    """The server with `issues` roadmap issues; answers commands until `stop`."""
    from datetime import UTC, datetime

    from tests.github_server import GitHubServer
    from tests.webhooks import comment_payload

    with GitHubServer(limit=10**9, search_limit=10**6) as server:
        server.clock.set(datetime.now(UTC))
        people = [f"dev{n}" for n in range(40)]
        server.add_user(BOT, token=BOT_TOKEN, bot=True)
        server.add_repo(REPO, collaborators={*people, BOT})
        for n in range(issues):
            server.create_issue(REPO, f"Roadmap issue {n}", labels=["roadmap"])
        conn.send(server.url)
        while True:
            command, argument = conn.recv()
            if command == "stop":
                return
            if command == "comment":
                number, login, body = argument
                server.clock.advance(1)
                comment_id = server.comment(REPO, number, login, body)
                conn.send(json.dumps(comment_payload(server, REPO, comment_id)).encode())
            elif command == "audit":
                conn.send(_audit(server))


def _audit(server: Any) -> dict[str, Any]:
    """Per person's comment: how many answers name it; and the answers' kinds."""
    answers: dict[int, int] = {}
    kinds: dict[str, int] = {}
    asked: list[int] = []
    with server.lock:
        for issue in server.repo(REPO).issues.values():
            for comment in issue.comments:
                if comment.user.login == BOT:
                    for match in ANSWER.finditer(comment.body):
                        answers[int(match[1])] = answers.get(int(match[1]), 0) + 1
                        kinds[match[2]] = kinds.get(match[2], 0) + 1
                else:
                    asked.append(comment.id)
    return {"comments": len(asked),
            "once": sum(answers.get(c, 0) == 1 for c in asked),
            "twice_or_more": sum(answers.get(c, 0) > 1 for c in asked),
            "missing": sum(answers.get(c, 0) == 0 for c in asked), "kinds": kinds}


# -- the receiver, as a user runs it --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_receiver(folder: Path, api_url: str, port: int) -> subprocess.Popen[bytes]:
    (folder / "roadmap.toml").write_text(f'repos = ["{REPO}"]\n', encoding="utf-8")
    (folder / "ROADMAP.md").write_text("# Plan\n\n## Faster startup\n\nTracked in #1.\n",
                                       encoding="utf-8")
    env = {**os.environ, "GITHUB_TOKEN": BOT_TOKEN, "GITHUB_API_URL": api_url,
           "ROADMAP_WEBHOOK_SECRET": SECRET.decode()}
    env.pop("ROADMAP_DATABASE_URL", None)
    command = [str(Path(sys.executable).parent / "roadmap"), "webhook", "serve",
               "--port", str(port), "--write-interval", "0"]
    process = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.DEVNULL,
                               stderr=open(folder / "receiver.log", "wb"))  # noqa: SIM115
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.05)
    process.kill()
    raise SystemExit("the receiver did not start: see receiver.log")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def post(port: int, body: bytes, delivery: str) -> tuple[int, float]:
    import hashlib
    import hmac

    signature = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/", body, {
            "Content-Type": "application/json", "X-GitHub-Event": "issue_comment",
            "X-GitHub-Delivery": delivery, "X-Hub-Signature-256": signature})
        status = connection.getresponse().status
    finally:
        connection.close()
    return status, time.perf_counter() - start


# -- the run --------------------------------------------------------------------------------------


#: The answer each comment of the plan should get, by its body.
EXPECTED = {"/claim": "claimed", "I'd like to work on this": "refused", "/unclaim": "released"}


def comment_plan(count: int, issues: int) -> list[tuple[int, str, str]]:
    """Round robin over the issues: a claim, another person's claim, the first's release."""
    plan = []
    for k in range(count):
        round_, number = divmod(k, issues)
        first, second = f"dev{number % 40}", f"dev{(number + 1) % 40}"
        body = ["/claim", "I'd like to work on this", "/unclaim"][round_ % 3]
        plan.append((number + 1, second if round_ % 3 == 1 else first, body))
    return plan


def run(deliveries: int, rate: float, issues: int) -> dict[str, Any]:
    server = ServerProcess(serve, issues)
    folder = Path(tempfile.mkdtemp(prefix="webhook-bench-"))
    port = free_port()
    receiver = start_receiver(folder, server.url, port)
    try:
        return _load(server, receiver, port, deliveries, rate, issues)
    finally:
        receiver.terminate()
        receiver.wait(30)
        server.stop()


def _load(server: ServerProcess, receiver: subprocess.Popen[bytes], port: int, deliveries: int,
          rate: float, issues: int) -> dict[str, Any]:
    chooser = random.Random(14)
    redeliveries = deliveries // 10
    plan = comment_plan(deliveries - redeliveries, issues)
    sent: list[tuple[str, bytes]] = []
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    rss = [(0.0, rss_kib(receiver.pid))]
    start = time.monotonic()
    for k in range(deliveries):
        time.sleep(max(0.0, start + k / rate - time.monotonic()))
        if k % 10 == 9 and sent:
            delivery, body = chooser.choice(sent)  # GitHub's redelivery: the same id
        else:
            body = server.ask("comment", plan[len(sent)])
            delivery = f"delivery-{k}"
            sent.append((delivery, body))
        status, took = post(port, body, delivery)
        latencies.append(took)
        statuses[status] = statuses.get(status, 0) + 1
        if k % 100 == 99:
            rss.append((time.monotonic() - start, rss_kib(receiver.pid)))
    sending = time.monotonic() - start
    audit = server.ask("audit")
    while audit["once"] + audit["twice_or_more"] < audit["comments"]:
        if time.monotonic() - start > sending + 600:
            break
        time.sleep(0.5)
        rss.append((time.monotonic() - start, rss_kib(receiver.pid)))
        audit = server.ask("audit")
    drained = time.monotonic() - start
    time.sleep(2)  # anything written twice would land now
    audit = server.ask("audit")
    rss.append((time.monotonic() - start, rss_kib(receiver.pid)))
    return {"deliveries": deliveries, "redeliveries": redeliveries, "rate": rate,
            "sending_s": sending, "drained_s": drained, "statuses": statuses,
            "latency_ms": sorted(t * 1000 for t in latencies), "audit": audit, "rss": rss,
            "expected": _expected(plan)}


def _expected(plan: list[tuple[int, str, str]]) -> dict[str, int]:
    """The answers' kinds the plan should get, however far the answers lag behind."""
    kinds: dict[str, int] = {}
    for _, _, body in plan:
        kinds[EXPECTED[body]] = kinds.get(EXPECTED[body], 0) + 1
    return kinds


def report(result: dict[str, Any]) -> bool:
    latency = result["latency_ms"]
    audit, rss = result["audit"], result["rss"]
    p = [latency[min(len(latency) - 1, int(len(latency) * q))] for q in (0.5, 0.99)]
    half = len(rss) // 2
    early, late = max(v for _, v in rss[1:half + 1]), max(v for _, v in rss[half:])
    print(f"{result['deliveries']} deliveries ({result['redeliveries']} redelivered) at "
          f"{result['rate']:g}/s: sent in {result['sending_s']:.1f} s")
    print(f"  answers: {result['statuses']}; time to answer p50 {p[0]:.1f} ms, p99 "
          f"{p[1]:.1f} ms, max {latency[-1]:.1f} ms (GitHub allows 10,000 ms)")
    print(f"  comments {audit['comments']}: answered once {audit['once']}, twice or more "
          f"{audit['twice_or_more']}, not at all {audit['missing']}; kinds {audit['kinds']}")
    print(f"  all answered {result['drained_s'] - result['sending_s']:.1f} s after the last "
          f"delivery ({audit['comments'] / result['drained_s']:.1f} answers/s overall)")
    print(f"  receiver RSS: start {rss[0][1] / 1024:.1f} MiB, first half max "
          f"{early / 1024:.1f} MiB, second half max {late / 1024:.1f} MiB, end "
          f"{rss[-1][1] / 1024:.1f} MiB")
    right = audit["kinds"] == result["expected"]
    print(f"  kinds as the plan expects ({result['expected']}): {'yes' if right else 'NO'}")
    ok = (right and audit["once"] == audit["comments"] and not audit["twice_or_more"]
          and result["statuses"].get(202, 0) == result["deliveries"] - result["redeliveries"]
          and late <= early * 1.15 and latency[-1] < 10_000)
    print("  verdict:", "ok" if ok else "MISSED (exactly once, the expected answers, no loss, "
                                        "flat memory, < 10 s)")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=100.0, help="deliveries a second")
    parser.add_argument("--issues", type=int, default=600)
    parser.add_argument("--check", action="store_true", help="exit 1 on a missed target")
    options = parser.parse_args()
    ok = report(run(options.deliveries, options.rate, options.issues))
    if options.check and not ok:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
