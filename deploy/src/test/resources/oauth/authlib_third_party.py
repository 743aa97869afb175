"""A third party's application, as Debian's python3-authlib runs it, against a running PeerWatt platform.

Run with Debian's interpreter: /usr/bin/python3 authlib_third_party.py BASE CLIENT_ID OFFER_ID BUNDLE_FILE ESPI_FILE
It plays the household's browser too (the test's part): logs in at the portal and consents over HTTP
with the same session, which keeps the portal's cookie; the client itself only sees the code.
Then: code flow with PKCE (S256), refresh with rotation, the granted readings, the first day of them as a
Green Button ESPI feed (written to ESPI_FILE for the test to validate), one boundary reading's
proof bundle (written to BUNDLE_FILE for `peerwatt verify`); prints WAITING and, after a line on stdin
(the household revoked the grant), checks that the same access token is refused with 403."""
import html
import os
import re
import sys
from datetime import datetime, timedelta, timezone

os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http only because the platform is on loopback
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

base, client_id, offer_id, bundle_file, espi_file = sys.argv[1].rstrip("/"), *sys.argv[2:6]
REDIRECT = "http://127.0.0.1:9/callback"  # never fetched: the Location header carries the code

session = OAuth2Session(client_id, None, scope="offer:" + offer_id, redirect_uri=REDIRECT,
                        code_challenge_method="S256", token_endpoint_auth_method="none")
verifier = generate_token(48)
url, state = session.create_authorization_url(base + "/oauth/authorize", code_verifier=verifier)

# the household's browser: no session yet, so the authorization endpoint sends it to the portal's login
login_page = session.get(url, withhold_token=True)
assert login_page.url.startswith(base + "/login?next="), login_page.url
next_path = html.unescape(re.search(r'name="next" value="([^"]*)"', login_page.text).group(1))
consent_page = session.post(base + "/login", withhold_token=True, headers={"Origin": base},
                            data={"username": "anna", "password": "anna-password-1", "next": next_path})
assert "Share your meter data?" in consent_page.text, consent_page.text[:500]
assert "Institute for Load Research" in consent_page.text
consent_id = re.search(r'name="consent" value="([^"]+)"', consent_page.text).group(1)
answer = session.post(base + "/oauth/authorize", withhold_token=True, allow_redirects=False,
                      headers={"Origin": base}, data={"consent": consent_id, "decision": "allow"})
assert answer.status_code == 302, (answer.status_code, answer.text[:300])
location = answer.headers["Location"]

token = session.fetch_token(base + "/oauth/token", authorization_response=location, code_verifier=verifier)
print("token scope:", token.get("scope"), flush=True)
old_refresh = token["refresh_token"]
token = session.refresh_token(base + "/oauth/token")
assert token["refresh_token"] != old_refresh
reused = session.post(base + "/oauth/token", withhold_token=True,
                      data={"grant_type": "refresh_token", "refresh_token": old_refresh, "client_id": client_id})
assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant", reused.text

readings = session.get(base + "/api/v1/shared/readings")
assert readings.status_code == 200, readings.text
data = readings.json()
assert data["resolution"] == "hourly", data["resolution"]
refs = [r for b in data["boundaries"] for r in b["readings"]]
assert refs, "no boundary readings"
print("readings:", len(data["points"][0]["intervals"]), "hourly intervals,", len(refs), "boundary readings", flush=True)
first_day = datetime.fromisoformat(data["from"].replace("Z", "+00:00")).astimezone(timezone.utc)
espi = session.get(base + "/api/v1/shared/espi",
                   params={"from": data["from"], "to": (first_day + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")})
assert espi.status_code == 200, espi.text
assert espi.headers["Content-Type"].startswith("application/atom+xml"), espi.headers["Content-Type"]
with open(espi_file, "wb") as f:
    f.write(espi.content)
print("espi:", len(espi.content), "bytes", flush=True)
proof = session.get(base + refs[0]["proof"])
assert proof.status_code == 200, proof.text
with open(bundle_file, "w", encoding="utf-8") as f:
    f.write(proof.text)
outside = session.get(base + "/api/v1/shared/readings", params={"from": "2000-01-01T00:00:00Z", "to": "2000-01-02T00:00:00Z"})
assert outside.status_code == 403, outside.status_code

print("WAITING", flush=True)
sys.stdin.readline()
refused = session.get(base + "/api/v1/shared/readings")
assert refused.status_code == 403, refused.status_code
refresh_refused = session.post(base + "/oauth/token", withhold_token=True,
                               data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"],
                                     "client_id": client_id})
assert refresh_refused.status_code == 400, refresh_refused.status_code
print("authlib", __import__("authlib").__version__, "OK: revoked grant refused with", refused.status_code, flush=True)
