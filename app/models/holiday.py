"""The holiday table: seeded from the `holidays` package, editable for yearly day swaps."""

from datetime import date

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Holiday(db.Model):
    day: Mapped[date] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    # False: a day off (public holiday or swapped day). True: a Saturday or Sunday the
    # government declared a working day in exchange for a bridged day off.
    is_working_day: Mapped[bool] = mapped_column(default=False)
