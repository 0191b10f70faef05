"""Worker benchmark: generations in flight in one worker process; e-mails and chat do not wait.

PostgreSQL (throwaway database), an OpenAI-compatible fake on loopback that waits `--sleep`
seconds per image, `task_worker generation` and `task_worker interactive` as production runs
them. Queues `--generations` images at once; once the provider holds `--concurrency` of them
(or every generation process is busy), enqueues an e-mail and a customer chat message (the
offline bot answers it) and measures how long each waits for its reply. Samples, every second:
requests held by the provider (in flight), images running and succeeded, the generation
worker's RSS (with its children) and the database connections open.

    python bench/workers.py --backend celery --sleep 60 --generations 200 --concurrency 100
    python bench/workers.py --backend database --sleep 20 --generations 50 --processes 8
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PYTHON, ROOT, bench_database, manage, processes, production_env  # noqa: E402
from bench.generation import png_of, slow_openai  # noqa: E402

QUEUE = """
from accounts.models import User
from dalle.services import generation_request
user = User.objects.create_user('bench', 'bench@example.com', 'bench pass 12345')
for n in range({count}):
    generation_request(user=user, prompt=f'Benchmark painting {{n}}', size='1024x1024')
"""
INTERACTIVE = """
import json, time
from accounts.models import User
from chatbot.models import Conversation
from chatbot.services import chat_send
from lib.mail import email_send
user = User.objects.create_user('shopper', 'shopper@example.com', 'bench pass 12345')
conversation = Conversation.objects.create(user=user)
asked = time.time()
email_send.enqueue(subject='Your order', body='Shipped', to=['ada@example.com'])
message = chat_send(conversation=conversation, user=user, session_key='', text='How much is a poster?')
print(json.dumps({"asked": asked, "message": message.pk}))
"""
RUN_FOR = {"database": "processes", "celery": "concurrency"}


def rss_mb(pid: int) -> float:
    """RSS of a process and its children (a supervisor and its worker processes)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return 0.0
    total = sum(int(line.split()[1]) / 1024 for line in status.splitlines() if "VmRSS" in line)
    return total + sum(rss_mb(int(child)) for child in children)


def sample(db, database: str) -> dict:
    rows = dict(db.execute("SELECT status, count(*) FROM dalle_generatedimage GROUP BY 1"))
    connections = db.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        [database],
    ).fetchone()[0]
    return {
        "running": rows.get("running", 0),
        "done": rows.get("succeeded", 0) + rows.get("failed", 0),
        "failed": rows.get("failed", 0),
        "db_connections": connections,
    }


def reply_latency(db, outbox: Path, asked: float, message: int) -> dict:
    """Seconds from the enqueue to the e-mail file and to the bot's reply row (None: not yet)."""
    sent = [path.stat().st_mtime for path in outbox.glob("*")] if outbox.exists() else []
    reply = db.execute(
        "SELECT extract(epoch FROM created_at) FROM chatbot_message WHERE in_reply_to_id = %s",
        [message],
    ).fetchone()
    return {
        "email": round(min(sent) - asked, 2) if sent else None,
        "chat_reply": round(float(reply[0]) - asked, 2) if reply else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["celery", "database"], default="celery")
    parser.add_argument("--sleep", type=float, default=60)
    parser.add_argument("--generations", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=100, help="celery: jobs at once")
    parser.add_argument("--processes", type=int, default=8, help="database: worker processes")
    parser.add_argument(
        "--picture",
        choices=["flat", "photo"],
        default="flat",
        help="what the provider sends: a flat colour (5 KB) or photograph-like noise (3 MB)",
    )
    args = parser.parse_args()
    slots = args.concurrency if args.backend == "celery" else args.processes

    from PIL import Image

    if args.picture == "photo":
        picture = Image.frombytes("RGB", (1024, 1024), os.urandom(1024 * 1024 * 3))
    else:
        picture = Image.new("RGB", (1024, 1024), "teal")
    server, calls = slow_openai(args.sleep, png_of(picture))
    logs = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    outbox = logs / "mail"
    database = f"aigallery_bench_workers_{args.backend}"
    with bench_database(database) as database_url:
        env = production_env(
            database_url,
            str(logs / "media"),
            TASKS_BACKEND=args.backend,
            CELERY_BROKER_URL=os.environ.get(
                "CELERY_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//"
            ),
            OPENAI_API_KEY="sk-bench",
            OPENAI_BASE_URL=f"http://127.0.0.1:{server.server_address[1]}/v1",
            OPENAI_TIMEOUT=str(args.sleep + 60),
            CHATBOT_PROVIDER="offline",
            ACCOUNT_EMAIL_VERIFICATION="none",
            GENERATION_DAILY_LIMIT_PER_USER="100000",
            GENERATION_DAILY_LIMIT_SITE="100000",
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(outbox),
            LOG_LEVEL="INFO",
        )
        if args.backend == "celery":  # jobs left at the broker by an earlier run
            queues = ",".join(["generation", "interactive", "fulfilment"])
            purge = [PYTHON, "-m", "celery", "--app", "core.celery", "purge", "-f", "-Q", queues]
            subprocess.run(purge, cwd=ROOT, env=env, check=True, capture_output=True)
        manage(env, "migrate", "--no-input")
        worker = [PYTHON, "manage.py", "task_worker"]
        size = ["--concurrency", str(args.concurrency)]
        if args.backend == "database":
            size = ["--processes", str(args.processes)]
        with (
            psycopg.connect(database_url, autocommit=True) as db,
            processes(
                (worker + ["generation", *size], env, logs / "generation.log"),
                (worker + ["interactive"], env, logs / "interactive.log"),
            ) as (generation, _),
        ):
            manage(env, "shell", "-c", QUEUE.format(count=args.generations))
            begin = time.monotonic()
            samples, asked, latency = [], None, {}
            while True:
                now = sample(db, database)
                now.update(
                    t=round(time.monotonic() - begin),
                    in_flight=server.in_flight,
                    rss_mb=round(rss_mb(generation.pid), 1),
                )
                samples.append(now)
                if asked is None and server.in_flight >= min(slots, args.generations):
                    asked = json.loads(manage(env, "shell", "-c", INTERACTIVE).splitlines()[-1])
                    print(f"e-mail and chat message enqueued at t={now['t']}s", flush=True)
                if asked and None in (latency or {None: None}).values():
                    latency = reply_latency(db, outbox, asked["asked"], asked["message"])
                print(now, flush=True)
                if now["done"] >= args.generations and asked and None not in latency.values():
                    break
                time.sleep(1)
            elapsed = time.monotonic() - begin
    server.shutdown()
    results = {
        "backend": args.backend,
        RUN_FOR[args.backend]: slots,
        "generations": args.generations,
        "provider_sleep_s": args.sleep,
        "picture": args.picture,
        "max_in_flight_at_provider": server.peak,
        "provider_calls": len(calls),
        "succeeded": args.generations - samples[-1]["failed"],
        "generation_worker_rss_mb_max": max(s["rss_mb"] for s in samples),
        "db_connections_max": max(s["db_connections"] for s in samples),
        "elapsed_s": round(elapsed, 1),
        "throughput_per_min": round(args.generations / elapsed * 60, 1),
        "email_latency_s": latency["email"],
        "chat_reply_latency_s": latency["chat_reply"],
        "logs": str(logs),
        "samples": samples,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"workers-{args.backend}.json").write_text(json.dumps(results, indent=2))
    print(json.dumps({k: v for k, v in results.items() if k != "samples"}, indent=2))


if __name__ == "__main__":
    main()
