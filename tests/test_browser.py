"""Open the default report and a station report in a real (headless) Chromium.

Checks the findings section, the flagged list and that every image decodes, in the
browser (``naturalWidth > 0``, read back through ``--dump-dom``) and with matplotlib
(each base64 PNG is read back). Screenshots go to ``ci-artifacts/`` (or
``$CI_ARTIFACTS``). Skipped where no Chromium is installed, except in CI (``CI=true``),
where a missing browser fails the test.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import electionstats as es

from test_report import _stations_csv

_BROWSERS = ("chromium", "chromium-browser", "google-chrome")
_PROBE = (
    "<script>window.addEventListener('load',function(){var i=Array.from(document.images);"
    "document.body.setAttribute('data-images',i.length+' '+i.filter(function(x){"
    "return x.complete&&x.naturalWidth>0}).length);});</script>"
)


def _browser() -> str:
    for name in _BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("no Chromium found in CI: .ci/run installs it with apt-get install chromium; "
                    "see its output for why that failed.")
    pytest.skip("no Chromium on this machine (apt-get install chromium); the test is required in CI.")


def _run(browser: str, *args: str) -> str:
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--hide-scrollbars", "--virtual-time-budget=10000", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def _artifacts() -> Path:
    d = Path(os.environ.get("CI_ARTIFACTS", Path(__file__).resolve().parents[1] / "ci-artifacts"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def _check_page(browser: str, page: Path, shot: Path) -> str:
    text = page.read_text(encoding="utf-8")
    # every embedded PNG decodes to a real image
    import matplotlib.image as mpimg

    pngs = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", text)
    assert pngs
    for data in pngs:
        img = mpimg.imread(io.BytesIO(base64.b64decode(data)), format="png")
        assert img.shape[0] > 50 and img.shape[1] > 50
    probe = page.with_name("probe.html")
    probe.write_text(text.replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    dom = _run(browser, "--dump-dom", probe.as_uri())
    n, ok = map(int, re.search(r"data-images=\"(\d+) (\d+)\"", dom).groups())
    assert n == len(pngs) and ok == n, f"{ok} of {n} images decoded in the browser"
    assert 'id="findings"' in dom
    _run(browser, f"--screenshot={shot}", "--window-size=1280,2400", page.as_uri())
    assert shot.stat().st_size > 10_000
    return dom


def test_reports_in_chromium(tmp_path):
    browser = _browser()
    art = _artifacts()
    kz = es.report.build_report(out_dir=tmp_path / "kz", progress=False)
    dom = _check_page(browser, kz, art / "report-kazakhstan.png")
    assert "Arabic machine translation" in dom
    csv = _stations_csv(tmp_path / "stations.csv")
    st = es.report.build_report(
        str(csv), out_dir=tmp_path / "st", rng=3, n_resamples=500, progress=False,
        csv_options={"station_id": "id", "registered": "reg", "ballots_found": "ballots",
                     "valid": ["Leader", "Other"], "parties": ["Leader", "Other"], "region": "region"},
    )
    dom = _check_page(browser, st, art / "report-stations.png")
    flagged = re.search(r'<ul id="flagged-list">(.*?)</ul>', dom, re.S).group(1)
    assert flagged.count("<li>") >= 1 and "adjusted p" in flagged
    assert 'id="flagged-cells"' in dom
