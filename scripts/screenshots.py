"""Screenshots of every page of every demo role, for looking at the whole product at once (`make screenshots`).

Starts `junheng demo` on a free port in a temporary folder, opens a survey link as the first county office
would, then logs in as each demo user and walks their pages: the home, the navigation and every link of
each page reached, one page per URL pattern (the county of 60 schools gives one school page, not 60),
at most `--max-pages` per user. Every page is shot full-length at 1366×900; the survey respondent's page
and the clerk's form also at 390×844, as on a phone. `index.html` in the output folder lists them by user
and page, with the pages that answered with an error or logged a script error marked.

    python scripts/screenshots.py [--out screenshots] [--users demo-city,demo-school-1] [--max-pages 60]
"""

from __future__ import annotations

import argparse
import html
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Without these Chromium keeps trying to reach Google's hosts, which a closed network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
DEMO_PASSWORD = "junheng-demo"
SURVEY_OFFICE = "demo-county-1"  # the demo user who starts a survey so that a respondent's page exists
CLERK_FORM = "collection:school"  # the clerk's form, shot again on a phone
# URL names never visited: downloads (workbooks, CSV, JSON, evidence files, the report) and logging out.
SKIPPED_NAMES = re.compile(r"excel|export|json|report|evidence$|validate|logout")
SKIPPED_NAMESPACES = {"admin", "api"}
PAGE_TIMEOUT_MS = 120_000  # the plan page solves the county's plan, up to ~40 s on the demo's counties


@dataclass(frozen=True, slots=True)
class Login:
    """A demo user and what the demo says they act as."""

    username: str
    role: str


@dataclass(frozen=True, slots=True)
class Shot:
    """One page as shot: whose, which URL pattern, where the picture is, and what went wrong there."""

    username: str
    pattern: str
    url: str
    title: str
    file: str  # relative to the output folder
    status: int
    errors: tuple[str, ...] = ()


@dataclass
class Crawl:
    """The pages one user has reached so far, one per URL pattern."""

    username: str
    out: Path
    max_pages: int
    shots: list[Shot] = field(default_factory=list)
    patterns: set[str] = field(default_factory=set)


def url_pattern(path: str) -> tuple[str, str] | None:
    """The Django route a path resolves to and its view name, or None for a path not to visit."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        return None
    if SKIPPED_NAMESPACES & set(match.namespaces) or SKIPPED_NAMES.search(match.url_name or ""):
        return None
    return match.route, match.view_name or match.route


def log_in(context: BrowserContext, base_url: str, username: str, password: str = DEMO_PASSWORD) -> Page:
    """A page of `context` logged in as `username`, on the user's home."""
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
    return page


