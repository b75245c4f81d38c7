"""Departments connected: what the department API (`/api/v1/agency/...`) stands on.

- `tokens`: bearer tokens of one agency (issued, listed, revoked; only their SHA-256 kept),
  and the workflow actor a token acts as.
- `changes`: the change feed's order: every commit that changes a dossier numbers it, in
  commit order; `changed(dossier, event)` is where services say what happened, and
  `on_commit` where webhooks (and the national portal) queue their work in that transaction.
- `feed`: reading it: cursors, pages of changed dossiers, one dossier, its documents.
- `requests`: the API's writes kept by Idempotency-Key, so a replay gets the first answer.
- `acting`: transitions made through the API (the staff rules, through services/workflow).
- `imports`: dossiers a department received in its own system, through the one submission path.
"""
