"""A release as a new team meets it, with no network: ``python -m build`` makes an sdist
and a wheel; the wheel alone is the light runtime (only cryptography), which a fixed app
runs on; the sdist with the scan extra is the tool, whose ``init`` writes a hook that a
real ``pre-commit run`` executes; ``docs/ci/gate.sh`` installs the wheel itself.

Offline: every pip call sees only this machine's own package index (the ``file://``
indexes of its pip configuration) and the wheelhouse ``.ci/setup.d/50-wheelhouse.sh``
fills for what that index lacks (libcst and detect-secrets here), with every proxy
pointing at a closed port, so a download attempt fails instead of passing unnoticed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
import sys
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hooks.conftest import commit_all, git, init_repo
from tests.security.fs_support import fake_github_token
from tokenward import __version__

ROOT = Path(__file__).resolve().parents[1]
WHEELHOUSE = Path(os.environ.get("TOKENWARD_WHEELHOUSE")
                  or Path.home() / ".cache" / "tokenward-tests" / "wheelhouse")
CLOSED_PORT = "http://127.0.0.1:9"
# What a fresh environment holds before anything is installed into it.
BOOTSTRAP = {"pip", "setuptools"}
SCANNER = ("libcst", "detect_secrets", "typer", "jinja2", "click", "yaml")


def _local_sources() -> tuple[list[str], list[str]]:
    """The local indexes (file:// URLs) and find-links folders of pip's configuration."""
    out = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True,
                         text=True, check=False).stdout
    indexes: list[str] = []
    links: list[str] = []
    for line in out.splitlines():
        key, _, raw = line.partition("=")
        for value in shlex.split(raw):
            local = value.startswith("file://") or Path(value).is_dir()
            if key.endswith("index-url") and value.startswith("file://"):
                indexes.append(value)
            elif key.endswith("find-links") and local:
                links.append(value)
    return list(dict.fromkeys(indexes)), list(dict.fromkeys(links))


def offline_env(**extra: str) -> dict[str, str]:
    indexes, links = _local_sources()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PIP_") and k.lower() != "no_proxy"}
    env.update({name: CLOSED_PORT for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                                               "http_proxy", "https_proxy", "all_proxy")})
    env.update(PIP_RETRIES="0", PIP_TIMEOUT="5", PIP_DISABLE_PIP_VERSION_CHECK="1",
               PIP_FIND_LINKS=" ".join([str(WHEELHOUSE), *links]))
    if indexes:
        env.update(PIP_INDEX_URL=indexes[0], PIP_EXTRA_INDEX_URL=" ".join(indexes[1:]))
    else:
        env["PIP_NO_INDEX"] = "1"
    env.update(extra)
    return env


def run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
        check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env or offline_env(),
                          capture_output=True, text=True, check=False, timeout=900)
    if check and done.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} exited {done.returncode}:\n"
                    f"{done.stdout}\n{done.stderr}")
    return done


@dataclass(frozen=True)
class Release:
    sdist: Path
    wheel: Path


