"""Drive headless Chromium over a running `dagster dev` on the sample (scripts/ui-check.sh starts it):
the graph, a source partition page and the mix report must render with their numbers, and a
backfill launched from the UI must run to success without the DefaultRunLauncher warning."""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from assets.stages import STAGES

WAIT_S = 90


def browser() -> webdriver.Chrome:
    """Debian's headless Chromium through chromedriver."""
    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,900"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def body_text(driver: webdriver.Chrome) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def open_page(driver: webdriver.Chrome, url: str, *texts: str) -> str:
    """Load ``url`` and wait until every text is on the page (the community dialog is skipped)."""
    driver.get(url)
    try:
        WebDriverWait(driver, WAIT_S).until(lambda d: all(t in body_text(d) for t in texts))
    except TimeoutException:
        missing = [t for t in texts if t not in body_text(driver)]
        raise AssertionError(f"{url}: never showed {missing}; page text: {body_text(driver)[:800]!r}") from None
    for button in driver.find_elements(By.XPATH, "//button[normalize-space()='Skip']"):
        button.click()
    time.sleep(1)
    return body_text(driver)


def graphql(base: str, query: str, variables: dict | None = None) -> dict:
    """One GraphQL request to the webserver."""
    request = urllib.request.Request(
        f"{base}/graphql", json.dumps({"query": query, "variables": variables or {}}).encode(),
        {"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.load(response)
    assert "errors" not in answer, answer
    return answer["data"]


def check_graph(driver: webdriver.Chrome, base: str, screenshots: Path | None) -> None:
    """The lineage opens on three readable groups with their asset counts; expanded, every stage is drawn."""
    groups = sorted({s.group.split("/")[0] for s in STAGES})
    open_page(driver, f"{base}/asset-groups", *groups)
    WebDriverWait(driver, WAIT_S).until(lambda d: "fetching statuses" not in body_text(d))
    save(driver, screenshots, "graph.png")
    expanded = ",".join(f"global@global:{g}" for g in groups)
    open_page(driver, f"{base}/asset-groups?expanded={urllib.parse.quote(expanded)}", *(s.group.split("/")[1] for s in STAGES))


def save(driver: webdriver.Chrome, folder: Path | None, name: str) -> None:
    """A screenshot of the page as a small PNG (64 colours) in ``folder``, when one is given."""
    if folder is None:
        return
    from PIL import Image  # installed with matplotlib

    folder.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(folder / name))
    Image.open(folder / name).convert("RGB").quantize(64).save(folder / name, optimize=True)


def check_partition(driver: webdriver.Chrome, base: str, numbers: dict) -> None:
    """A source partition shows its own documents count and drop reasons table."""
    text = open_page(
        driver, f"{base}/assets/identified_documents?view=partitions&partition=fineweb2-sample",
        "docs_out", "drop_reasons", "dagster/row_count",
    )
    assert f"docs_out\n{numbers['fineweb2-sample']}" in text, text[:2000]


def check_report(driver: webdriver.Chrome, base: str) -> None:
    """The mix report's table and composition chart (a PNG in Markdown) render."""
    open_page(driver, f"{base}/assets/mix_report?view=partitions&partition=demo", "deviation_pct", "composition")
    driver.find_element(By.XPATH, "//tr[td[normalize-space()='composition']]//a[normalize-space()='[Show Markdown]']").click()
    WebDriverWait(driver, WAIT_S).until(lambda d: d.execute_script(
        "return Array.from(document.images).some(i => i.src.startsWith('data:image/png') && i.naturalWidth > 300)"
    ))


#: The stage assets of the pass (one multi-asset, materialized together).
PASS_ASSETS = ("ingested_documents", "extracted_documents", "identified_documents", "filtered_documents")


def check_backfill(driver: webdriver.Chrome, base: str) -> None:
    """The launch dialog of a partitioned asset shows no launcher warning, and a backfill of one
    source runs to success (queued, dequeued by the daemon `dagster dev` starts)."""
    open_page(driver, f"{base}/assets/ingested_documents", "Materialize")
    driver.find_element(By.XPATH, "//button[normalize-space()='Materialize…']").click()
    # the four stages of the pass are one multi-asset: the UI first says the other three come along
    WebDriverWait(driver, WAIT_S).until(lambda d: "Additional assets will be materialized" in body_text(d))
    assert all(name in body_text(driver) for name in PASS_ASSETS[1:]), body_text(driver)[-1500:]
    driver.find_element(By.XPATH, "//button[normalize-space()='Confirm']").click()
    WebDriverWait(driver, WAIT_S).until(lambda d: "Launch" in body_text(d) and "partition" in body_text(d).lower())
    dialog = body_text(driver)
    assert "DefaultRunLauncher" not in dialog, dialog[-1500:]
    launched = graphql(base, """
        mutation($p: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $p) {
          __typename ... on LaunchBackfillSuccess { backfillId } ... on PythonError { message } } }""",
        {"p": {"partitionNames": ["sea-lion-pile-v1-sample"], "assetSelection": [{"path": [name]} for name in PASS_ASSETS]}})
    result = launched["launchPartitionBackfill"]
    assert result["__typename"] == "LaunchBackfillSuccess", result
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        status = graphql(base, "query($id: String!) { partitionBackfillOrError(backfillId: $id) { "
                               "... on PartitionBackfill { status } } }", {"id": result["backfillId"]})
        if status["partitionBackfillOrError"]["status"] in ("COMPLETED", "COMPLETED_SUCCESS", "FAILED", "COMPLETED_FAILED"):
            break
        time.sleep(3)
    assert status["partitionBackfillOrError"]["status"] in ("COMPLETED", "COMPLETED_SUCCESS"), status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("base", help="the webserver, e.g. http://127.0.0.1:3117")
    parser.add_argument("--screenshots", type=Path, help="folder for graph.png, partition.png and report.png")
    args = parser.parse_args()
    numbers = numbers_from_graphql(args.base)
    driver = browser()
    try:
        check_graph(driver, args.base, args.screenshots)
        check_partition(driver, args.base, numbers)
        save(driver, args.screenshots, "partition.png")
        check_report(driver, args.base)
        save(driver, args.screenshots, "report.png")
        driver.find_element(By.XPATH, "//button[normalize-space()='Close']").click()
        check_backfill(driver, args.base)
    finally:
        driver.quit()
    print("ui-check: graph, partition page, mix report and UI backfill OK")


def numbers_from_graphql(base: str) -> dict:
    """docs_out of identified_documents per source partition, as the instance recorded them."""
    data = graphql(base, """{ assetNodes(assetKeys: [{path: ["identified_documents"]}]) {
        assetMaterializations(partitions: ["fineweb2-sample"]) { partition metadataEntries {
          label ... on IntMetadataEntry { intValue } } } } }""")
    events = data["assetNodes"][0]["assetMaterializations"]
    return {e["partition"]: next(m["intValue"] for m in e["metadataEntries"] if m["label"] == "docs_out") for e in events}


if __name__ == "__main__":
    main()
