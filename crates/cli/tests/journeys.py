"""Browser journeys through the real pages of a running Amity server with the demo loaded.

Usage: python3 journeys.py BASE_URL SHOTS_DIR

(a) Khánh Hòa's staff file the 2024 annual report and central staff approve it;
(b) an event with a partner and a country typed by name, and an inbound delegation with a
    budget of 50.000.000, submitted and approved by the union's head;
(c) an NGO files an application with its documents, the office asks for more, the NGO answers
    with a file, the office approves;
(d) every page of the menu of each demo role: no untranslated message key, no stored code,
    nothing wider than a 390 px phone.

Each step is saved as a screenshot at 1280 and 390 px in SHOTS_DIR. Needs Debian's chromium and
chromium-driver, and `pip install selenium`. Exits non-zero, naming the step, at the first
failure.
"""

import re
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import (
    NoAlertPresentException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE, SHOTS = sys.argv[1].rstrip("/"), Path(sys.argv[2])
SHOTS.mkdir(parents=True, exist_ok=True)
PASSWORD = "amity-demo"
WIDE, PHONE = 1280, 390
# Message keys of the locales shown as they are, and codes kept in the database (snake_case).
KEY = re.compile(
    r"\b(?:nav|field|vocab|problem|audit|todo|report|reports|periodic|applications|delegation|"
    r"event|error|role|kind|plan|aid|ngos|dashboard|calendar|confirm|country|region)-[a-z]+(?:-[a-z]+)*\b"
)
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=vi",
]:
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(30)
step_number = 0


def fail(message):
    raise AssertionError(message)


def width(pixels):
    driver.set_window_size(pixels, 900)


def shot(name):
    """Saves the page at both widths, then returns to the one the journey runs at."""
    global step_number
    step_number += 1
    current = driver.get_window_size()["width"]
    for pixels, label in [(WIDE, "1280"), (PHONE, "390")]:
        width(pixels)
        driver.save_screenshot(str(SHOTS / f"{step_number:03d}-{name}-{label}.png"))
    width(current)


def go(path):
    driver.get(BASE + path)


def text():
    return driver.find_element(By.TAG_NAME, "body").text


def sign_in(email):
    driver.delete_all_cookies()
    go("/lang/vi")
    go("/login")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    click("//main//form//button[@type='submit']")
    if "/login" in driver.current_url:
        fail(f"{email} could not sign in: {text()[:300]}")


def accept_confirmation():
    try:
        driver.switch_to.alert.accept()
    except NoAlertPresentException:
        pass


def click(xpath):
    """Presses a button or link that loads a page, answers its question, waits for the page."""
    for attempt in range(3):
        try:
            old = driver.find_element(By.TAG_NAME, "html")
            driver.find_element(By.XPATH, xpath).click()
            break
        except (StaleElementReferenceException, WebDriverException):
            # The page was still settling (a redirect); find the button again.
            if attempt == 2:
                raise
            time.sleep(0.5)
    accept_confirmation()

    def replaced(_):
        try:
            old.is_enabled()
            return False
        except WebDriverException:  # stale, or no longer in any document
            return True

    WebDriverWait(driver, 20).until(replaced)


def move(to):
    """Presses the button of the move to state `to` on a record's page."""
    click(f"//form[input[@name='to' and @value='{to}']]//button[@type='submit']")


def fill(element_id, value):
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(value)


def expect(words, where):
    page = text()
    if words not in page:
        fail(f"{where}: “{words}” is not on {driver.current_url}:\n{page[:1500]}")


