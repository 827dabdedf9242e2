"""The dashboards' scripts are served by the platform itself: Apache ECharts from /static/, no CDN anywhere."""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client

WEB = Path(__file__).resolve().parents[2] / "src" / "junheng" / "web"
ECHARTS = "junheng/vendor/echarts.min.js"
# An address on another host in an attribute or a CSS url(): //cdn…, http://…, https://…
REMOTE = re.compile(
    r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import\s+["']?(?:https?:)?//""",
    re.I,
)


def test_echarts_is_found_by_the_staticfiles_finders_with_its_licence_header() -> None:
    found = finders.find(ECHARTS)
    assert isinstance(found, str)
    head = Path(found).read_text(encoding="utf-8")[:1200]
    assert "Licensed to the Apache Software Foundation (ASF)" in head
    assert "http://www.apache.org/licenses/LICENSE-2.0" in head


def test_the_platform_itself_serves_echarts_under_static(client: Client) -> None:
    assert static(ECHARTS) == "/static/junheng/vendor/echarts.min.js"
    response = client.get(static(ECHARTS))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(("text/javascript", "application/javascript"))
    assert b"Licensed to the Apache Software Foundation" in b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_the_vendored_version_is_the_one_the_readme_names() -> None:
    found = finders.find(ECHARTS)
    assert isinstance(found, str)
    version = re.search(r'version="(\d+\.\d+\.\d+)"', Path(found).read_text(encoding="utf-8"))
    assert version is not None
    assert f"**{version.group(1)}**" in (WEB / "static" / "junheng" / "vendor" / "README.md").read_text(
        encoding="utf-8"
    )


def _templates_and_styles() -> list[Path]:
    return sorted(
        p for p in WEB.rglob("*") if p.suffix in {".html", ".css"} and "vendor" not in p.parts and p.is_file()
    )


def test_no_template_or_stylesheet_loads_anything_from_another_host() -> None:
    paths = _templates_and_styles()
    assert any(p.name == "county.html" for p in paths)  # the walk does reach the dashboards
    offenders = [f"{p.relative_to(WEB)}: {m.group(0)}" for p in paths for m in REMOTE.finditer(p.read_text("utf-8"))]
    assert offenders == []


def test_the_remote_address_check_catches_a_cdn_script() -> None:
    assert REMOTE.search('<script src="https://cdn.jsdelivr.net/npm/echarts@5/dist/echarts.min.js"></script>')
    assert REMOTE.search("<link rel=stylesheet href=//unpkg.com/x.css>")
    assert not REMOTE.search("<script src=\"{% static 'junheng/vendor/echarts.min.js' %}\"></script>")


def test_the_dashboard_layout_loads_echarts_and_its_script_from_static() -> None:
    layout = (WEB / "dashboards" / "templates" / "dashboards" / "_layout.html").read_text(encoding="utf-8")
    assert "{% static 'junheng/vendor/echarts.min.js' %}" in layout
    assert "{% static 'junheng/dashboards.js' %}" in layout
    assert finders.find("junheng/dashboards.js") is not None
