"""Re-download the vendored plotly.js partial bundles from npm at one pinned version.

    .venv/bin/python ui/chart/refresh.py            # the version pinned in vendor/VERSION
    .venv/bin/python ui/chart/refresh.py 3.7.0      # pin another version

Fetches `plotly.js-cartesian-dist-min` (scatter, heatmap, contour, bar, image, ...) and
`plotly.js-gl3d-dist-min` (surface, scatter3d, ...) with `npm pack` in a temporary folder (no
node_modules in the repository), checks that both tarballs hold the asked version, and writes
into `ui/chart/frontend/vendor/`: the two minified bundles, the MIT licence, `VERSION` (and
`version.js`, the same for the browser) and a README naming the packages, versions and the
registry's integrity hashes.

The chart converts clicks on empty plot area with the axes' internal `p2d`; after changing the
version, run `tests/browser/test_chart.py`, which checks that conversion.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "frontend" / "vendor"
PACKAGES = {
    # npm package -> the bundle file inside it; the file keeps its name in vendor/.
    "plotly.js-cartesian-dist-min": "plotly-cartesian.min.js",
    "plotly.js-gl3d-dist-min": "plotly-gl3d.min.js",
}


def pinned_version() -> str:
    return (VENDOR / "VERSION").read_text().strip()


def _pack(package: str, version: str, folder: Path) -> dict:
    """`npm pack package@version` into `folder`; npm checks the registry's integrity hash."""
    output = subprocess.run(
        ["npm", "pack", f"{package}@{version}", "--json", "--pack-destination", str(folder)],
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output)[0]


def refresh(version: str) -> None:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        packed = {}
        for package, bundle in PACKAGES.items():
            info = _pack(package, version, folder)
            if info["version"] != version:
                raise SystemExit(f"{package}: npm gave {info['version']}, not {version}")
            with tarfile.open(folder / info["filename"]) as tar:
                tar.extractall(folder / package, filter="data")
            source = folder / package / "package" / bundle
            header = source.read_bytes()[:200].decode("utf-8", "replace")
            if f"v{version}" not in header:
                raise SystemExit(f"{bundle} does not say v{version} in its header: {header!r}")
            packed[package] = info
        licences = {(folder / p / "package" / "LICENSE").read_bytes() for p in PACKAGES}
        if len(licences) != 1:
            raise SystemExit("the packages ship different LICENSE files; vendor both by hand")

        VENDOR.mkdir(parents=True, exist_ok=True)
        rows = []
        for package, bundle in PACKAGES.items():
            shutil.copyfile(folder / package / "package" / bundle, VENDOR / bundle)
            data = (VENDOR / bundle).read_bytes()
            rows.append(
                f"| `{package}` | {version} | `{bundle}` | {len(data) / 1e6:.2f} MB | "
                f"`{packed[package]['integrity']}` | `{hashlib.sha256(data).hexdigest()}` |"
            )
        (VENDOR / "LICENSE").write_bytes(licences.pop())
        (VENDOR / "VERSION").write_text(version + "\n")
        # The chart's frontend builds the bundles' URLs from this (see frontend/chart.js).
        (VENDOR / "version.js").write_text(
            "// Written by ui/chart/refresh.py: the vendored plotly.js version.\n"
            f'window.PLOTLY_VERSION = "{version}";\n'
        )
        (VENDOR / "README.md").write_text(
            "# Vendored plotly.js partial bundles\n\n"
            "Do not edit these files; refresh them with `.venv/bin/python ui/chart/refresh.py "
            "[VERSION]`,\nwhich downloads the packages below from the npm registry with "
            "`npm pack`.\n\n"
            "| npm package | version | file | size | npm integrity (tarball) | sha256 (file) |\n"
            "|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
            "`plotly-cartesian.min.js` draws every 2-D chart (scatter, bar, heatmap, contour, "
            "image, histogram,\nbox, violin, pie); `plotly-gl3d.min.js` is loaded instead, only "
            "for figures with 3-D traces\n(surface, scatter3d, mesh3d, cone, ...). Both are "
            "plotly.js, © Plotly, Inc., under the MIT\nlicence in `LICENSE`; the bundled "
            "third-party notices are kept at the end of each file.\n"
        )
    print(f"vendored plotly.js {version} into {VENDOR}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", nargs="?", help="plotly.js version (default: the pinned one)")
    args = parser.parse_args()
    refresh(args.version or pinned_version())


if __name__ == "__main__":
    main()