def journey_a():
    """Khánh Hòa files its 2024 annual report; central staff approve it."""
    width(WIDE)
    sign_in("khanhhoa@demo.amity")
    go("/reports/periodic")
    shot("a-reports")
    Select(driver.find_element(By.ID, "nform")).select_by_value("BC-NAM")
    fill("nperiod", "2024")
    click("//form[.//input[@id='nperiod']]//button[@type='submit']")
    expect("Quy đổi theo cơ cấu hiện nay", "a: the 2024 report of the merged union")
    report = driver.current_url
    for element_id, value in [
        ("v-members_new", "6"),
        ("v-funds_mobilized", "1.250.000.000"),
        ("v-media_items", "40"),
        ("v-trainings", "3"),
        ("s-results", "Tiếp 25 đoàn, tổ chức 18 sự kiện giao lưu hữu nghị; ký thỏa thuận với tỉnh Champasak."),
    ]:
        fill(element_id, value)
    shot("a-report-filled")
    click("//button[@name='then' and @value='submitted']")
    expect("chờ Trung ương duyệt", "a: submitted")
    expect("Tiếp 25 đoàn", "a: the text typed before submitting was kept")
    shot("a-report-submitted")
    sign_in("vufo@demo.amity")
    driver.get(report)
    move("approved")
    expect("Đã duyệt", "a: approved by central staff")
    shot("a-report-approved")


def journey_b():
    """An event and an inbound delegation recorded on a phone; the head approves the visit."""
    width(PHONE)
    sign_in("khanhhoa@demo.amity")
    shot("b-home")
    go("/events/new")
    Select(driver.find_element(By.ID, "type")).select_by_value("friendship_exchange")
    day = (date.today() - timedelta(days=3)).strftime("%d/%m/%Y")
    for element_id, value in [
        ("title", "Giao lưu hữu nghị Việt Nam – Lào tại Nha Trang"),
        ("start_on", day),
        ("end_on", day),
        ("place_country", "Việt Nam"),
        ("place", "Nha Trang"),
        ("participants", "80"),
        ("foreign_participants", "12"),
        ("countries", "Lào"),
    ]:
        fill(element_id, value)
    chooser = driver.find_element(By.ID, "partners")
    chooser.find_element(By.CSS_SELECTOR, "input.choose-filter").send_keys("mat tran lao")
    visible = [l for l in chooser.find_elements(By.TAG_NAME, "label") if l.is_displayed()]
    if len(visible) != 1 or "Mặt trận Lào" not in visible[0].text:
        fail(f"b: typing part of the partner's name finds it alone: {[l.text for l in visible]}")
    visible[0].click()
    shot("b-event-form")
    click("//form[.//input[@id='title']]//button[@type='submit']")
    expect("Lào", "b: the event's countries by name")
    expect("Mặt trận Lào", "b: the event's partner")
    shot("b-event-saved")
    go("/delegations/new?direction=inbound")
    start = (date.today() + timedelta(days=30)).strftime("%d/%m/%Y")
    end = (date.today() + timedelta(days=32)).strftime("%d/%m/%Y")
    for element_id, value in [
        ("title", "Đoàn Hội hữu nghị Lào – Việt Nam tỉnh Champasak thăm Khánh Hòa"),
        ("start_on", start),
        ("end_on", end),
        ("head", "Khamphan Sisavath"),
        ("lc1", "Việt Nam"),
        ("lcity1", "Nha Trang"),
        ("lf1", start),
        ("lt1", end),
        ("budget_amount", "50.000.000"),
    ]:
        fill(element_id, value)
    fill("budget_currency", "VND")
    shot("b-delegation-form")
    click("//form[.//input[@id='title']]//button[@type='submit']")
    expect("50.000.000 ₫", "b: the budget as written")
    move("submitted")
    expect("Chờ duyệt", "b: submitted")
    delegation = driver.current_url
    shot("b-delegation-submitted")
    sign_in("head.khanhhoa@demo.amity")
    go("/")
    expect("Champasak thăm Khánh Hòa", "b: the request waits on the head's home page")
    driver.get(delegation)
    move("approved")
    expect("Đã duyệt", "b: approved by the head")
    shot("b-delegation-approved")


