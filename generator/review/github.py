"""Posting a review on a pull request as ONE comment: the comment that starts with the report's
marker is updated on each push, never repeated. GitHub's REST API, through the standard library
(`GITHUB_TOKEN`; `GITHUB_API_URL` as Actions sets it)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any

from generator.problems import PlansError

MARKER = "<!-- plans-diff -->"
_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


def _call(method: str, url: str, token: str, body: dict[str, str] | None = None) -> Any:
    """One API call: its JSON and the next page's address (from the Link header), if any."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Accept", "application/vnd.github+json")
    request.add_header("X-GitHub-Api-Version", "2022-11-28")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            link = _NEXT.search(response.headers.get("Link", ""))
            return json.load(response), link.group(1) if link else None
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:200].replace("\n", " ")
        raise PlansError(f"GitHub answered {exc.code} to {method} {url}: {detail}") from None
    except urllib.error.URLError as exc:
        raise PlansError(f"cannot reach GitHub at {url}: {exc.reason}") from None
    except OSError as exc:  # the connection dropped, timed out
        raise PlansError(f"cannot reach GitHub at {url}: {exc}") from None


def post_review(report: str, repository: str, pull: int, token: str, api: str) -> str:
    """Post `report` on pull request `pull` of `repository` ("owner/name"), or update the
    comment of an earlier report there; "updated" or "posted"."""
    if not report.startswith(MARKER):
        raise PlansError(f"the report does not start with {MARKER}: give plans diff's Markdown")
    if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repository):
        raise PlansError(f"not a repository: {repository!r} (owner/name)")
    base = api.rstrip("/")
    url: str | None = f"{base}/repos/{repository}/issues/{pull}/comments?per_page=100"
    while url is not None:
        comments, url = _call("GET", url, token)
        for comment in comments:
            if str(comment.get("body", "")).startswith(MARKER):
                _call("PATCH", f"{base}/repos/{repository}/issues/comments/{comment['id']}",
                      token, {"body": report})  # fmt: skip
                return "updated"
    _call("POST", f"{base}/repos/{repository}/issues/{pull}/comments", token, {"body": report})
    return "posted"