@dataclass(frozen=True)
class Environment:
    """A fresh virtual environment."""

    folder: Path

    @property
    def bin(self) -> Path:
        return self.folder / "bin"

    @property
    def python(self) -> Path:
        return self.bin / "python"

    @classmethod
    def create(cls, folder: Path, *requirements: str) -> Environment:
        venv.EnvBuilder(with_pip=True).create(folder)
        made = cls(folder)
        run(made.python, "-m", "pip", "install", "--quiet", *requirements)
        return made

    def env(self, **extra: str) -> dict[str, str]:
        return offline_env(PATH=f"{self.bin}{os.pathsep}{os.environ['PATH']}", NO_COLOR="1",
                           **extra)


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    """sdist and wheel built by ``python -m build`` from a copy of the source tree (tracked
    and untracked files, not ignored ones: what a clone plus the work in progress holds)."""
    if not WHEELHOUSE.is_dir():
        message = f"no wheelhouse at {WHEELHOUSE}: run .ci/setup.d/50-wheelhouse.sh"
        if os.environ.get("TOKENWARD_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    base = tmp_path_factory.mktemp("release")
    source = base / "source"
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_bytes((ROOT / name).read_bytes())
    run(sys.executable, "-m", "build", "--outdir", base / "dist", source)
    built = {p.suffix: p for p in (base / "dist").iterdir()}
    return Release(sdist=built[".gz"], wheel=built[".whl"])


@pytest.fixture(scope="module")
def runtime(release: Release, tmp_path_factory: pytest.TempPathFactory) -> Environment:
    """The wheel alone, as an application installs it."""
    return Environment.create(tmp_path_factory.mktemp("runtime") / "venv", str(release.wheel))


@pytest.fixture(scope="module")
def tool(release: Release, tmp_path_factory: pytest.TempPathFactory) -> Environment:
    """The sdist with the scan extra, as a team installs the tool from a built release."""
    return Environment.create(tmp_path_factory.mktemp("tool") / "venv",
                              f"{release.sdist}[scan]")


def test_the_store_imports_nothing_of_the_scanner_here_either(tmp_path: Path) -> None:
    """The same check in this (full) environment, where the scanner could be imported."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"),
           "TOKENWARD_VAULT": str(tmp_path / "store" / "vault.json"),
           "TOKENWARD_KEY_FILE": str(tmp_path / "keys" / "vault.key")}
    found = json.loads(run(sys.executable, "-c", STORE_USER, *SCANNER, cwd=tmp_path,
                           env=env).stdout)
    assert found["value"] == "value-1" and found["scanner"] == []
    # The package's facade imports the model (and the model its dataclass decorator).
    assert {m for m in found["tokenward"] if not m.startswith("tokenward.store")} == {
        "tokenward", "tokenward.model", "tokenward.records", "tokenward.safefs"}


def test_the_scanner_modules_are_the_scan_extra() -> None:
    """tokenward/__main__.py names the modules the scan extra brings: the same list."""
    import tomllib
    from importlib.metadata import packages_distributions

    from packaging.requirements import Requirement

    from tokenward.__main__ import SCANNER_MODULES

    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]["scan"]
    providers = packages_distributions()
    named = {providers[module][0].lower().replace("_", "-") for module in SCANNER_MODULES}
    assert named == {Requirement(r).name.lower() for r in extra}


def test_the_version_comes_from_init(release: Release, tool: Environment) -> None:
    assert release.wheel.name == f"tokenward-{__version__}-py3-none-any.whl"
    assert release.sdist.name == f"tokenward-{__version__}.tar.gz"
    with zipfile.ZipFile(release.wheel) as wheel:
        metadata = wheel.read(f"tokenward-{__version__}.dist-info/METADATA").decode()
    assert f"\nVersion: {__version__}\n" in metadata
    version = run(tool.bin / "tokenward", "--version", env=tool.env())
    assert version.stdout == f"tokenward {__version__}\n"


CLOSURE = """
import hashlib
import json
from importlib import metadata
from pip._vendor.packaging.requirements import Requirement

def closure(name, seen):
    key = name.lower().replace("_", "-")
    if key in seen:
        return seen
    seen.add(key)
    for raw in metadata.requires(name) or []:
        requirement = Requirement(raw)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            closure(requirement.name, seen)
    return seen

installed = {d.metadata["Name"].lower().replace("_", "-") for d in metadata.distributions()}
print(json.dumps({"installed": sorted(installed),
                  "cryptography": sorted(closure("cryptography", set()))}))
"""


def test_the_runtime_brings_only_cryptography(runtime: Environment) -> None:
    found = json.loads(run(runtime.python, "-c", CLOSURE).stdout)
    assert "cryptography" in found["cryptography"]
    assert set(found["installed"]) - BOOTSTRAP == {"tokenward", *found["cryptography"]}


def test_on_windows_the_runtime_needs_only_cryptography(release: Release) -> None:
    from packaging.requirements import Requirement

    windows = {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
               "extra": ""}
    with zipfile.ZipFile(release.wheel) as wheel:
        metadata = wheel.read(f"tokenward-{__version__}.dist-info/METADATA").decode()
    requirements = [Requirement(line.split(":", 1)[1]) for line in metadata.splitlines()
                    if line.startswith("Requires-Dist:")]
    needed = {r.name for r in requirements if r.marker is None or r.marker.evaluate(windows)}
    assert needed == {"cryptography"}


STORE_USER = """
import json, sys
from tokenward import store
store.set_secret("PAYMENT_API_KEY", "value-1")
print(json.dumps({"value": store.get("PAYMENT_API_KEY"),
                  "tokenward": sorted(m for m in sys.modules if m.startswith("tokenward")),
                  "scanner": sorted(m for m in sys.modules if m.split(".")[0] in sys.argv)}))
"""


def test_the_runtime_stores_and_reads_without_the_scanner(runtime: Environment,
                                                          tmp_path: Path) -> None:
    env = runtime.env(TOKENWARD_VAULT=str(tmp_path / "store" / "vault.json"),
                      TOKENWARD_KEY_FILE=str(tmp_path / "keys" / "vault.key"))
    found = json.loads(run(runtime.python, "-c", STORE_USER, *SCANNER, cwd=tmp_path,
                           env=env).stdout)
    assert found["value"] == "value-1"
    assert found["scanner"] == []
    # The package's facade imports the model (and the model its dataclass decorator).
    assert {m for m in found["tokenward"] if not m.startswith("tokenward.store")} == {
        "tokenward", "tokenward.model", "tokenward.records", "tokenward.safefs"}


def test_the_command_line_without_the_scan_extra_says_what_to_install(
        runtime: Environment, tmp_path: Path) -> None:
    for command in ("tokenward", "tokenward-hook"):
        done = run(runtime.bin / command, "scan", ".", cwd=tmp_path, env=runtime.env(),
                   check=False)
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr == (
            "tokenward: error: the command line needs the scanner, which is not installed in "
            "this environment (missing: libcst, detect_secrets, typer, jinja2, yaml, "
            "ahocorasick); only the runtime that fixed code imports (tokenward.store) is. "
            "Install the scan extra: "
            "pip install 'tokenward[scan]'\n")


def test_a_fixed_app_runs_on_the_runtime_alone(runtime: Environment, tmp_path: Path) -> None:
    """``fix --to store`` with the tool (this test environment), then the fixed app with
    the runtime alone: the value comes back from the encrypted vault."""
    token = fake_github_token()
    app = tmp_path / "app"
    app.mkdir()
    (app / "app.py").write_text(
        "import hashlib\n\n"
        f'GITHUB_TOKEN = "{token}"\n\n'
        "print(hashlib.sha256(GITHUB_TOKEN.encode()).hexdigest())\n")
    vault = {"TOKENWARD_VAULT": str(tmp_path / "store" / "vault.json"),
             "TOKENWARD_KEY_FILE": str(tmp_path / "keys" / "vault.key")}
    fixed = run(sys.executable, "-m", "tokenward", "fix", "--to", "store", "--write", "app.py",
                cwd=app, env={**os.environ, **vault, "NO_COLOR": "1"}, check=False)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert (app / "app.py").read_text() == (
        "import hashlib\n\n"
        "import tokenward.store\n\n"
        'GITHUB_TOKEN = tokenward.store.get("GITHUB_TOKEN")\n\n'
        "print(hashlib.sha256(GITHUB_TOKEN.encode()).hexdigest())\n")
    assert ("The fixed code imports tokenward.store: the app needs the tokenward "
            "distribution without extras") in fixed.stdout
    ran = run(runtime.python, "app.py", cwd=app, env=runtime.env(**vault))
    assert ran.stdout == hashlib.sha256(token.encode()).hexdigest() + "\n"


def test_the_tool_from_the_sdist_blocks_a_token(tool: Environment, tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(f'GITHUB_TOKEN = "{fake_github_token()}"\n')
    done = run(tool.bin / "tokenward", "scan", "settings.py", "--no-cache", cwd=tmp_path,
               env=tool.env(), check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("settings.py:1:16: TW")


def test_init_then_pre_commit_blocks_a_token_offline(tool: Environment, tmp_path: Path) -> None:
    """The test a new team writes first: ``init`` in a fresh repository, then a real
    ``pre-commit run --all-files`` with no network."""
    repo = init_repo(tmp_path / "repo")
    env = tool.env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit"), PRE_COMMIT_COLOR="never")
    init = run(tool.bin / "tokenward", "init", cwd=repo, env=env)
    assert init.stdout.splitlines()[0] == (
        "tokenward: .pre-commit-config.yaml: created with the tokenward hook (repo: local, "
        "running tokenward-hook: installed from a path or a built wheel, not a published "
        "release)")
    for name in ("billing.py", "mailer.py"):
        (repo / name).write_text(f'API_TOKEN = "{fake_github_token()}"\n')
    git(repo, "add", "-A")
    pre_commit = (sys.executable, "-m", "pre_commit", "run", "--all-files")
    blocked = run(*pre_commit, cwd=repo, env=env, check=False)
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "tokenward (API-token mistakes)" in blocked.stdout and "Failed" in blocked.stdout
    assert "billing.py:1:13: TW" in blocked.stdout and "mailer.py:1:13: TW" in blocked.stdout
    # require_serial: one process, one report for both files.
    summaries = [line for line in blocked.stdout.splitlines() if line.startswith("tokenward: ")]
    assert len(summaries) == 1 and summaries[0].startswith("tokenward: 2 findings in "), \
        blocked.stdout
    for name in ("billing.py", "mailer.py"):
        (repo / name).write_text("import os\n\nAPI_TOKEN = os.environ['API_TOKEN']\n")
    git(repo, "add", "-A")
    passed = run(*pre_commit, cwd=repo, env=env, check=False)
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_gate_sh_installs_tokenward_from_the_wheel(release: Release, tmp_path: Path) -> None:
    """docs/ci/gate.sh on a runner without tokenward: it installs TOKENWARD (the wheel
    with the scan extra) into its own environment, then gates the branch."""
    repo = init_repo(tmp_path / "repo")
    (repo / "README.md").write_text("a project\n")
    commit_all(repo, "base")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "settings.py").write_text(f'GITHUB_TOKEN = "{fake_github_token()}"\n')
    commit_all(repo, "a token")
    bin_dir = tmp_path / "bin"  # python3 and git, and no tokenward
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    path = os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"])
    assert subprocess.run(["sh", "-c", "command -v tokenward"], env={"PATH": path},
                          capture_output=True, check=False).returncode != 0
    env = offline_env(PATH=path, BASE="main", NO_COLOR="1", TOKENWARD_VENV=str(tmp_path / "ci"),
                      TOKENWARD=f"{release.wheel}[scan]")
    done = run("sh", ROOT / "docs/ci/gate.sh", cwd=repo, env=env, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "settings.py:1:16: TW" in done.stdout
    assert (tmp_path / "ci" / "bin" / "tokenward").exists()
    missing = run("sh", ROOT / "docs/ci/gate.sh", cwd=repo, check=False,
                  env={**env, "TOKENWARD": "", "TOKENWARD_VENV": str(tmp_path / "none")})
    assert missing.returncode == 2
    assert missing.stderr == ("gate.sh: tokenward is not installed: set TOKENWARD to a wheel "
                              "or a pip requirement (see the top of this script)\n")
