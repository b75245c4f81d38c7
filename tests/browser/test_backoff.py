"""The outbox's retry rules (static/js/backoff.js), run as the browser runs them.

The module is pure (no storage, no network), so each rule is checked directly: the same
functions sync.js calls after every failed try.
"""

import pytest

pytestmark = pytest.mark.browser

NOW = 1_800_000_000_000  # a fixed clock, in ms


def rules(page, script: str, arg=None):
    """Evaluate `script` with the module as `b` (randomness pinned to the middle: no spread)."""
    page.goto("/offline")
    return page.evaluate(f"""async (arg) => {{
        const b = await import('/static/js/backoff.js');
        const mid = () => 0.5;
        const NOW = {NOW};
        return ({script});
    }}""", arg)


def test_a_failure_while_offline_is_not_counted_and_is_due_when_back(page):
    got = rules(page, """[
        b.afterFailure({ attempts: 2, streak: { kind: 'network', n: 2 } },
                       { status: 0, online: false }, NOW, mid),
        b.afterFailure({}, { status: 0, online: false }, NOW, mid),
    ]""")
    assert got[0] == {"attempts": 2, "streak": {"kind": "network", "n": 2}, "next_at": 0}  # unchanged
    assert got[1] == {"attempts": 0, "streak": None, "next_at": 0}


def test_online_makes_every_waiting_item_due_and_never_tried_go_first(page):
    """What a round sends after `online` (sync.js: woken = that moment), and in which order."""
    got = rules(page, """(() => {
        const items = [
            { id: 'late', state: 'waiting', next_at: NOW + 300000, updated_at: NOW - 50, created_at: 1 },
            { id: 'new', state: 'waiting', next_at: 0, updated_at: NOW - 90, created_at: 5 },
            { id: 'sent', state: 'sent', next_at: 0, updated_at: NOW - 80, created_at: 2 },
            { id: 'fix', state: 'attention', need: 'fix', next_at: 0, updated_at: NOW - 70, created_at: 3 },
            { id: 'signin', state: 'attention', need: 'signin', next_at: 0, updated_at: NOW - 60,
              created_at: 4 },
            { id: 'died', state: 'sending', next_at: NOW - 10, updated_at: NOW - 40, created_at: 6 },
            { id: 'tried', state: 'waiting', next_at: NOW + 2000, updated_at: NOW + 5, created_at: 7 },
        ];
        const ids = (list) => list.map((i) => i.id);
        return {
            before: ids(b.dueItems(items, NOW)),
            woken: ids(b.dueItems(items, NOW + 10, { woken: NOW })),
            signin: ids(b.dueItems(items, NOW + 10, { woken: NOW, signin: true })),
            only: ids(b.dueItems(items, NOW, { only: 'late' })),
        };
    })()""")
    assert got["before"] == ["new", "died"]  # the late one is not due on its own
    # Everything waiting at `online` is due; one tried since then waits its turn again.
    assert got["woken"] == ["new", "died", "late"]
    assert got["signin"] == ["signin", "new", "died", "late"]
    assert got["only"] == ["late"]


def test_a_lost_answer_is_tried_again_within_seconds(page):
    """Network errors while online: 1 s doubling, capped at 5 s, while nothing gets through."""
    got = rules(page, """(() => {
        let item = { attempts: 0 };
        const waits = [];
        for (let k = 0; k < 8; k += 1) {
            item = { ...item, ...b.afterFailure(item, { status: 0, online: true }, NOW + k, mid) };
            waits.push((item.next_at - NOW - k) / 1000);
        }
        const again = (failure) => {
            const next = b.afterFailure(item, { status: 0, online: true, ...failure }, NOW + 9, mid);
            return (next.next_at - NOW - 9) / 1000;
        };
        return { waits, attempts: item.attempts,
                 progress: again({ progress: true }),  // a file of this item went up in the try
                 others: again({ through: NOW + 8 }),   // another item got through since
                 stale: again({ through: NOW + 6 }),    // ... only before this item last failed
                 spread: [b.backoff(2, b.SOON_CAP_MS, () => 0), b.backoff(2, b.SOON_CAP_MS, () => 0.999)] };
    })()""")
    assert got["waits"] == [1, 2, 4, 5, 5, 5, 5, 5]
    assert got["attempts"] == 8
    assert got["progress"] == 1 and got["others"] == 1
    assert got["stale"] == 5
    low, high = got["spread"]
    assert 1600 <= low < high < 2400  # give or take a fifth, so phones do not knock at once


def test_server_errors_back_off_exponentially_to_five_minutes(page):
    got = rules(page, """(() => {
        let item = { attempts: 0, streak: { kind: 'network', n: 6, at: NOW - 1 } };
        const waits = [];
        for (let k = 0; k < 11; k += 1) {
            const status = [503, 502, 500, 408][k % 4];
            const failure = { status, online: true, through: NOW + k };
            item = { ...item, ...b.afterFailure(item, failure, NOW + k, mid) };
            waits.push((item.next_at - NOW - k) / 1000);
        }
        const progress = b.afterFailure(item, { status: 503, online: true, progress: true }, NOW, mid);
        return { waits, streak: item.streak, progress: (progress.next_at - NOW) / 1000 };
    })()""")
    # A network streak does not carry into a server one; 5xx and 408 share one count, which
    # other items getting through does not reset (this one may be what upsets the server).
    assert got["waits"] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    assert got["streak"] == {"kind": "server", "n": 11, "at": NOW + 10}
    assert got["progress"] == 1  # but a file of its own getting through does


def test_429_honours_retry_after_in_seconds_or_as_a_date(page):
    got = rules(page, """(() => {
        const wait = (retryAfter, streak = null) =>
            (b.afterFailure({ attempts: 1, streak }, { status: 429, online: true, retryAfter }, NOW, mid)
             .next_at - NOW) / 1000;
        const date = new Date(NOW + 90000).toUTCString();
        return {
            seconds: wait('120'), number: wait(120), date: wait(date),
            past: wait(new Date(NOW - 5000).toUTCString()),
            none: wait(null), junk: wait('soon'), huge: wait('999999'),
            shorter: wait('1', { kind: 'server', n: 5 }),
            parse: [b.retryAfterMs(' 30 ', NOW), b.retryAfterMs('', NOW), b.retryAfterMs('-5', NOW)],
        };
    })()""")
    assert got["seconds"] == 120 and got["number"] == 120
    assert got["date"] == 90
    assert got["past"] == 1 and got["none"] == 1 and got["junk"] == 1  # then the plain backoff
    assert got["huge"] == 3600  # at most an hour
    assert got["shorter"] == 32  # a short Retry-After never shortens a long burst's wait
    assert got["parse"] == [30000, 0, 0]


def test_the_whole_outbox_holds_back_after_three_failures_in_a_row(page):
    got = rules(page, "[1, 2, 3, 4, 5, 6, 7, 8, 9, 20, 21, 40].map((n) => b.holdAfter(n, mid) / 1000)")
    assert got == [0, 0, 1, 1, 2, 2, 4, 4, 8, 256, 300, 300]
