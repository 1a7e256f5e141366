"""Signs in through the real form in headless Chromium and saves screenshots of the main pages.

Usage: python3 scripts/screenshots.py http://127.0.0.1:8080 OUT_DIR [EMAIL]
EMAIL is the demo account to sign in as (default khanhhoa@demo.amity).
Needs Debian's chromium and chromium-driver, and `pip install selenium`.
"""
import sys
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

base, out = sys.argv[1].rstrip("/"), Path(sys.argv[2])
email = sys.argv[3] if len(sys.argv) > 3 else "khanhhoa@demo.amity"
out.mkdir(parents=True, exist_ok=True)
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]:
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    for width, label in [(1280, "desktop"), (390, "phone")]:
        driver.set_window_size(width, 900)
        driver.delete_all_cookies()
        driver.get(base + "/login")
        driver.save_screenshot(str(out / f"login-{label}.png"))
        driver.find_element(By.ID, "email").send_keys(email)
        driver.find_element(By.ID, "password").send_keys("amity-demo")
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        assert "/login" not in driver.current_url, driver.page_source[:500]
        pages = [
            ("home", "/"),
            ("tree", "/org-units?as_of=2024-06-30"),
            ("search", "/search?q=da+nang"),
            ("audit", "/audit"),
            ("partners", "/partners"),
            ("agreements", "/agreements"),
            ("delegations", "/delegations"),
            ("delegation-new", "/delegations/new"),
            ("events", "/events?year=2023"),
            ("calendar", "/calendar?month=2025-05"),
            ("reports", "/reports/periodic"),
            ("report-forms", "/report-forms"),
            ("report-form", "/report-forms/BC-NAM"),
            ("agreements-in-force", "/agreements?in_force_on=31%2F12%2F2023"),
            ("ngos", "/ngos"),
            ("aid", "/aid?year=2025"),
            ("applications", "/applications"),
            ("application", "/applications/2"),
            ("report", "/reports/1"),
            ("summary", "/reports?period=2023&structure=current"),
            ("dashboard", "/dashboard?year=2023"),
            ("plans", "/plans"),
            ("plan", "/plans/1"),
            ("emulation", "/emulation?year=2023"),
            ("awards", "/awards"),
        ]
        for name, path in pages:
            driver.get(base + path)
            height = driver.execute_script("return document.body.scrollHeight")
            driver.set_window_size(width, min(height + 100, 2400))
            driver.save_screenshot(str(out / f"{name}-{label}.png"))
        driver.get(base + "/search?q=da+nang")
        link = driver.find_element(By.PARTIAL_LINK_TEXT, "thành phố Đà Nẵng")
        link.click()
        height = driver.execute_script("return document.body.scrollHeight")
        driver.set_window_size(width, min(height + 100, 3000))
        driver.save_screenshot(str(out / f"unit-{label}.png"))
    print("saved", sorted(p.name for p in out.glob("*.png")))
finally:
    driver.quit()
