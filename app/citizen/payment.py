"""The fee on a dossier's pages: what is due, where to transfer it, the VietQR code, or that it is paid.

The status page's view reads the fee (`fees.on_status_page`, citizen/track.py render_status) and its
partial (templates/citizen/_payment.html) shows it; the QR is drawn here as inline SVG (the
CSP allows no inline style or script, and an SVG of paths needs neither), so it shows with
JavaScript off and offline.
"""

import segno
from markupsafe import Markup

from app.citizen import bp


@bp.app_template_global("vietqr_svg")
def vietqr_svg(payload: str, label: str) -> Markup:
    """Draw the VietQR payload as an inline SVG a banking app scans (4-module quiet zone).

    Its own size on screen, and a viewBox so that print CSS can draw it smaller (the A5 receipt).
    """
    qr = segno.make(payload, error="m")
    width, height = qr.symbol_size(scale=5, border=4)
    svg = qr.svg_inline(scale=5, border=4, title=label, svgclass="vietqr", lineclass=None)
    return Markup(svg.replace("<svg ", f'<svg role="img" viewBox="0 0 {width} {height}" ', 1))
