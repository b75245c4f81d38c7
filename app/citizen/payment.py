"""The fee on a dossier's pages: what is due, where to transfer it, the VietQR code, or that it is paid.

The status page's partial (templates/citizen/_payment.html) asks `payment_fee(dossier)`, as its
neighbours ask `rating_of`; the QR is drawn here as inline SVG (the CSP allows no inline style
or script, and an SVG of paths needs neither), so it shows with JavaScript off and offline.
"""

import segno
from markupsafe import Markup

from app.citizen import bp
from app.services.payments import fees


@bp.app_template_global("payment_fee")
def payment_fee(dossier) -> fees.Fee | None:
    """Return the dossier's fee and payment for its page, or None if it owes nothing."""
    return fees.fee_of(dossier)


@bp.app_template_global("vietqr_svg")
def vietqr_svg(payload: str, label: str) -> Markup:
    """Draw the VietQR payload as an inline SVG a banking app scans (4-module quiet zone)."""
    qr = segno.make(payload, error="m")
    svg = qr.svg_inline(scale=5, border=4, title=label, svgclass="vietqr", lineclass=None)
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))
