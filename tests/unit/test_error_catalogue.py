"""One error catalogue: every domain error lives in app/services/errors.py with a code of its own."""

import importlib
import pkgutil

import app
from app.services import errors


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_domain_error_is_in_the_catalogue_with_its_own_code():
    for info in pkgutil.walk_packages(app.__path__, "app."):  # load every module that could define one
        importlib.import_module(info.name)
    found = list(_all_subclasses(errors.DomainError))
    assert len(found) >= 20
    outside = [f"{c.__module__}.{c.__qualname__}" for c in found if c.__module__ != errors.__name__]
    assert outside == [], "define domain errors in app/services/errors.py"
    codes = [c.code for c in found if "code" in vars(c)]  # a flavour (TooLate) keeps its parent's
    assert len(codes) == len(set(codes)), sorted(codes)
    assert all(400 <= c.status < 600 for c in found)
