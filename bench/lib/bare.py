"""The baseline: a Flask app with one view that returns "ok", what the framework and server cost
alone. gunicorn imports it as bench.lib.bare:make_app() (serve.BARE)."""


def make_app():
    from flask import Flask

    bare = Flask("bare")

    @bare.route("/", methods=["GET", "POST"])
    def hello():
        return "ok"

    @bare.get("/readyz")
    def ready():
        return "ok"

    return bare