def journey_c(files):
    """An NGO files with its documents, is asked for more, answers with a file, is approved."""
    width(WIDE)
    sign_in("ngo@demo.amity")
    go("/applications/new")
    shot("c-choose-procedure")
    click("//a[contains(@href, 'procedure=project_approval')]")
    inputs = driver.find_elements(By.CSS_SELECTOR, "input[type=file]")
    if not inputs:
        fail("c: the procedure's checklist asks for files")
    for i, field in enumerate(inputs):
        field.send_keys(str(files[i % len(files)]))
    fill("arequest", "Phê duyệt dự án nước sạch cho 5 trường tiểu học huyện Khánh Vĩnh.")
    shot("c-documents")
    click("//form[@enctype='multipart/form-data']//button[@type='submit']")
    expect("Mã hồ sơ", "c: a tracking code")
    expect("đang chờ cơ quan xem xét", "c: the state in plain words")
    application = driver.current_url
    shot("c-filed")
    sign_in("vufo@demo.amity")
    driver.get(application)
    for to, comment in [("under_review", ""), ("info_requested", "Bổ sung bản dịch công chứng của văn kiện dự án")]:
        Select(driver.find_element(By.ID, "mto")).select_by_value(to)
        fill("mcomment", comment)
        click("//form[.//select[@id='mto']]//button[@type='submit']")
    expect("Yêu cầu bổ sung", "c: the office asked for more")
    shot("c-info-requested")
    sign_in("ngo@demo.amity")
    driver.get(application)
    expect("Bổ sung bản dịch công chứng", "c: the applicant sees what was asked")
    fill("aanswer", "Gửi kèm bản dịch công chứng.")
    driver.find_element(By.ID, "afiles").send_keys(str(files[0]))
    shot("c-answer")
    click("//form[.//textarea[@id='aanswer']]//button[@type='submit']")
    expect("đang chờ cơ quan xem xét", "c: answered")
    shot("c-answered")
    sign_in("vufo@demo.amity")
    driver.get(application)
    for to in ["under_review", "approved"]:
        Select(driver.find_element(By.ID, "mto")).select_by_value(to)
        click("//form[.//select[@id='mto']]//button[@type='submit']")
    expect("Đã phê duyệt", "c: approved")
    shot("c-approved")


ROLES = [
    "admin@demo.amity",
    "vufo@demo.amity",
    "khanhhoa@demo.amity",
    "head.khanhhoa@demo.amity",
    "quangnam@demo.amity",
    "vietlao@demo.amity",
    "viewer@demo.amity",
    "ngo@demo.amity",
]


def journey_d():
    """Every menu page of every demo role, on a phone: words, not codes, and no sideways scroll."""
    problems = []
    for email in ROLES:
        width(PHONE)
        sign_in(email)
        links = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "nav.main a")]
        who = email.split("@")[0]
        for href in links:
            driver.get(href)
            page = text()
            wide = driver.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth"
            )
            if wide > 1:
                problems.append(f"{who} {href}: {wide} px wider than the phone")
            for found in KEY.findall(page) + CODE.findall(page):
                problems.append(f"{who} {href}: shows “{found}”")
            name = href.replace(BASE, "").strip("/").replace("/", "-") or "home"
            driver.save_screenshot(str(SHOTS / f"d-{who}-{name}-390.png"))
    if problems:
        fail("d:\n" + "\n".join(sorted(set(problems))))


def main():
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for name, body in [("don-de-nghi.pdf", b"%PDF-1.4\n% demo\n"), ("van-kien-du-an.txt", "Văn kiện dự án".encode())]:
            path = Path(folder) / name
            path.write_bytes(body)
            files.append(path)
        try:
            journey_a()
            journey_b()
            journey_c(files)
            journey_d()
        except Exception:
            driver.save_screenshot(str(SHOTS / "failure.png"))
            raise
        finally:
            driver.quit()
    print(f"journeys passed; {len(list(SHOTS.glob('*.png')))} screenshots in {SHOTS}")


main()
