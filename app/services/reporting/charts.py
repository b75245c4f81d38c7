"""Small server-side SVG charts, readable on a phone, with no script and no inline style.

Colours are SVG presentation attributes (not `style=`), which the CSP allows.
"""

from markupsafe import Markup, escape

BLUE, GREEN, AMBER, RED, GREY = "#0b5394", "#1e7d32", "#b26a00", "#b3261e", "#9aa4b2"
SERIES = {"received": BLUE, "resolved": GREEN, "early": GREEN, "on_time": AMBER, "overdue": RED}


def _svg(width: int, height: int, body: list[str], title: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>'
        + "".join(body) + "</svg>"
    )


def paired_bars(rows: list[tuple[str, int, int]], labels: tuple[str, str], title: str) -> Markup:
    """One row per department: its name, then two bars (e.g. received and resolved)."""
    width, bar, gap, row_h = 360, 10, 2, 40
    top = max([max(a, b) for _n, a, b in rows] + [1])
    body = [
        f'<rect x="0" y="2" width="10" height="10" fill="{BLUE}"/>'
        f'<text x="14" y="11" font-size="11">{escape(labels[0])}</text>'
        f'<rect x="150" y="2" width="10" height="10" fill="{GREEN}"/>'
        f'<text x="164" y="11" font-size="11">{escape(labels[1])}</text>'
    ]
    y = 22
    for name, a, b in rows:
        body.append(f'<text x="0" y="{y + 10}" font-size="11">{escape(name)}</text>')
        for i, (value, colour) in enumerate(((a, BLUE), (b, GREEN))):
            w = round((width - 60) * value / top, 1)
            yy = y + 14 + i * (bar + gap)
            shown = f"{value:,}".replace(",", ".")  # Vietnamese thousands separator
            body.append(f'<rect x="0" y="{yy}" width="{w}" height="{bar}" fill="{colour}"/>'
                        f'<text x="{w + 4}" y="{yy + 9}" font-size="10">{shown}</text>')
        y += row_h
    return _svg(width, y + 4, body, title)


def share_bars(rows: list[tuple[str, dict[str, int]]], labels: dict[str, str], title: str) -> Markup:
    """One 100 % bar per row split into early / on time / overdue."""
    width, row_h, bar = 360, 34, 14
    keys = ("early", "on_time", "overdue")
    body, x = [], 0
    for key in keys:
        body.append(f'<rect x="{x}" y="2" width="10" height="10" fill="{SERIES[key]}"/>'
                    f'<text x="{x + 14}" y="11" font-size="11">{escape(labels[key])}</text>')
        x += 120
    y = 22
    for name, counts in rows:
        total = sum(counts[k] for k in keys)
        body.append(f'<text x="0" y="{y + 10}" font-size="11">{escape(name)}</text>')
        x = 0.0
        for key in keys:
            w = (width * counts[key] / total) if total else 0
            if w:
                body.append(f'<rect x="{x:.1f}" y="{y + 14}" width="{w:.1f}" height="{bar}" '
                            f'fill="{SERIES[key]}"/>')
            x += w
        if not total:
            body.append(f'<rect x="0" y="{y + 14}" width="{width}" height="{bar}" fill="{GREY}"/>')
        y += row_h
    return _svg(width, y + 4, body, title)
