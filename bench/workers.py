"""Worker benchmark: generations in flight = worker processes; e-mails do not wait.

PostgreSQL (throwaway database), an OpenAI-compatible fake on loopback that waits `--sleep`
seconds per image, `task_worker generation --processes N` (N db_worker processes, one job at
a time each) and one `task_worker interactive` process. Queues `--generations` images at once,
then, while they are in flight, an e-mail and a chat-reply-like task (a short interactive job).
Samples the generations in flight and the generation workers' total RSS every second.
Usage: python bench/workers.py [--sleep 60] [--generations 200] [--processes 8]
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

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
import json
from lib.mail import email_send
from tests.core.worker_tasks import nap
mail = email_send.enqueue(subject='Your order', body='Shipped', to=['ada@example.com'])
chat = nap.using(queue_name='interactive').enqueue(0.2)
print(json.dumps([str(mail.id), str(chat.id)]))
"""
LATENCY = """
import json
from django_tasks_db.models import DBTaskResult as R
rows = R.objects.filter(pk__in={ids})
print(json.dumps({{str(r.pk): (r.finished_at - r.enqueued_at).total_seconds() if r.finished_at else None for r in rows}}))
"""
SAMPLE = "from dalle.models import GeneratedImage as G; print(G.objects.filter(status='running').count(), G.objects.filter(status='succeeded').count())"


def rss_mb(pid: int) -> float:
    """RSS of a process and its children (the supervisor and its db_worker processes)."""
    total = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1]) / 1024
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return total + sum(rss_mb(int(child)) for child in children)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sleep", type=float, default=60)
    parser.add_argument("--generations", type=int, default=200)
    parser.add_argument("--processes", type=int, default=8)
    args = parser.parse_args()

    from PIL import Image

    server, calls = slow_openai(args.sleep, png_of(Image.new("RGB", (1024, 1024), "teal")))
    logs = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    with bench_database("aigallery_bench_workers") as database_url:
        env = production_env(
            database_url,
            str(logs / "media"),
            OPENAI_API_KEY="sk-bench",
            OPENAI_BASE_URL=f"http://127.0.0.1:{server.server_address[1]}/v1",
            OPENAI_TIMEOUT=str(args.sleep + 60),
            GENERATION_DAILY_LIMIT_PER_USER="100000",
            GENERATION_DAILY_LIMIT_SITE="100000",
            DATABASE_POOL_MAX="8",
        )
        manage(env, "migrate", "--no-input")
        manage(env, "shell", "-c", QUEUE.format(count=args.generations))
        worker = [PYTHON, "manage.py", "task_worker"]
        with processes(
            (worker + ["generation", "--processes", str(args.processes)], env, logs / "g.log"),
            (worker + ["interactive", "--processes", "1"], env, logs / "i.log"),
        ) as (generation, _):
            begin = time.monotonic()
            samples, interactive_ids = [], None
            while True:
                running, done = map(int, manage(env, "shell", "-c", SAMPLE).split()[-2:])
                samples.append(
                    {
                        "t": round(time.monotonic() - begin),
                        "in_flight": running,
                        "done": done,
                        "rss_mb": round(rss_mb(generation.pid), 1),
                    }
                )
                if interactive_ids is None and running >= args.processes:
                    asked = time.monotonic()
                    interactive_ids = json.loads(
                        manage(env, "shell", "-c", INTERACTIVE).split("\n")[-2]
                    )
                    print(f"e-mail and chat reply enqueued at t={asked - begin:.0f}s", flush=True)
                print(samples[-1], flush=True)
                if done >= args.generations:
                    break
                time.sleep(1)
            elapsed = time.monotonic() - begin
            latency = json.loads(
                manage(env, "shell", "-c", LATENCY.format(ids=interactive_ids)).split("\n")[-2]
            )
    server.shutdown()
    results = {
        "generations": args.generations,
        "provider_sleep_s": args.sleep,
        "worker_processes_for_generation": args.processes,
        "max_in_flight": max(s["in_flight"] for s in samples),
        "provider_calls": len(calls),
        "generation_worker_rss_mb_max": max(s["rss_mb"] for s in samples),
        "elapsed_s": round(elapsed, 1),
        "throughput_per_min": round(args.generations / elapsed * 60, 1),
        "email_latency_s": round(latency[interactive_ids[0]], 2),
        "chat_reply_latency_s": round(latency[interactive_ids[1]], 2),
        "samples": samples,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "workers.json").write_text(json.dumps(results, indent=2))
    print(json.dumps({k: v for k, v in results.items() if k != "samples"}, indent=2))


if __name__ == "__main__":
    main()
