"""The kitchen's menu page in a real headless Chromium that can reach nothing but the kitchen:
the page, its scripts and its styles all come from the kitchen itself."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as shown
from selenium.webdriver.support.ui import WebDriverWait

from .test_shop_browser import WAIT_SECONDS, open_chromium, screenshot_path

# Every host name but the loopback one resolves to nothing: no CDN can be reached.
NO_NETWORK = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


@pytest.fixture
def offline_browser(tmp_path):
    driver = open_chromium(tmp_path, NO_NETWORK)
    yield driver
    driver.quit()


@pytest.mark.browser
def test_the_menu_page_shows_every_route_with_no_network(offline_browser, kitchen_url, tmp_path):
    """It shows the route list of /docs with no network, and keeps a screenshot of it."""
    offline_browser.get(f"{kitchen_url}/docs")
    routes = WebDriverWait(offline_browser, WAIT_SECONDS).until(
        shown.presence_of_all_elements_located((By.CSS_SELECTOR, ".opblock-summary-path"))
    )
    paths = {route.text.replace("\u200b", "") for route in routes}
    assert {"/predict", "/predict/batch", "/health/ready", "/model"} <= paths
    picture = screenshot_path(tmp_path, "kitchen-docs-offline.png")
    assert offline_browser.save_screenshot(str(picture))
