// Service worker: built in the offline-first issue.