def shoot(page: Page, crawl: Crawl, url: str, view_name: str, *, suffix: str = "") -> Shot:
    """Open `url` in `page`, shoot it full-length and record it."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    def on_error(error: Error) -> None:
        errors.append(str(error))

    page.on("console", on_console)
    page.on("pageerror", on_error)
    try:
        response = page.goto(url)
        page.wait_for_load_state("networkidle")
    finally:
        page.remove_listener("console", on_console)
        page.remove_listener("pageerror", on_error)
    number = len(crawl.shots) + 1
    relative = f"{crawl.username}/{number:02d}-{view_name.replace(':', '-')}{suffix}.png"
    (crawl.out / crawl.username).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=crawl.out / relative, full_page=True)
    shot = Shot(
        username=crawl.username,
        pattern=f"{view_name}{suffix}",
        url=urlsplit(page.url)._replace(scheme="", netloc="").geturl(),
        title=page.title(),
        file=relative,
        status=response.status if response is not None else 0,
        errors=tuple(errors),
    )
    crawl.shots.append(shot)
    return shot


def links(page: Page, base_url: str) -> list[str]:
    """The same-site links of the page, in document order, without fragments."""
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "anchors => anchors.map(a => a.href)")
    origin = urlsplit(base_url).netloc
    found = []
    for href in hrefs:
        parts = urlsplit(urljoin(page.url, href))
        if parts.netloc == origin and parts.scheme in ("http", "https"):
            found.append(parts._replace(fragment="").geturl())
    return found


def crawl(
    browser: Browser,
    base_url: str,
    username: str,
    out: Path,
    *,
    password: str = DEMO_PASSWORD,
    max_pages: int = 60,
    phone_views: Sequence[str] = (CLERK_FORM,),
) -> list[Shot]:
    """Shoot every page `username` reaches from their home by links, one per URL pattern, at most `max_pages`.

    Pages whose view is in `phone_views` are shot again at 390×844.
    """
    state = Crawl(username=username, out=out, max_pages=max_pages)
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)  # type: ignore[arg-type]
    try:
        page = log_in(context, base_url, username, password)
        queue = [f"{base_url}/"]
        while queue and len(state.shots) < max_pages:
            url = queue.pop(0)
            found = url_pattern(urlsplit(url).path)
            if found is None or found[0] in state.patterns:
                continue
            state.patterns.add(found[0])
            shot = shoot(page, state, url, found[1])
            queue.extend(links(page, base_url))
            if found[1] in phone_views:
                with _context(browser, PHONE, context) as phone:
                    shoot(phone, state, f"{base_url}{shot.url}", found[1], suffix="-phone")
    finally:
        context.close()
    return state.shots


@contextmanager
def _context(browser: Browser, viewport: dict[str, int], logged_in: BrowserContext) -> Iterator[Page]:
    """A page at `viewport` sharing the cookies (the session) of `logged_in`."""
    context = browser.new_context(locale="zh-CN", viewport=viewport)  # type: ignore[arg-type]
    context.add_cookies(logged_in.cookies())  # type: ignore[arg-type]
    try:
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        yield page
    finally:
        context.close()


def respondent_page(browser: Browser, base_url: str, out: Path) -> list[Shot]:
    """As the first county office, start a survey, publish it and issue one parent's link; shoot the printed
    links and, on a phone, the respondent's page behind the link."""
    office = Crawl(username=SURVEY_OFFICE, out=out, max_pages=1)
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)  # type: ignore[arg-type]
    try:
        page = log_in(context, base_url, SURVEY_OFFICE)
        page.locator("nav.modules").get_by_role("link", name="社会认可度调查").click()
        page.fill("input[name=year]", "2025")
        page.fill("input[name=title]", "永兴县 2025 年度义务教育满意度调查")
        page.fill("input[name=resident_population]", "500000")
        page.locator("form", has=page.locator("input[name=resident_population]")).locator("button").click()
        page.get_by_role("button", name="发布调查").click()
        page.fill("input[name=count]", "2")
        page.get_by_role("button", name="生成链接和二维码").click()
        page.wait_for_load_state("networkidle")
        (out / SURVEY_OFFICE).mkdir(parents=True, exist_ok=True)
        printed = f"{SURVEY_OFFICE}/00-survey-links.png"
        page.screenshot(path=out / printed, full_page=True)
        office.shots.append(Shot(SURVEY_OFFICE, "survey:links", "（发放链接后的打印页）", page.title(), printed, 200))
        link = page.locator("a[href*='/survey/r/']").first.get_attribute("href") or ""
    finally:
        context.close()
    respondent = Crawl(username="respondent", out=out, max_pages=1)
    phone = browser.new_context(locale="zh-CN", viewport=PHONE)  # type: ignore[arg-type]
    try:
        page = phone.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        shoot(page, respondent, urljoin(base_url, link), "survey:respond", suffix="-phone")
    finally:
        phone.close()
    return office.shots + respondent.shots


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def demo(folder: Path) -> Iterator[tuple[str, list[Login]]]:
    """`junheng demo` running on a free port with its data in `folder`: its address and its users."""
    port = free_port()
    command = [sys.executable, "-m", "junheng", "demo", "--port", str(port), "--dir", str(folder)]
    log = (folder / "demo.log").open("w+", encoding="utf-8")
    environment = os.environ | {"PYTHONUNBUFFERED": "1"}  # its lines reach us as printed, not at exit
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=log, text=True, encoding="utf-8", env=environment
    )
    try:
        base_url = f"http://127.0.0.1:{port}"
        logins = _wait_for(process, base_url, log)
        yield base_url, logins
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _wait_for(process: subprocess.Popen[str], base_url: str, log: object) -> list[Login]:
    """The demo's users as it prints them (before its server starts), once its server answers."""
    assert process.stdout is not None
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or ()), daemon=True)
    reader.start()
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"演示平台没有启动，见 {getattr(log, 'name', '日志')}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=5):
                break
        except OSError:
            time.sleep(1)
    else:
        raise SystemExit(f"演示平台在 {base_url} 五分钟内没有应答")
    users = (re.match(r"\s+(demo-\S+)\s+(.+?)：", line) for line in list(lines))
    return [Login(user[1], user[2]) for user in users if user]


