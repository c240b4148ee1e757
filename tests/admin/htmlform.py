"""Read an admin page's form the way a browser submits it (inputs, selects, textareas)."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._select_multiple = False
        self._select_first: str | None = None
        self._select_chosen = False
        self._option_value: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        if tag == "input":
            self._input(a)
        elif tag == "select" and a.get("name"):
            self._select, self._select_multiple = a["name"], "multiple" in a
            self._select_first, self._select_chosen = None, False
        elif tag == "option" and self._select is not None:
            self._option(a)
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []

    def _input(self, a):
        name, kind = a.get("name"), a.get("type", "text")
        if not name or kind in ("submit", "button", "file", "image", "reset"):
            return
        if kind in ("checkbox", "radio") and "checked" not in a:
            return
        default = "on" if kind in ("checkbox", "radio") else ""
        self.data.setdefault(name, []).append(a.get("value") or default)

    def _option(self, a):
        value = a.get("value", "")
        if self._select_first is None:
            self._select_first = value
        if "selected" in a:
            self.data.setdefault(self._select, []).append(value)
            self._select_chosen = True

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and not self._select_multiple:
                self.data.setdefault(self._select, []).append(self._select_first or "")
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.data.setdefault(self._textarea, []).append(text.removeprefix("\n"))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def form_data(html: str, form_id: str) -> dict[str, str | list[str]]:
    """Field name → value(s) as the form would be posted unchanged."""
    parser = _FormParser(form_id)
    parser.feed(html)
    return {k: (v if len(v) > 1 else v[0]) for k, v in parser.data.items()}


def change_form_data(response, model_name: str) -> dict[str, str | list[str]]:
    data = form_data(response.content.decode(), f"{model_name}_form")
    # The empty "__prefix__" template rows are not submitted by the admin's JavaScript.
    return {k: v for k, v in data.items() if "__prefix__" not in k}
