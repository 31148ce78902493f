"""How CSS hides an element: declarations, the hiding kind they amount to, and the classes and ids
hidden by simple rules of the page's <style> sheets (StyleSheets)."""
from __future__ import annotations

import re

from lxml import etree

_STYLE_SHEETS = etree.XPath("//style")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_SIMPLE_SELECTOR = re.compile(r"^([a-z][a-z0-9]*)?([.#])([\w-]+)$", re.I)
_SELECTOR_TOKEN = re.compile(r"([.#])([\w-]+)")
_LENGTH = re.compile(r"^(-?\d*\.?\d+)\s*(px|pt|em|rem|ex|ch|%|vw|vh|cm|mm|in)?$")
_FONT_SIZE_IN_SHORTHAND = re.compile(r"(?:^|\s)(\d*\.?\d+)(px|pt|em|rem|%)?(?=/|\s|$)")
_PX = {None: 1.0, "px": 1.0, "pt": 4 / 3, "em": 16.0, "rem": 16.0, "ex": 8.0, "ch": 8.0, "%": 10.0, "vw": 10.0,
       "vh": 10.0, "cm": 37.8, "mm": 3.78, "in": 96.0}
# Properties that can undo each kind of hiding, for rules that show a hidden class again.
_KIND_PROPS = {
    "display": ("display",), "visibility": ("visibility",), "font": ("font-size", "font"), "opacity": ("opacity",),
    "offscreen": ("position", "left", "top", "right", "text-indent", "margin-left", "margin-top"),
    "size": ("height", "width", "max-height", "max-width", "overflow"), "clip": ("clip", "clip-path", "position"),
}


def _declarations(text: str) -> dict[str, str]:
    decls = {}
    for part in text.split(";"):
        prop, sep, value = part.partition(":")
        if sep:
            decls[prop.strip().lower()] = value.lower().replace("!important", "").strip()
    return decls


def _px(value: str | None) -> float | None:
    match = _LENGTH.match((value or "").strip())
    return float(match.group(1)) * _PX[match.group(2)] if match else None


def _far_negative(value: str | None) -> bool:
    px = _px(value)
    return px is not None and px <= -999


def _is_zero(value: str | None) -> bool:
    px = _px(value)
    return px is not None and px == 0


def _tiny_font(d: dict[str, str]) -> bool:
    px = _px(d.get("font-size"))
    if px is None and "font" in d:
        match = _FONT_SIZE_IN_SHORTHAND.search(d["font"])  # "font: 0/0 a"
        px = float(match.group(1)) * _PX[match.group(2)] if match else None
    return px is not None and px <= 1.4


def _offscreen(d: dict[str, str]) -> bool:
    if any(_far_negative(d.get(p)) for p in ("text-indent", "margin-left", "margin-top")):
        return True
    positioned = d.get("position") in ("absolute", "fixed", "relative")
    return positioned and any(_far_negative(d.get(p)) for p in ("left", "top", "right"))


def _zero_size(d: dict[str, str]) -> bool:
    clipped = any(d.get(p) in ("hidden", "clip") for p in ("overflow", "overflow-x", "overflow-y"))
    zero = any(_is_zero(d.get(p)) for p in ("height", "width", "max-height", "max-width"))
    padded = any(k.startswith("padding") and any(_px(v) for v in d[k].split()) for k in d)  # video wrappers
    return clipped and zero and not padded


def _clipped(d: dict[str, str]) -> bool:
    clip = d.get("clip", "")
    if clip.startswith("rect(") and d.get("position") in ("absolute", "fixed"):
        sizes = [_px(v) for v in re.findall(r"-?\d*\.?\d+(?:px)?", clip)]
        return bool(sizes) and all(s is not None and s <= 1 for s in sizes)
    return d.get("clip-path", "").replace(" ", "") in ("inset(50%)", "inset(100%)", "circle(0)", "circle(0px)")


# The properties each test below reads first: without one of them nothing hides (most rules).
_HIDING_PROPS = frozenset({"display", "visibility", "font-size", "font", "opacity", "text-indent", "margin-left",
                           "margin-top", "left", "top", "right", "overflow", "overflow-x", "overflow-y", "clip",
                           "clip-path"})


