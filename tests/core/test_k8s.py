from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from tests.conftest import ROOT

MANIFESTS = sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))
# The schemas ship inside the kubernetes-validate package: no cluster, no network.
KUBERNETES_VERSION = "1.37.0"


def documents() -> list[tuple[str, dict]]:
    return [
        (f"{path.name}: {doc['kind']}/{doc['metadata']['name']}", doc)
        for path in MANIFESTS
        for doc in yaml.safe_load_all(path.read_text())
        if doc
    ]


@pytest.mark.parametrize(
    ("name", "resource"), documents(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_manifest_is_a_valid_kubernetes_resource(name: str, resource: dict):
    """Each resource under deploy/k8s matches the Kubernetes schema, unknown fields refused."""
    kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


def test_the_cluster_runs_web_migrations_and_one_worker_per_queue(settings):
    """Web, a migration Job and one worker Deployment per task queue, probes on /healthz."""
    by_kind: dict[str, dict[str, dict]] = {}
    for _, doc in documents():
        by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc
    workers = {
        doc["spec"]["template"]["spec"]["containers"][0]["command"][-1]
        for name, doc in by_kind["Deployment"].items()
        if name.startswith("aigallery-worker-")
    }
    assert workers == set(settings.TASK_QUEUES)
    web = by_kind["Deployment"]["aigallery-web"]["spec"]["template"]["spec"]["containers"][0]
    assert web["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert "aigallery-migrate" in by_kind["Job"]
    scaled = {
        hpa["spec"]["scaleTargetRef"]["name"] for hpa in by_kind["HorizontalPodAutoscaler"].values()
    }
    assert scaled == {"aigallery-web", "aigallery-worker-generation"}
    assert {"Service", "Ingress", "ConfigMap", "Secret"} <= set(by_kind)


def test_manifests_exist():
    """The folder holds the manifests the README points to."""
    assert {Path(p).name for p in MANIFESTS} >= {"config.yaml", "web.yaml", "workers.yaml"}
