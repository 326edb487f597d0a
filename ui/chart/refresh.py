"""Refresh the vendored plotly.js bundles from npm at one pinned version.

    .venv/bin/python ui/chart/refresh.py            # the version pinned in vendor/VERSION
    .venv/bin/python ui/chart/refresh.py 3.7.0      # pin another version

Two bundles, both from the npm registry (nothing from it lives in the repository):
- `plotly-cartesian.min.js`, every 2-D chart: built from the `plotly.js` package with esbuild,
  as `ui/chart/build/` says (`entry.js`: plotly.js's core, which draws scatter, and the heatmap
  trace; `package.json` and `package-lock.json` pin plotly.js, esbuild and every dependency).
  Measured in headless Chromium, it loads and runs in about a third of the time of npm's
  ready-made `plotly.js-cartesian-dist-min` (0.3 against 0.9-1.0 s), which also carries traces
  the app never draws (bar, box, violin, histograms, pie, ternary, world calendars);
- `plotly-gl3d.min.js`, loaded only for figures with 3-D traces: npm's
  `plotly.js-gl3d-dist-min`, fetched with `npm pack` and checked against the asked version.

It also writes the MIT licence, `VERSION` (and `version.js`, the same for the browser) and a
README naming the packages, versions and hashes. Needs node and npm.

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

HERE = Path(__file__).resolve().parent
VENDOR = HERE / "frontend" / "vendor"
BUILD = HERE / "build"
TWO_D = "plotly-cartesian.min.js"
THREE_D = ("plotly.js-gl3d-dist-min", "plotly-gl3d.min.js")  # npm package, file inside it
# esbuild options of plotly.js's own build (its esbuild-config.js), minified; the third-party
# licence comments go to the end of the file.
ESBUILD = [
    "--bundle",
    "--format=iife",
    "--global-name=Plotly",
    "--minify",
    "--target=es2016",
    "--define:global=window",
    "--define:define.amd=false",
    "--define:process.env.NODE_DEBUG=false",
    "--alias:stream=stream-browserify",
    "--legal-comments=eof",
    "--log-level=warning",
]


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


def _build(version: str, folder: Path) -> str:
    """Build the 2-D bundle into `folder` from `build/` with plotly.js at `version`; its
    license header says which plotly.js it is."""
    work = folder / "build"
    shutil.copytree(BUILD, work)
    manifest = json.loads((work / "package.json").read_text())
    if manifest["dependencies"]["plotly.js"] != version:
        # Another version: let npm resolve it and write a new lock (copied back below).
        manifest["dependencies"]["plotly.js"] = version
        (work / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
        subprocess.run(["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund"],
                       cwd=work, check=True)  # fmt: skip
    else:
        subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
                       cwd=work, check=True)  # fmt: skip
    installed = json.loads((work / "node_modules/plotly.js/package.json").read_text())
    if installed["version"] != version:
        raise SystemExit(f"plotly.js: npm gave {installed['version']}, not {version}")
    out = folder / TWO_D
    subprocess.run([str(work / "node_modules/.bin/esbuild"), "entry.js", *ESBUILD,
                    f"--outfile={out}"], cwd=work, check=True)  # fmt: skip
    out.with_suffix(".css").unlink(missing_ok=True)  # map traces' styles, which it never draws
    header = (
        f"/**\n* plotly.js (cartesian: scatter, heatmap) v{version}\n"
        "* Copyright 2012-2026, Plotly, Inc.\n* All rights reserved.\n"
        "* Licensed under the MIT license\n*/\n"
    )
    out.write_text(header + out.read_text(encoding="utf-8"), encoding="utf-8")
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(work / name, BUILD / name)
    esbuild = json.loads((work / "node_modules/esbuild/package.json").read_text())["version"]
    return esbuild


def refresh(version: str) -> None:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        package, bundle = THREE_D
        info = _pack(package, version, folder)
        if info["version"] != version:
            raise SystemExit(f"{package}: npm gave {info['version']}, not {version}")
        with tarfile.open(folder / info["filename"]) as tar:
            tar.extractall(folder / package, filter="data")
        source = folder / package / "package" / bundle
        header = source.read_bytes()[:200].decode("utf-8", "replace")
        if f"v{version}" not in header:
            raise SystemExit(f"{bundle} does not say v{version} in its header: {header!r}")
        esbuild = _build(version, folder)

        VENDOR.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / TWO_D, VENDOR / TWO_D)
        shutil.copyfile(source, VENDOR / bundle)
        shutil.copyfile(folder / "build/node_modules/plotly.js/LICENSE", VENDOR / "LICENSE")

        def row(source: str, file: str, integrity: str) -> str:
            data = (VENDOR / file).read_bytes()
            return (
                f"| {source} | {version} | `{file}` | {len(data) / 1e6:.2f} MB | {integrity} | "
                f"`{hashlib.sha256(data).hexdigest()}` |"
            )

        rows = [
            row(f"`plotly.js`, built with esbuild {esbuild} from `ui/chart/build/`", TWO_D,
                "locked in `ui/chart/build/package-lock.json`"),
            row(f"`{package}`", bundle, f"`{info['integrity']}`"),
        ]  # fmt: skip
        (VENDOR / "VERSION").write_text(version + "\n")
        # The chart's frontend builds the bundles' URLs from this (see frontend/chart.js).
        (VENDOR / "version.js").write_text(
            "// Written by ui/chart/refresh.py: the vendored plotly.js version.\n"
            f'window.PLOTLY_VERSION = "{version}";\n'
        )
        (VENDOR / "README.md").write_text(
            "# Vendored plotly.js bundles\n\n"
            "Do not edit these files; refresh them with `.venv/bin/python ui/chart/refresh.py "
            "[VERSION]`,\nwhich takes the packages below from the npm registry.\n\n"
            "| npm package | version | file | size | npm integrity | sha256 (file) |\n"
            "|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
            f"`{TWO_D}` draws every 2-D chart: plotly.js's core (scatter, axes, legend, "
            "sliders, buttons,\nmodebar, annotations, shapes, images) and the heatmap trace "
            f"(`ui/chart/build/entry.js`).\n`{bundle}` is loaded instead, only for figures "
            "with 3-D traces (surface, scatter3d, ...).\nBoth are plotly.js, © Plotly, Inc., "
            "under the MIT licence in `LICENSE`; the notices of the\nthird-party code they "
            "bundle are kept at the end of each file.\n"
        )
    print(f"vendored plotly.js {version} into {VENDOR}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", nargs="?", help="plotly.js version (default: the pinned one)")
    args = parser.parse_args()
    refresh(args.version or pinned_version())


if __name__ == "__main__":
    main()
