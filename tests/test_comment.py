"""`plans comment`: a plans diff report posted on a pull request as one comment, updated on each
push, never repeated; against a stand-in for GitHub's API on localhost."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from generator.cli import main

REPORT = "<!-- plans-diff -->\n### Plan changes\n\n**1 target changed.**\n"


class FakeGitHub(ThreadingHTTPServer):
    """Issue comments of one pull request, served two to a page as GitHub pages them."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.comments: list[dict[str, Any]] = [{"id": 1, "body": "Looks good to me."}]
        self.calls: list[tuple[str, str, str | None]] = []
        self.refuse = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: FakeGitHub

    def log_message(self, *_: Any) -> None:
        pass

    def _answer(self, status: int, body: Any, link: str | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if link:
            self.send_header("Link", link)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _record(self) -> Any:
        size = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(size)) if size else None
        self.server.calls.append((self.command, self.path, self.headers["Authorization"]))
        return body

    def do_GET(self) -> None:
        self._record()
        if self.server.refuse:
            return self._answer(403, {"message": "Resource not accessible by integration"})
        query = parse_qs(urlsplit(self.path).query)
        page = int(query.get("page", ["1"])[0])
        comments = self.server.comments[(page - 1) * 2 : page * 2]
        more = len(self.server.comments) > page * 2
        base = self.path.split("?")[0]
        link = (
            f'<{self.server.url}{base}?per_page=100&page={page + 1}>; rel="next"' if more else None
        )
        self._answer(200, comments, link)

    def do_POST(self) -> None:
        body = self._record()
        self.server.comments.append({"id": len(self.server.comments) + 1, "body": body["body"]})
        self._answer(201, self.server.comments[-1])

    def do_PATCH(self) -> None:
        body = self._record()
        number = int(self.path.rsplit("/", 1)[1])
        (comment,) = (c for c in self.server.comments if c["id"] == number)
        comment["body"] = body["body"]
        self._answer(200, comment)


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    server = FakeGitHub()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def comment(tmp_path: Path, github: FakeGitHub, report: str, token: str = "t0ken") -> Any:
    path = tmp_path / "review.md"
    path.write_text(report, encoding="utf-8")
    arguments = ["comment", str(path), "--repository", "anyshire/plans", "--pull", "7"]
    env = {"GITHUB_TOKEN": token, "GITHUB_API_URL": github.url}
    return CliRunner().invoke(main, arguments, env=env)


def test_the_first_report_is_posted_and_later_ones_update_it(
    tmp_path: Path, github: FakeGitHub
) -> None:
    github.comments.append({"id": 2, "body": "Please check the target."})
    github.comments.append({"id": 3, "body": "And the funding."})  # the report is on page 2
    first = comment(tmp_path, github, REPORT)
    assert (first.exit_code, first.output) == (0, "Posted the review on anyshire/plans#7.\n")
    assert github.comments[-1] == {"id": 4, "body": REPORT}
    second = comment(tmp_path, github, REPORT.replace("1 target", "2 targets"))
    assert (second.exit_code, second.output) == (0, "Updated the review on anyshire/plans#7.\n")
    assert len(github.comments) == 4, "one comment, never repeated"
    assert github.comments[-1]["body"].startswith("<!-- plans-diff -->\n### Plan changes\n\n**2")
    assert [c[0] for c in github.calls] == ["GET", "GET", "POST", "GET", "GET", "PATCH"]
    assert github.calls[-1][1] == "/repos/anyshire/plans/issues/comments/4"
    assert {c[2] for c in github.calls} == {"Bearer t0ken"}


def test_without_a_token_nothing_is_asked(tmp_path: Path, github: FakeGitHub) -> None:
    result = comment(tmp_path, github, REPORT, token="")
    assert result.exit_code == 1 and github.calls == []
    assert "Error: set GITHUB_TOKEN" in result.output


def test_only_a_plans_diff_report_is_posted(tmp_path: Path, github: FakeGitHub) -> None:
    result = comment(tmp_path, github, "Hello\n")
    assert result.exit_code == 1 and github.calls == []
    assert "does not start with <!-- plans-diff -->" in result.output


def test_a_refusal_by_github_is_one_line(tmp_path: Path, github: FakeGitHub) -> None:
    github.refuse = True  # as for a token that may not write (a fork's)
    result = comment(tmp_path, github, REPORT)
    assert result.exit_code == 1
    assert result.output.startswith("Error: GitHub answered 403 to GET ")
    assert "Resource not accessible by integration" in result.output
    assert result.output.count("\n") == 1
