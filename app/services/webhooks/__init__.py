"""Outbound messages to departments' systems: signed webhooks and the national portal.

- `subscriptions`: an agency's endpoints (add with a `whsec_` secret shown once, rotate, disable).
- `signing`: Standard Webhooks headers (the `standardwebhooks` reference library).
- `queue`: the `on_commit` listener: the change's deliveries are written in its transaction.
- `portal`: the national portal's DongBoHoSoMC / CapNhatTienDoHoSoMC records.
- `delivery`: the worker's part: claim due messages in order per dossier, send, retry.
- `outbound`: HTTP to agency-given addresses: public hosts only, pinned IP, no redirects.
"""