def write_index(out: Path, logins: Sequence[Login], shots: Sequence[Shot]) -> Path:
    """index.html: the shots by user and page, each a thumbnail linking to the full picture."""
    roles = {login.username: f"{login.username}（{login.role}）" for login in logins}
    roles["respondent"] = "调查对象（无需登录，手机）"
    sections = []
    for username in dict.fromkeys(shot.username for shot in shots):
        items = []
        for shot in (s for s in shots if s.username == username):
            trouble = f"HTTP {shot.status}" if shot.status >= 400 else ""
            if shot.errors:
                trouble = "；".join([trouble, *shot.errors][1 if not trouble else 0 :])
            items.append(
                f'<li{" class=trouble" if trouble else ""}><a href="{html.escape(shot.file)}">'
                f'<img src="{html.escape(shot.file)}" loading="lazy" alt=""></a>'
                f"<p><b>{html.escape(shot.title)}</b><br><code>{html.escape(shot.url)}</code><br>"
                f"<small>{html.escape(shot.pattern)}</small>"
                f"{f'<br><em>{html.escape(trouble)}</em>' if trouble else ''}</p></li>"
            )
        sections.append(f"<h2>{html.escape(roles.get(username, username))}</h2><ul>{''.join(items)}</ul>")
    index = out / "index.html"
    index.write_text(
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>junheng 页面截图</title><style>'
        "body{font-family:sans-serif;margin:1em 2em}ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1em}"
        "li{width:280px}img{width:280px;height:200px;object-fit:cover;object-position:top;border:1px solid #ccc}"
        "li.trouble img{border:3px solid #c00}em{color:#c00}code{font-size:.8em;word-break:break-all}</style>"
        f"<h1>junheng 页面截图（{len(shots)} 张）</h1>{''.join(sections)}</html>",
        encoding="utf-8",
    )
    return index


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="为演示平台每个角色的每个页面截图，并写出 index.html")
    parser.add_argument("--out", type=Path, default=Path("screenshots"), help="截图文件夹（默认 ./screenshots）")
    parser.add_argument("--users", help="只截这些演示账号，逗号分隔（默认全部）")
    parser.add_argument("--max-pages", type=int, default=60, help="每个账号最多截多少个页面（默认 60）")
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="junheng-screenshots-") as folder:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "junheng.web.settings")
        os.environ["JUNHENG_DATA_DIR"] = folder
        import django

        django.setup()  # for resolving paths to their URL patterns only; the demo runs in its own process
        with demo(Path(folder)) as (base_url, logins), sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            wanted = set(args.users.split(",")) if args.users else {login.username for login in logins}
            shots = respondent_page(browser, base_url, out) if SURVEY_OFFICE in wanted else []
            for login in logins:
                if login.username in wanted:
                    started = time.monotonic()
                    done = crawl(browser, base_url, login.username, out, max_pages=args.max_pages)
                    print(f"{login.username}：{len(done)} 张，{time.monotonic() - started:.0f} 秒", flush=True)
                    shots += done
            browser.close()
    index = write_index(out, logins, shots)
    troubled = [shot for shot in shots if shot.status >= 400 or shot.errors]
    print(f"共 {len(shots)} 张截图：{index}")
    for shot in troubled:
        print(f"  有问题：{shot.username} {shot.url} HTTP {shot.status} {'；'.join(shot.errors)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
