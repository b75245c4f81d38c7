"""What the benchmarks share: seeding, serving and measuring. Each benchmark is a short script on it.

- `serve`: an app instance's environment; gunicorn on a free port, ready on /readyz, kill -9, restart.
- `db`: the benchmark database (recreated, never `test`), an in-process app, one backend after another.
- `people`: plausible applicants and field values; `photos`: real ~300 KB JPEGs.
- `seed`: 10,000 dossiers with timelines (server benchmarks); `bulk`: 200,000+ for the staff views.
- `measure`: percentiles, closed-loop HTTP load, CPU used by the servers, the database and others.
- `results`: the machine and its load (`uptime`) beside each figure, JSON under bench/results/.

Nothing here imports the app at the top: gunicorn and the load generator's processes import this.
"""
