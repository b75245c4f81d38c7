"""Pure helpers: no Flask, no database. The bottom layer every other one may import."""
