"""The stand-in's only HTML: Instagram's consent page, reduced to what the flow needs."""

from __future__ import annotations

from html import escape

CONSENT_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Instagram (local stand-in)</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 26rem; margin: 2rem auto; padding: 0 1rem; }}
.banner {{ background: #fff3cd; padding: .5rem; border-radius: .25rem; }}
button {{ font-size: 1rem; padding: .6rem 1.2rem; margin-right: .5rem; }}
</style></head>
<body>
<p class="banner">Local stand-in for Instagram: no real account is used.</p>
<h1>Allow <em>{app_id}</em> to access your Instagram account?</h1>
<p>It asks for: {scopes}</p>
<form method="post" action="/oauth/authorize">
<input type="hidden" name="client_id" value="{app_id}">
<input type="hidden" name="redirect_uri" value="{redirect_uri}">
<input type="hidden" name="state" value="{state}">
<input type="hidden" name="scope" value="{scope}">
<p><label for="username">Instagram username</label><br>
<input id="username" name="username" value="{username}" required
 pattern="[A-Za-z0-9._]{{1,30}}"></p>
<p><button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Cancel</button></p>
</form>
</body></html>
"""

ERROR_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>Error (local stand-in)</title></head>
<body><h1>Invalid request</h1><p>{message}</p></body></html>
"""


def consent_page(*, app_id: str, redirect_uri: str, state: str, scope: str, username: str) -> bytes:
    return CONSENT_PAGE.format(
        app_id=escape(app_id),
        redirect_uri=escape(redirect_uri),
        state=escape(state),
        scope=escape(scope),
        scopes=escape(", ".join(part for part in scope.split(",") if part) or "nothing"),
        username=escape(username),
    ).encode()


def error_page(message: str) -> bytes:
    return ERROR_PAGE.format(message=escape(message)).encode()
