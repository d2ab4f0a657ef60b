#!/usr/bin/env python3
"""Drive a silkgraph HTML view in headless Chromium (Debian's chromium + chromium-driver,
Python selenium) and check what a reader does with it.

    view_test.py PAGE.html --expect-nodes N [--docs DIR] [--search Islamabad]
                 [--screenshot OUT.png] [--measure]

Checks: the page opens laid out by silkgraph (settled at its first frame, no layout running),
draws (non-blank pixels in the graph area), the node count shown is N, searching the alias
with the keyboard selects an entity whose panel lists typed relations, opening the first one
(Enter) shows an evidence sentence (document, sentence, text), Escape clears the selection,
"Resume layout" runs ForceAtlas2 in the worker and stops it again, and the browser logged no
error. --measure prints {"first_frame_ms", "settled_ms", "iterations"} as JSON. Exit 0 when
all hold, 1 when a check fails, 3 when the browser cannot be started.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # WebGL on the CPU (SwiftShader): without a GPU, Chromium only falls back to it with a
    # deprecation warning unless asked.
    "--enable-unsafe-swiftshader", "--window-size=1400,900",
]


class Failed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failed(what)
    print("ok:", what)


def wait(fn, what, timeout=60.0, step=0.1):
    from selenium.common.exceptions import TimeoutException
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            v = fn()
        except TimeoutException:
            # The page's main thread was busy longer than the script timeout (a loaded
            # machine, a large graph): ask again.
            v = None
        if v:
            return v
        time.sleep(step)
    raise Failed("timed out waiting for " + what)


# Counts the pixels of a PNG (a data URL) that differ from the page background.
COUNT_INK = """
const [url, done] = arguments;
const img = new Image();
img.onload = () => {
  const c = document.createElement('canvas');
  c.width = img.width; c.height = img.height;
  const g = c.getContext('2d');
  g.drawImage(img, 0, 0);
  const px = g.getImageData(0, 0, c.width, c.height).data;
  let ink = 0;
  for (let i = 0; i < px.length; i += 4) if (px[i] < 240 || px[i+1] < 240 || px[i+2] < 240) ink++;
  done({ink, total: px.length / 4});
};
img.onerror = () => done(null);
img.src = url;
"""


def run(args, driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.set_script_timeout(120)
    driver.get("file://" + os.path.abspath(args.page))
    view = lambda: driver.execute_script("return window.silkgraphView || null")
    wait(lambda: (view() or {}).get("ready"), "the page script to start")
    wait(lambda: (view() or {}).get("firstFrameMs") is not None, "the first frame")
    wait(lambda: view().get("settledMs") is not None, "the layout to settle", timeout=120)
    v = view()
    if args.measure:
        print(json.dumps({"first_frame_ms": round(v["firstFrameMs"]),
                          "settled_ms": round(v["settledMs"]),
                          "iterations": v.get("iterations")}))
    check((v.get("precomputedIterations") or 0) > 0 and not v.get("layoutRunning")
          and v["settledMs"] == v["firstFrameMs"],
          f"the page opens laid out ({v.get('precomputedIterations')} ForceAtlas2 iterations "
          "by silkgraph), settled at its first frame, no layout running")

    shot = driver.find_element(By.ID, "graph").screenshot_as_base64
    ink = driver.execute_async_script(COUNT_INK, "data:image/png;base64," + shot)
    check(ink and ink["ink"] > 500, f"the graph drew ({ink and ink['ink']} of "
          f"{ink and ink['total']} pixels not background)")

    shown = driver.find_element(By.ID, "node-count").text
    check(shown == str(args.expect_nodes), f"node count shown {shown} == {args.expect_nodes}")

    search = driver.find_element(By.ID, "search")
    search.click()
    search.send_keys(args.search)
    wait(lambda: driver.find_elements(By.CSS_SELECTOR, "#results button.result"),
         "search results")
    results = driver.find_elements(By.CSS_SELECTOR, "#results button.result")
    check(all(args.search.lower() in r.text.lower() for r in results),
          f"{len(results)} results all name {args.search!r}: {[r.text for r in results][:4]}")
    search.send_keys(Keys.ARROW_DOWN)
    active = driver.switch_to.active_element
    check(active.get_attribute("class") == "result", "arrow down moves to the first result")
    chosen = active.text
    active.send_keys(Keys.ENTER)
    wait(lambda: driver.find_elements(By.CSS_SELECTOR, "#panel h2"), "the side panel")
    title = driver.find_element(By.CSS_SELECTOR, "#panel h2").text
    check(title and title in chosen, f"panel shows the chosen entity {title!r} ({chosen!r})")
    summary = driver.switch_to.active_element
    check(summary.tag_name == "summary", "focus moves to the first relation")
    print("   relation:", summary.text)
    summary.send_keys(Keys.ENTER)
    items = wait(lambda: driver.find_elements(By.CSS_SELECTOR, "#panel details[open] .evidence-item"),
                 "an evidence sentence")
    where = items[0].find_element(By.CLASS_NAME, "where").text
    text = items[0].find_element(By.CLASS_NAME, "text").text
    print("   evidence:", where, "|", text[:100])
    doc = where.split(", sentence ")[0]
    check(", sentence " in where, "evidence names its document and sentence")
    if args.docs:
        check(os.path.isfile(os.path.join(args.docs, doc)), f"the document {doc!r} is in {args.docs}")
    check(len(text) > 20 and not text.startswith("(co-occurrence"), "evidence shows the sentence text")
    if args.screenshot:
        driver.save_screenshot(args.screenshot)
        print("   screenshot:", args.screenshot)

    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait(lambda: not driver.find_elements(By.CSS_SELECTOR, "#panel h2"), "Escape to clear")
    check(driver.switch_to.active_element.get_attribute("id") == "search",
          "Escape clears the selection and returns to the search box")

    toggle = driver.find_element(By.ID, "layout-toggle")
    check(toggle.text == "Resume layout", f"the layout button offers to resume ({toggle.text!r})")
    toggle.click()
    check(view().get("layoutRunning") and toggle.text == "Stop layout",
          "Resume layout starts ForceAtlas2 in the worker")
    wait(lambda: view().get("layoutIterations", 0) > 0, "the resumed layout to iterate")
    # Resumed from silkgraph's positions, the page's own rule finds the layout settled
    # within a few samples and stops it (the same function the Stop button calls).
    wait(lambda: not view().get("layoutRunning"), "the resumed layout to settle", timeout=120)
    n = view().get("layoutIterations")
    check(toggle.text == "Resume layout" and n <= 100,
          f"the resumed layout settles again after {n} iterations and the button offers to resume")

    errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    check(not errors, f"no console errors {errors}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("page")
    p.add_argument("--expect-nodes", type=int, required=True)
    p.add_argument("--docs", help="the corpus directory the evidence documents come from")
    p.add_argument("--search", default="Islamabad")
    p.add_argument("--screenshot")
    p.add_argument("--measure", action="store_true")
    args = p.parse_args()
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as e:
        print("cannot start the browser:", e, file=sys.stderr)
        return 3
    profile = tempfile.mkdtemp(prefix="silkgraph-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for f in FLAGS + ["--user-data-dir=" + profile]:
        opts.add_argument(f)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    except Exception as e:  # noqa: BLE001 - any failure to start is reported the same way
        shutil.rmtree(profile, ignore_errors=True)
        print("cannot start the browser:", e, file=sys.stderr)
        return 3
    try:
        run(args, driver)
    except Failed as e:
        print("FAILED:", e, file=sys.stderr)
        for entry in driver.get_log("browser"):
            print("   console:", entry, file=sys.stderr)
        return 1
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
