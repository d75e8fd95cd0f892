"""The smallest Flask app, served with the same gunicorn settings as quizapp in bench/load.py, so
that quizapp's figures can be read as ratios of what this machine can do at all."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "Hello, world"


@app.route("/healthz")
def healthz() -> str:
    return "ok"
