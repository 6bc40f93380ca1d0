{%- set fr = cookiecutter.language == "fr" -%}
"""The shop window in a real browser: headless Chromium orders a dish from `streamlit run`.

Chromium and its driver come from the distribution's packages (Debian: `apt-get install
chromium chromium-driver`); nothing is downloaded at test time. Without them the test is
skipped, unless REQUIRE_BROWSER=1 (as in CI), where a missing browser is a failure.
"""

import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from {{ cookiecutter.package_name }}.menu import DISH_UNIT, example_order, ingredients
from {{ cookiecutter.package_name }}.messages import number
from {{ cookiecutter.package_name }}.processes import free_port, shop_command

from .conftest import skip_or_fail

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
# Flags that work on a small headless machine with no network and no display.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1400",
]
WAIT_SECONDS = 60
SEND_BUTTON = "{{ 'Envoyer la commande en cuisine' if fr else 'Send the order to the kitchen' }}"
PROJECT = Path(__file__).resolve().parent.parent


def browser_tools() -> tuple[str, str]:
    """The Chromium and chromedriver to use; skip (or fail under REQUIRE_BROWSER=1) if absent."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not shutil.which(path)]
    try:
        import selenium  # noqa: F401 - only checking that it is installed
    except ImportError:
        missing.append("the selenium package (pip install -e '.[dev]')")
    if missing:
        reason = "no headless browser here: missing " + ", ".join(missing)
        reason += " (Debian: apt-get install chromium chromium-driver)"
        skip_or_fail(reason, required_by="REQUIRE_BROWSER")
    return CHROMIUM, CHROMEDRIVER


def wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the shop window stopped (exit code {process.returncode})")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"the shop window did not answer at {url} within {WAIT_SECONDS} s")


@pytest.fixture
def shop_url(kitchen_url, tmp_path):
    """The shop window, served by `streamlit run` exactly as the CLI starts it."""
    port = free_port()
    environment = {**os.environ, "KITCHEN_URL": kitchen_url}
    with open(tmp_path / "shop.log", "w") as log:
        process = subprocess.Popen(
            shop_command("127.0.0.1", port),
            cwd=PROJECT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(f"{url}/_stcore/health", process)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def open_chromium(folder, *more_flags: str):
    """Headless Chromium driven by Selenium, with a profile of its own in `folder`; the kitchen's
    and the board's browser tests open it the same way (the kitchen's with a flag more)."""
    chromium, chromedriver = browser_tools()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in [*CHROMIUM_FLAGS, *more_flags, f"--user-data-dir={folder / 'profile'}"]:
        options.add_argument(flag)
    # An explicit driver path: Selenium never tries to download a browser or a driver.
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    return driver


@pytest.fixture
def browser(tmp_path):
    driver = open_chromium(tmp_path)
    yield driver
    driver.quit()


def screenshot_path(tmp_path: Path, file_name: str) -> Path:
    """Where a screenshot goes: $TEST_ARTIFACTS if set (CI keeps it), else the test's folder."""
    folder = Path(os.environ.get("TEST_ARTIFACTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / file_name


def fill_in(browser, item, value: float):
    """Open the order page, type `value` into the field of `item` as a person would, and
    return the page's send button."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, WAIT_SECONDS)
    send = (By.XPATH, f"//button[normalize-space()={SEND_BUTTON!r}]")
    button = wait.until(shown.element_to_be_clickable(send))
    # The page may still be drawing (or redrawing) its form: wait for the field itself.
    where = (By.CSS_SELECTOR, f'input[aria-label="{item.label} ({item.unit})"]')
    field = wait.until(shown.element_to_be_clickable(where))
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(str(value), Keys.TAB)
    wait.until(lambda _: float(field.get_attribute("value")) == value)
    return button


def first_number():
    return next(item for item in ingredients() if item.kind is float)


@pytest.mark.browser
def test_order_in_a_real_browser_shows_the_kitchen_dish(
    browser, shop_url, kitchen_url, tmp_path, capsys
):
    """A person fills in the form in Chromium, sends it, and sees the dish the kitchen cooked
    for exactly that order; the screenshot and the time it took are printed."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.ui import WebDriverWait

    item = first_number()
    typed = (item.minimum + item.maximum) / 2
    browser.get(shop_url)
    button = fill_in(browser, item, typed)
    started = time.monotonic()
    button.click()
    dish = WebDriverWait(browser, WAIT_SECONDS).until(
        shown.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="stMetricValue"]'))
    )
    seconds = time.monotonic() - started
    path = screenshot_path(tmp_path, "shop-window-order.png")
    browser.save_screenshot(str(path))

    order = {**example_order().model_dump(), item.name: typed}
    expected = httpx.post(f"{kitchen_url}/predict", json=order, timeout=10).json()
    assert dish.text == f"{number(expected['prediction'], 2)} {DISH_UNIT}"
    with capsys.disabled():  # shown even when pytest captures output
        print(f"\nshop window, submit to prediction shown: {seconds:.2f} s; screenshot: {path}")


@pytest.mark.browser
def test_out_of_range_value_in_a_real_browser_is_said_on_the_page(
    browser, shop_url, tmp_path, capsys
):
    """A person types a number above the menu's maximum and presses send: the page says, in
    the project's language, which field and what limit (the browser itself refuses nothing)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    item = first_number()
    browser.get(shop_url)
    fill_in(browser, item, item.maximum + 100).click()
    rule = "{{ 'doit valoir au plus' if fr else 'must be at most' }}"
    said = f"{item.label} ({item.unit}){{ ' : ' if fr else ': ' }}{rule} {number(item.maximum)}"

    def error_shown(driver) -> bool:
        alerts = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stAlert"]')
        return any(said in alert.text for alert in alerts)

    WebDriverWait(browser, WAIT_SECONDS).until(error_shown)
    assert not browser.find_elements(By.CSS_SELECTOR, '[data-testid="stMetricValue"]')
    path = screenshot_path(tmp_path, "shop-window-out-of-range.png")
    browser.save_screenshot(str(path))
    with capsys.disabled():
        print(f"\nshop window, out-of-range value said on the page; screenshot: {path}")
