"""What a browser would send for a page's form left as it is: every input's value as rendered."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

NOT_SENT = frozenset({"submit", "button", "file", "reset", "image"})


@dataclass
class Input:
    """One control of a form: its name, type (the tag for select and textarea) and the value it holds."""

    name: str
    type: str
    value: str


@dataclass
class _Form:
    attrs: dict[str, str]
    inputs: list[Input] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self._form: _Form | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._option: list[str] | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, pairs: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in pairs}
        if tag == "form":
            self._form = _Form(attrs)
            self.forms.append(self._form)
        if self._form is None or ("name" not in attrs and tag != "option"):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            checkable = kind in ("checkbox", "radio")
            if kind not in NOT_SENT and (not checkable or "checked" in attrs):
                self._form.inputs.append(Input(attrs["name"], kind, attrs.get("value", "on" if checkable else "")))
        elif tag == "select":
            self._select = (attrs["name"], [])
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value", "")] if "value" in attrs else []
            self._select[1].append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea":
            self._textarea = (attrs["name"], [])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options = self._select
            chosen = [value for value, selected in options if selected] or [value for value, _ in options[:1]]
            self._form.inputs.extend(Input(name, "select", value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text = self._textarea
            # The HTML parser keeps the newline that follows <textarea>; a browser drops it.
            self._form.inputs.append(Input(name, "textarea", "".join(text).removeprefix("\n")))
            self._textarea = None


def form_inputs(html: str, *, holding: str) -> list[Input]:
    """The controls of the page's form that holds a control named `holding`, with the values they show."""
    reader = _Reader()
    reader.feed(html)
    found = [form for form in reader.forms if any(control.name == holding for control in form.inputs)]
    assert len(found) == 1, f"{len(found)} forms hold “{holding}”"
    return found[0].inputs


def submitted(inputs: list[Input]) -> dict[str, list[str]]:
    """The POST a browser sends for these controls untouched."""
    data: dict[str, list[str]] = {}
    for control in inputs:
        data.setdefault(control.name, []).append(control.value)
    return data
