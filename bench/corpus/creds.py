"""Fake credentials in their vendors' documented formats (stdlib only).

Every generator takes a `random.Random` and returns a `Cred`: the text that
goes into a file (`value`) and the part a scanner must report (`secret`,
plus `alts`, other spellings of the same secret a scanner may report, such as
a base64 form). Nothing here is a live credential: every value is random.

Formats are written from the vendors' public descriptions of their tokens
(prefix, alphabet, length, checksum); see the comment on each generator.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import string
from dataclasses import dataclass, field

BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = string.ascii_letters + string.digits + "+/"
B64URL = string.ascii_letters + string.digits + "-_"
AWS_ID = string.ascii_uppercase + "234567"


@dataclass
class Cred:
    family: str  # provider / family, e.g. "github"
    kind: str  # finer type, e.g. "github-pat-classic"
    value: str  # what is written (may contain newlines for PEM blocks)
    secret: str  # what must be reported
    alts: list[str] = field(default_factory=list)
    # names a variable holding this credential plausibly has
    names: tuple[str, ...] = ("token",)
    multiline: bool = False


def rs(r: random.Random, alphabet: str, n: int) -> str:
    return "".join(r.choice(alphabet) for _ in range(n))


def rmixed(r: random.Random, alphabet: str, n: int) -> str:
    """Random string that has an upper, a lower and a digit when the alphabet allows."""
    while True:
        s = rs(r, alphabet, n)
        need = []
        if any(c in alphabet for c in string.ascii_uppercase):
            need.append(any(c.isupper() for c in s))
        if any(c in alphabet for c in string.ascii_lowercase):
            need.append(any(c.islower() for c in s))
        if any(c in alphabet for c in string.digits):
            need.append(any(c.isdigit() for c in s))
        if all(need):
            return s


def base62_crc32(data: str) -> str:
    """CRC32 of `data`, in base62 (0-9A-Za-z), left-padded with '0' to 6 chars."""
    n = binascii.crc32(data.encode()) & 0xFFFFFFFF
    out = ""
    while n:
        n, d = divmod(n, 62)
        out = BASE62[d] + out
    return out.rjust(6, "0")


def crc_token(r: random.Random, prefix: str) -> str:
    body = rmixed(r, ALNUM, 30)
    return prefix + body + base62_crc32(body)


def b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def b64url_nopad(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


# ---------------------------------------------------------------- GitHub / npm
def github_classic(r):
    t = crc_token(r, "ghp_")
    return Cred("github", "github-pat-classic", t, t, names=("GITHUB_TOKEN", "GH_TOKEN", "github_token", "githubToken", "token"))


def github_oauth(r):
    t = crc_token(r, r.choice(["gho_", "ghu_", "ghs_", "ghr_"]))
    return Cred("github", "github-oauth-app", t, t, names=("GITHUB_OAUTH_TOKEN", "oauth_token", "gh_token", "accessToken"))


def github_fine_grained(r):
    # github_pat_ + 22 base62 + '_' + 59 base62 (82 characters after the prefix)
    t = "github_pat_" + rmixed(r, ALNUM, 22) + "_" + rmixed(r, ALNUM, 59)
    return Cred("github", "github-fine-grained-pat", t, t, names=("GITHUB_PAT", "GITHUB_TOKEN", "github_token"))


def npm_token(r):
    t = crc_token(r, "npm_")
    return Cred("npm", "npm-access-token", t, t, names=("NPM_TOKEN", "npm_token", "NODE_AUTH_TOKEN"))


# ---------------------------------------------------------------- AWS
def aws_key_id(r):
    t = "AKIA" + rmixed(r, AWS_ID, 16)
    return Cred("aws", "aws-access-key-id", t, t, names=("aws_access_key_id", "AWS_ACCESS_KEY_ID", "accessKeyId"))


def aws_secret(r):
    t = rmixed(r, B64, 40)
    return Cred("aws", "aws-secret-access-key", t, t, names=("aws_secret_access_key", "AWS_SECRET_ACCESS_KEY", "secretAccessKey"))


# ---------------------------------------------------------------- Slack
def slack_bot(r):
    t = f"xoxb-{rs(r, string.digits, 12)}-{rs(r, string.digits, 13)}-{rmixed(r, ALNUM, 24)}"
    return Cred("slack", "slack-bot-token", t, t, names=("SLACK_BOT_TOKEN", "slack_token", "slackToken"))


def slack_user(r):
    t = f"xoxp-{rs(r, string.digits, 12)}-{rs(r, string.digits, 12)}-{rs(r, string.digits, 13)}-{rs(r, HEX, 32)}"
    return Cred("slack", "slack-user-token", t, t, names=("SLACK_USER_TOKEN", "slack_token"))


def slack_webhook(r):
    up = string.ascii_uppercase + string.digits
    t = f"https://hooks.slack.com/services/T{rs(r, up, 10)}/B{rs(r, up, 10)}/{rmixed(r, ALNUM, 24)}"
    return Cred("slack", "slack-webhook-url", t, t, names=("SLACK_WEBHOOK_URL", "slack_webhook", "webhookUrl"))


# ---------------------------------------------------------------- Stripe
def stripe(r):
    p = r.choice(["sk_live_", "rk_live_"])
    # modern keys: 51 + account-ish part, 99 characters after the prefix; older 24
    t = p + ("51" + rmixed(r, ALNUM, 97) if r.random() < 0.6 else rmixed(r, ALNUM, 24))
    kind = "stripe-secret-key" if p.startswith("sk") else "stripe-restricted-key"
    return Cred("stripe", kind, t, t, names=("STRIPE_SECRET_KEY", "stripe_api_key", "stripeKey"))


# ---------------------------------------------------------------- AI providers
def openai(r):
    a = B64URL
    t = "sk-proj-" + rmixed(r, a, 74) + "T3BlbkFJ" + rmixed(r, a, 74)
    return Cred("openai", "openai-api-key", t, t, names=("OPENAI_API_KEY", "openai_api_key", "openaiKey"))


def anthropic(r):
    t = "sk-ant-api03-" + rmixed(r, B64URL, 93) + "AA"
    return Cred("anthropic", "anthropic-api-key", t, t, names=("ANTHROPIC_API_KEY", "anthropic_key", "claudeKey"))


def huggingface(r):
    t = "hf_" + rmixed(r, string.ascii_letters, 34)
    return Cred("huggingface", "huggingface-token", t, t, names=("HF_TOKEN", "HUGGINGFACE_TOKEN", "hf_token"))


# ---------------------------------------------------------------- GitLab, Google
def gitlab(r):
    t = "glpat-" + rmixed(r, ALNUM + "-_", 20)
    return Cred("gitlab", "gitlab-pat", t, t, names=("GITLAB_TOKEN", "CI_JOB_TOKEN_OVERRIDE", "gitlab_token"))


def google_api(r):
    t = "AIza" + rmixed(r, B64URL, 35)
    return Cred("gcp", "gcp-api-key", t, t, names=("GOOGLE_API_KEY", "MAPS_API_KEY", "firebaseApiKey", "apiKey"))


# ---------------------------------------------------------------- messaging
def sendgrid(r):
    t = "SG." + rmixed(r, B64URL, 22) + "." + rmixed(r, B64URL, 43)
    return Cred("sendgrid", "sendgrid-api-key", t, t, names=("SENDGRID_API_KEY", "sendgrid_key", "mailApiKey"))


def twilio_auth(r):
    t = rs(r, HEX, 32)
    return Cred("twilio", "twilio-auth-token", t, t, names=("TWILIO_AUTH_TOKEN", "twilio_auth_token", "authToken"))


def twilio_sid(r):
    return "AC" + rs(r, HEX, 32)


def twilio_api_key(r):
    # API key SID (SK + 32 hex) is the identifier; its secret is 32 alnum
    t = rmixed(r, ALNUM, 32)
    return Cred("twilio", "twilio-api-secret", t, t, names=("TWILIO_API_SECRET", "twilio_api_secret"))


# ---------------------------------------------------------------- infrastructure
def digitalocean(r):
    t = r.choice(["dop_v1_", "doo_v1_"]) + rs(r, HEX, 64)
    return Cred("digitalocean", "digitalocean-token", t, t, names=("DIGITALOCEAN_TOKEN", "DO_TOKEN", "do_api_token"))


def shopify(r):
    t = r.choice(["shpat_", "shpss_", "shpca_", "shppa_"]) + rs(r, HEX, 32)
    return Cred("shopify", "shopify-token", t, t, names=("SHOPIFY_ACCESS_TOKEN", "shopify_token", "SHOPIFY_API_SECRET"))


def doppler(r):
    if r.random() < 0.5:
        t = f"dp.st.{r.choice(['dev', 'prd', 'stg'])}." + rmixed(r, ALNUM, 40)
    else:
        t = "dp.pt." + rmixed(r, ALNUM, 43)
    return Cred("doppler", "doppler-token", t, t, names=("DOPPLER_TOKEN", "doppler_token"))


def vault(r):
    if r.random() < 0.5:
        t = "hvs." + rmixed(r, ALNUM + "_-", 24)
    else:
        t = "hvs.CAESI" + rmixed(r, ALNUM + "_-", 86)
    return Cred("vault", "vault-token", t, t, names=("VAULT_TOKEN", "vault_token"))


def databricks(r):
    t = "dapi" + rs(r, HEX, 32) + (f"-{r.randint(2, 9)}" if r.random() < 0.3 else "")
    return Cred("databricks", "databricks-token", t, t, names=("DATABRICKS_TOKEN", "databricks_token"))


def pypi(r):
    # "pypi-" + base64url(macaroon); the macaroon begins 02 01 08 "pypi.org"
    body = b"\x02\x01\x08pypi.org\x02" + bytes(r.getrandbits(8) for _ in range(r.randint(120, 170)))
    t = "pypi-" + b64url_nopad(body)
    return Cred("pypi", "pypi-token", t, t, names=("PYPI_TOKEN", "TWINE_PASSWORD", "pypi_api_token"))


def dockerhub(r):
    t = "dckr_pat_" + rmixed(r, B64URL, 27)
    return Cred("dockerhub", "dockerhub-pat", t, t, names=("DOCKERHUB_TOKEN", "DOCKER_PASSWORD", "docker_token"))


def telegram(r):
    t = f"{r.randint(100000000, 9999999999)}:AA" + rmixed(r, B64URL, 33)
    return Cred("telegram", "telegram-bot-token", t, t, names=("TELEGRAM_BOT_TOKEN", "BOT_TOKEN", "telegram_token"))


def discord_webhook(r):
    t = f"https://discord.com/api/webhooks/{r.randint(10**17, 10**19 - 1)}/" + rmixed(r, B64URL, 68)
    return Cred("discord", "discord-webhook-url", t, t, names=("DISCORD_WEBHOOK_URL", "discord_webhook"))


def azure_storage(r):
    key = b64(bytes(r.getrandbits(8) for _ in range(64)))  # 88 chars ending ==
    acct = r.choice(["acmeprod", "datalake01", "stgbackups", "webassets7"]) + rs(r, string.digits, 2)
    t = f"DefaultEndpointsProtocol=https;AccountName={acct};AccountKey={key};EndpointSuffix=core.windows.net"
    return Cred("azure", "azure-storage-connection-string", t, key, names=("AZURE_STORAGE_CONNECTION_STRING", "StorageConnectionString", "connectionString"))


# ---------------------------------------------------------------- private keys
def _pem(label: str, der: bytes, width: int = 64) -> str:
    body = b64(der)
    lines = [body[i : i + width] for i in range(0, len(body), width)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----"


def _rand(r, n):
    return bytes(r.getrandbits(8) for _ in range(n))


def private_key(r):
    k = r.choice(["rsa", "rsa", "ec", "openssh", "pkcs8"])
    if k == "rsa":
        der = bytes.fromhex("308204a40201000282010100") + _rand(r, 1180)
        pem = _pem("RSA PRIVATE KEY", der)
    elif k == "ec":
        der = bytes.fromhex("307702010104") + b"\x20" + _rand(r, 32) + bytes.fromhex("a00a06082a8648ce3d030107a144034200") + b"\x04" + _rand(r, 64)
        pem = _pem("EC PRIVATE KEY", der)
    elif k == "openssh":
        der = b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x003\x00\x00\x00\x0bssh-ed25519" + _rand(r, 300)
        pem = _pem("OPENSSH PRIVATE KEY", der, 70)
    else:
        der = bytes.fromhex("308204bd020100300d06092a864886f70d0101010500048204a7") + _rand(r, 1190)
        pem = _pem("PRIVATE KEY", der)
    body = pem.split("\n")[1]  # first body line identifies the key
    return Cred("private-key", f"private-key-{k}", pem, body, alts=[pem], names=("private_key", "PRIVATE_KEY", "ssh_key", "tls_key"), multiline=True)


# ---------------------------------------------------------------- JWT
def jwt(r):
    alg = r.choice(["HS256", "RS256", "ES256"])
    header = {"alg": alg, "typ": "JWT"}
    payload = {
        "sub": str(r.randint(10**6, 10**9)),
        "name": r.choice(["svc-deploy", "ci-bot", "alice", "reporting"]),
        "iat": r.randint(1_600_000_000, 1_750_000_000),
        "exp": r.randint(1_750_000_000, 1_900_000_000),
        "scope": r.choice(["read write", "admin", "api:all"]),
    }
    sig = _rand(r, 32 if alg != "RS256" else 256)
    t = ".".join([b64url_nopad(json.dumps(header, separators=(",", ":")).encode()), b64url_nopad(json.dumps(payload, separators=(",", ":")).encode()), b64url_nopad(sig)])
    return Cred("jwt", "jwt", t, t, names=("ACCESS_TOKEN", "jwt", "auth_token", "bearerToken"))


# ---------------------------------------------------------------- passwords
PW_ALPHA = ALNUM + "!#%&*+-=?@^_~"


def password(r, n=None):
    n = n or r.randint(14, 28)
    while True:
        s = rmixed(r, PW_ALPHA, n)
        if any(c in "!#%&*+-=?@^_~" for c in s) or r.random() < 0.4:
            return s


def url_password(r):
    """Password safe inside a URL userinfo without escaping."""
    return rmixed(r, ALNUM + "-_.~", r.randint(14, 24))


USERS = ["admin", "app", "svc_orders", "reporting", "deploy", "api", "etl_user", "root", "backend"]
HOSTS = ["db.internal", "10.0.3.17", "prod-db-1.acme.io", "mongo0.cluster.local", "orders-db.example-corp.net", "rds-prod.c9akciq32.eu-west-1.rds.amazonaws.com"]


def db_uri(r):
    scheme, port = r.choice([("postgres", 5432), ("postgresql", 5432), ("mysql", 3306), ("mongodb", 27017), ("mongodb+srv", None), ("redis", 6379), ("amqp", 5672)])
    pw = url_password(r)
    user = r.choice(USERS)
    host = r.choice(HOSTS) + (f":{port}" if port else "")
    db = r.choice(["orders", "app", "analytics", "0", "vhost"])
    if scheme == "redis" and r.random() < 0.5:
        t = f"redis://:{pw}@{host}/{db}"
    else:
        t = f"{scheme}://{user}:{pw}@{host}/{db}"
    return Cred("db-uri", f"{scheme.replace('+srv', '')}-uri", t, pw, alts=[t], names=("DATABASE_URL", "MONGO_URI", "REDIS_URL", "db_url", "connectionString", "BROKER_URL"))


def basic_auth_url(r):
    pw = url_password(r)
    host = r.choice(["nexus.acme.io", "artifactory.internal", "registry.corp.example.net", "jenkins.ci.local", "elastic.logs.internal:9200"])
    t = f"https://{r.choice(USERS)}:{pw}@{host}/{r.choice(['repository/maven', 'api/v1', '', 'simple/'])}"
    return Cred("basic-auth", "basic-auth-url", t, pw, alts=[t], names=("REPO_URL", "index_url", "ES_URL", "endpoint"))


def generic_password(r):
    pw = password(r)
    return Cred("generic", "generic-password", pw, pw, names=("password", "db_password", "DB_PASSWORD", "adminPassword", "secret_key", "client_secret", "api_secret", "SMTP_PASSWORD", "passwd"))


# ---------------------------------------------------------------- GCP SA JSON
def gcp_sa_json(r):
    """Returns (text, Cred for the private key, label line offset of "private_key")."""
    der = bytes.fromhex("308204bd020100300d06092a864886f70d0101010500048204a7") + _rand(r, 1190)
    pem = _pem("PRIVATE KEY", der)
    proj = r.choice(["acme-prod", "data-pipeline-4821", "webshop-staging", "ml-training-77"])
    doc = {
        "type": "service_account",
        "project_id": proj,
        "private_key_id": rs(r, HEX, 40),
        "private_key": pem + "\n",
        "client_email": f"{r.choice(['deployer', 'etl', 'ci'])}@{proj}.iam.gserviceaccount.com",
        "client_id": str(r.randint(10**20, 10**21 - 1)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/ci%40{proj}.iam.gserviceaccount.com",
        "universe_domain": "googleapis.com",
    }
    text = json.dumps(doc, indent=2) + "\n"
    body = pem.split("\n")[1]
    return text, Cred("gcp", "gcp-service-account", pem, body, alts=[pem, pem.replace("\n", "\\n")], multiline=True)


# The single-value, single-line generators a template can drop into a variable.
SIMPLE = [
    (github_classic, 6), (github_oauth, 2), (github_fine_grained, 3), (npm_token, 3),
    (slack_bot, 3), (slack_user, 2), (slack_webhook, 3), (stripe, 4), (openai, 4), (anthropic, 3),
    (huggingface, 2), (gitlab, 3), (google_api, 4), (sendgrid, 3), (twilio_auth, 2), (digitalocean, 2),
    (shopify, 2), (doppler, 2), (vault, 2), (databricks, 2), (pypi, 2), (dockerhub, 2), (telegram, 2),
    (discord_webhook, 2), (azure_storage, 3), (jwt, 4), (db_uri, 6), (basic_auth_url, 3), (generic_password, 10),
]


def pick_simple(r: random.Random) -> Cred:
    fns = [f for f, _ in SIMPLE]
    ws = [w for _, w in SIMPLE]
    return r.choices(fns, ws)[0](r)
