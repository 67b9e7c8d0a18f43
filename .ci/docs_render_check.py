"""Open built documentation pages in headless Chromium; check what they show.

For each page, a small wrapper page loads it in an iframe (file:// pages may
read each other with --allow-file-access-from-files), waits for it to load
and for MathJax to typeset, and writes what the page shows into its own DOM:
the page title, the first heading, every image of the article with its
natural width (0 = not loaded or broken), and how many formulas MathJax
typeset.  Chromium's --dump-dom prints that DOM, and this script asserts on
it.  With --screenshots DIR, a PNG of each page is saved there as well.

Usage: python .ci/docs_render_check.py docs/_build/html [--screenshots DIR]
"""

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# page -> what it must show
PAGES = {
    "index.html": {
        "h1": "sklearn-sigmoid",
        "min_images": 1,  # the loss surface the gallery drew
        "min_math": 2,  # the formulas of the introduction, typeset
    },
    "auto_examples/plot_1_lecture_loss_surface.html": {
        "h1": "The lecture",
        "min_images": 2,  # the contour and the 3-D figures drawn at build time
        "min_math": 0,
    },
    "performance.html": {
        "h1": "Performance",
        "min_images": 4,  # drawn from the benchmark JSON at build time
        "min_math": 1,
    },
    "user_guide/losses.html": {
        "h1": "Squared error against cross-entropy",
        "min_images": 0,
        "min_math": 10,
    },
}

WRAPPER = """<!DOCTYPE html>
<html><body>
<iframe id="page" src="{src}" style="width:1280px;height:4000px"></iframe>
<pre id="result">not loaded</pre>
<script>
const frame = document.getElementById("page");
frame.addEventListener("load", () => {{
  // MathJax typesets after the load event; give it (virtual) time.
  setTimeout(() => {{
    const doc = frame.contentDocument;
    if (!doc) {{
      document.getElementById("result").textContent = "no access to the page";
      return;
    }}
    const h1 = doc.querySelector("h1");
    const images = [...doc.querySelectorAll(".bd-article img")].map((img) => ({{
      src: img.getAttribute("src"),
      complete: img.complete,
      naturalWidth: img.naturalWidth,
    }}));
    document.getElementById("result").textContent = JSON.stringify({{
      title: doc.title,
      h1: h1 ? h1.textContent : null,
      images: images,
      math: doc.querySelectorAll("mjx-container").length,
    }});
  }}, 3000);
}});
</script>
</body></html>
"""

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("docs render check: no chromium on PATH (apt-get install chromium)")


def run_chromium(args, timeout=120):
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def inspect_page(page, workdir):
    wrapper = workdir / "wrapper.html"
    wrapper.write_text(WRAPPER.format(src=html.escape(page.as_uri(), quote=True)))
    proc = run_chromium(
        [
            "--allow-file-access-from-files",
            "--virtual-time-budget=15000",
            "--dump-dom",
            wrapper.as_uri(),
        ]
    )
    match = re.search(r'<pre id="result">(.*?)</pre>', proc.stdout, re.S)
    if not match:
        raise AssertionError(
            f"{page}: Chromium printed no DOM (exit {proc.returncode}): "
            f"{proc.stderr[-2000:]}"
        )
    text = html.unescape(match.group(1))
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise AssertionError(f"{page}: the page was not inspected: {text!r}") from None


def check(name, shown, want):
    problems = []
    if not shown["title"] or want["h1"].lower() not in (shown["h1"] or "").lower():
        problems.append(f"heading {shown['h1']!r} does not contain {want['h1']!r}")
    broken = [i["src"] for i in shown["images"] if i["naturalWidth"] <= 0]
    if broken:
        problems.append(f"images not loaded: {broken}")
    if len(shown["images"]) < want["min_images"]:
        problems.append(
            f"{len(shown['images'])} images, expected at least {want['min_images']}"
        )
    if shown["math"] < want["min_math"]:
        problems.append(
            f"{shown['math']} typeset formulas, expected at least {want['min_math']}"
        )
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html_dir", type=Path)
    parser.add_argument("--screenshots", type=Path, default=None)
    args = parser.parse_args(argv)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, want in PAGES.items():
            page = (args.html_dir / name).resolve()
            if not page.is_file():
                print(f"FAIL {name}: not built")
                failures += 1
                continue
            shown = inspect_page(page, Path(tmp))
            problems = check(name, shown, want)
            loaded = sum(i["naturalWidth"] > 0 for i in shown["images"])
            summary = (
                f"title {shown['title']!r}, {loaded}/{len(shown['images'])} "
                f"images loaded, {shown['math']} formulas typeset"
            )
            if problems:
                failures += 1
                print(f"FAIL {name}: {summary}; " + "; ".join(problems))
            else:
                print(f"ok   {name}: {summary}")
            if args.screenshots is not None:
                args.screenshots.mkdir(parents=True, exist_ok=True)
                png = args.screenshots / (name.replace("/", "_")[:-5] + ".png")
                run_chromium(
                    [
                        "--window-size=1280,1600",
                        "--virtual-time-budget=5000",
                        f"--screenshot={png}",
                        page.as_uri(),
                    ]
                )
    if failures:
        print(f"docs render check: {failures} of {len(PAGES)} pages FAILED")
        return 1
    print(f"docs render check: all {len(PAGES)} pages show what they should")
    return 0


if __name__ == "__main__":
    sys.exit(main())