def hiding_kind(d: dict[str, str]) -> str | None:
    """How the declarations `d` hide an element ('display', 'font', 'offscreen', ...), or None."""
    if not d or d.keys().isdisjoint(_HIDING_PROPS):
        return None
    if d.get("display") == "none":
        return "display"
    if d.get("visibility") in ("hidden", "collapse"):
        return "visibility"
    if _tiny_font(d):
        return "font"
    px = _px(d.get("opacity"))
    if px is not None and px <= 0.05:
        return "opacity"
    if _offscreen(d):
        return "offscreen"
    if _zero_size(d):
        return "size"
    if _clipped(d):
        return "clip"
    return None


def _css_rules(css: str) -> list[tuple[str, str, bool]]:
    """(selector, declaration text, inside an at-rule) for each rule of a style sheet."""
    css = _CSS_COMMENT.sub(" ", css)
    rules, stack, start, leaf = [], [], 0, False
    for match in re.finditer(r"[{}]", css):
        pos = match.start()
        if match.group() == "{":
            stack.append(css[start:pos].rsplit(";", 1)[-1].strip())
            leaf = True
        elif stack:
            prelude = stack.pop()
            if leaf and not prelude.startswith("@"):
                rules.append((prelude, css[start:pos], any(p.startswith("@") for p in stack)))
            leaf = False
        start = pos + 1
    return rules


class StyleSheets:
    """Classes and ids hidden by simple rules of the page's <style> blocks."""

    def __init__(self, root):
        rules = [r for style in _STYLE_SHEETS(root) for r in _css_rules(style.text or "")]
        self.by_token: dict[str, list[tuple[int, str | None, dict[str, str]]]] = {}
        kinds: dict[str, str] = {}
        simple: dict[int, tuple[dict[str, str], str]] = {}  # a hiding rule's declarations and kind
        for order, (selectors, text, conditional) in enumerate(rules):
            if conditional:
                continue
            matches = [m for s in selectors.split(",") if (m := _SIMPLE_SELECTOR.match(s.strip()))]
            # declarations parsed only for rules that could hide a class or id: most rules have no simple selector
            kind = hiding_kind(decls := _declarations(text)) if matches else None
            if kind is None:
                continue
            for match in matches:
                token = match.group(2) + match.group(3)
                tag = match.group(1).lower() if match.group(1) else None
                self.by_token.setdefault(token, []).append((order, tag, decls))
                kinds[token] = kind
            simple[order] = decls, kind
        for token in self._shown_again(rules, kinds, simple):
            self.by_token.pop(token, None)

    @staticmethod
    def _shown_again(rules, kinds: dict[str, str], simple: dict[int, tuple[dict[str, str], str]]) -> set[str]:
        """Tokens that another rule (a state class, a media query, a child rule) shows again."""
        shown = set()
        if not kinds:
            return shown
        for order, (selectors, text, _) in enumerate(rules):
            decls, own_kind = simple.get(order) or (None, None)
            for dot, name in _SELECTOR_TOKEN.findall(selectors):
                kind = kinds.get(dot + name)
                if kind is None or own_kind == kind:
                    continue
                if decls is None:
                    decls = _declarations(text)
                    own_kind = hiding_kind(decls)
                    if own_kind == kind:
                        continue
                if any(p in decls for p in _KIND_PROPS[kind]) and own_kind != kind:
                    shown.add(dot + name)
        return shown

    def declarations(self, el) -> dict[str, str]:
        """The element's declarations: matching sheet rules in order, then its inline style."""
        decls: dict[str, str] = {}
        if self.by_token:
            tokens = ["." + c for c in (el.get("class") or "").split()] + ["#" + (el.get("id") or "").strip()]
            matched = [m for t in tokens for m in self.by_token.get(t, ()) if m[1] in (None, el.tag)]
            for _, _, rule in sorted(matched, key=lambda m: m[0]):
                decls.update(rule)
        style = el.get("style")
        if style:
            decls.update(_declarations(style))
        return decls
