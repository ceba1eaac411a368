"""A relying party made of authlib's Flask client as authlib's documentation shows it, nothing else.

Run with Debian's /usr/bin/python3 (python3-authlib, python3-flask, python3-requests). The Node test
(test/integrations/authlib.test.ts) plays the reader's browser:

  argv[1]  JSON: issuer, client_id, client_secret, redirect_uri, and optionally
           "pkce": false (no code_challenge_method) and "auth_method" (token_endpoint_auth_method)
  stdout   line 1: {"authorize": <the URL /login redirected to>}
  stdin    line 1: the URL Byline redirected the reader to (the redirect_uri with code, state, iss)
  stdout   line 2: {"userinfo": token['userinfo'], "endpoint": oauth.byline.userinfo(token=token),
           "token": the names in the token response, "scope", "token_type"},
           or {"error": "<exception type>: <message>"} and exit status 1

The Flask app runs in-process through Flask's test client: its session cookie carries authlib's state,
nonce and code_verifier from /login to /callback exactly as it would in a browser.
"""

import json
import os
import sys
from urllib.parse import urlsplit

from authlib.integrations.flask_client import OAuth
from flask import Flask, jsonify

settings = json.loads(sys.argv[1])

app = Flask(__name__)
app.secret_key = os.urandom(24)
# Exceptions reach the test client (and the JSON below) instead of becoming a 500 page.
app.testing = True

client_kwargs = {"scope": "openid profile email"}
if settings.get("pkce", True):
    client_kwargs["code_challenge_method"] = "S256"
if settings.get("auth_method"):
    client_kwargs["token_endpoint_auth_method"] = settings["auth_method"]

oauth = OAuth(app)
oauth.register(
    "byline",
    client_id=settings["client_id"],
    client_secret=settings["client_secret"],
    server_metadata_url=settings["issuer"] + "/.well-known/openid-configuration",
    client_kwargs=client_kwargs,
)


@app.route("/login")
def login():
    return oauth.byline.authorize_redirect(settings["redirect_uri"])


@app.route("/callback")
def callback():
    token = oauth.byline.authorize_access_token()
    userinfo = oauth.byline.userinfo(token=token)
    return jsonify(
        userinfo=token["userinfo"],
        endpoint=dict(userinfo),
        token=sorted(token.keys()),
        scope=token.get("scope"),
        token_type=token.get("token_type"),
    )


def say(value):
    print(json.dumps(value), flush=True)


def main():
    browser = app.test_client()
    start = browser.get("/login")
    say({"authorize": start.headers["Location"]})
    returned = sys.stdin.readline().strip()
    try:
        answer = browser.get("/callback?" + urlsplit(returned).query)
    except Exception as error:  # authlib's own refusal is the result the test reports
        say({"error": f"{type(error).__name__}: {error}"})
        return 1
    if answer.status_code != 200:
        say({"error": f"HTTP {answer.status_code}: {answer.get_data(as_text=True)[:500]}"})
        return 1
    say(answer.get_json())
    return 0


if __name__ == "__main__":
    sys.exit(main())
