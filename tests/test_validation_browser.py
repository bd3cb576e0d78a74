"""The validation form in a real headless Chromium, driven over the DevTools protocol.

A coder enters an id, answers every item (the key's answer for every other item,
a wrong one otherwise), reloads the page half-way, downloads the answers; the
downloaded file must read back with ``read_answers`` and score to what was clicked.
Never skipped: without Chromium the test fails and says how to install it.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
import websocket

from analysis.config import ROOT
from analysis.validation import read_answers, score
from analysis.validation.cli import read_tasks
from analysis.validation.params import ValidationParams

VALIDATION = ROOT / "validation"
CODER = "tester 01"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--remote-debugging-port=0"]


class Chromium:
    """Just enough of the Chrome DevTools protocol: one page, evaluate, click, type."""

    def __init__(self, profile: Path, downloads: Path):
        exe = next(filter(None, map(shutil.which, ["chromium", "chromium-browser"])), None)
        if exe is None:
            pytest.fail("chromium is not installed: `apt-get install -y chromium chromium-driver` "
                        "(.ci/run does this); the browser test is never skipped")
        self.proc = subprocess.Popen([exe, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and len(port_file.read_text().split()) == 2):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                pytest.fail("chromium did not start (no DevToolsActivePort)")
            time.sleep(0.05)
        port, path = port_file.read_text().split()
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=30,
                                              suppress_origin=True)
        self.ids = itertools.count(1)
        self.session = None
        self.send("Browser.setDownloadBehavior", behavior="allow",
                  downloadPath=str(downloads), eventsEnabled=True)
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]

    def send(self, method: str, **params):
        msg = {"id": next(self.ids), "method": method, "params": params}
        if self.session and not method.startswith(("Browser.", "Target.")):
            msg["sessionId"] = self.session
        self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == msg["id"]:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def js(self, expression: str):
        res = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in res:
            raise RuntimeError(f"{expression}: {res['exceptionDetails']}")
        return res["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 15):
        deadline = time.monotonic() + timeout
        while not self.js(expression):
            assert time.monotonic() < deadline, f"timed out waiting for {expression}"
            time.sleep(0.02)

    def open(self, url: str):
        self.send("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete' && !!document.getElementById('start')")

    def click(self, selector: str):
        """A real mouse click at the element's centre."""
        box = self.js(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                      "e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
                      "return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1],
                      button="left", clickCount=1)

    def type(self, selector: str, text: str):
        self.js(f"document.querySelector({json.dumps(selector)}).value = '';"
                f"document.querySelector({json.dumps(selector)}).focus()")
        self.send("Input.insertText", text=text)

    def close(self):
        try:
            if getattr(self, "ws", None):
                self.send("Browser.close")
        except Exception:  # noqa: BLE001 - the browser may already be gone
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture()
def browser(tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    b = Chromium(tmp_path / "profile", downloads)
    b.downloads = downloads
    yield b
    b.close()


def _wait_file(folder: Path, name: str) -> Path:
    deadline = time.monotonic() + 20
    path = folder / name
    while not path.exists() or any(folder.glob("*.crdownload")):
        assert time.monotonic() < deadline, f"no download {name} in {list(folder.iterdir())}"
        time.sleep(0.05)
    return path


def _answer(b: Chromium, key: pd.DataFrame, clicked: dict, n: int):
    tid = b.js("document.getElementById('item').getAttribute('data-task-id')")
    assert tid not in clicked, f"{tid} shown twice"
    row = key.loc[tid]
    choice = int(row["answer"]) if len(clicked) % 2 == 0 else (int(row["answer"]) + 1) % int(
        row["n_options"])
    b.click(f'.opt[data-choice="{choice}"]')
    clicked[tid] = choice
    b.wait_for(f"document.getElementById('progress').textContent === '{len(clicked)} / {n}'")


def test_form_end_to_end(browser):
    vp = ValidationParams()
    tasks, key = read_tasks(VALIDATION, vp.kinds)
    key = key.set_index("task_id", drop=False)
    n = len(tasks)
    b = browser
    b.open((VALIDATION / "form.html").as_uri())
    b.type("#coder", CODER)
    b.click("#start")
    b.wait_for("!document.getElementById('item-screen').classList.contains('hidden')")
    clicked: dict[str, int] = {}
    order = []
    for _ in range(n // 2):
        order.append(b.js("document.getElementById('item').getAttribute('data-task-id')"))
        _answer(b, key, clicked, n)
    # reload: the work survives, keyed by form version and coder id
    b.send("Page.reload")
    b.wait_for("document.readyState === 'complete' && !!document.getElementById('start')")
    assert b.js("document.getElementById('coder').value") == CODER
    b.click("#start")
    b.wait_for(f"document.getElementById('progress').textContent === '{n // 2} / {n}'")
    while len(clicked) < n:
        order.append(b.js("document.getElementById('item').getAttribute('data-task-id')"))
        _answer(b, key, clicked, n)
    b.wait_for("!document.getElementById('done').classList.contains('hidden')")
    # items come kind by kind, in the order of params.kinds; shuffled within a kind
    kinds = [key.loc[t, "kind"] for t in order]
    assert list(dict.fromkeys(kinds)) == list(vp.kinds)
    assert order != sorted(order)
    b.click("#download-json")
    b.click("#download-csv")
    stem = f"answers_{vp.form_version}_tester_01"
    got_json = _wait_file(b.downloads, stem + ".json")
    got_csv = _wait_file(b.downloads, stem + ".csv")

    answers = read_answers([got_json], tasks, form_version=vp.form_version)
    assert dict(zip(answers["task_id"], answers["choice"])) == clicked
    assert set(answers["coder_id"]) == {CODER}
    from_csv = read_answers([got_csv], tasks, form_version=vp.form_version)
    assert from_csv[["task_id", "choice"]].equals(answers[["task_id", "choice"]])

    # another coder meets the items in another order
    b.send("Page.reload")
    b.wait_for("document.readyState === 'complete' && !!document.getElementById('start')")
    b.type("#coder", "tester 02")
    b.click("#start")
    other: dict[str, int] = {}
    for _ in range(5):
        _answer(b, key, other, n)
    assert list(other) != order[:5]

    res = score(tasks, key.reset_index(drop=True), answers)
    right = pd.Series({t: c == key.loc[t, "answer"] for t, c in clicked.items()})
    model = right[~key.loc[right.index, "gold"].astype(bool)]
    for kind, prec in res.precision.query("topic == 'all'").set_index("kind")["precision"].items():
        ids = [t for t in model.index if key.loc[t, "kind"] == kind]
        assert prec == pytest.approx(model[ids].mean())
    gold = right[key.loc[right.index, "gold"].astype(bool)]
    assert res.gold.query("kind == 'all'")["accuracy"].iloc[0] == pytest.approx(gold.mean())
