#!/usr/bin/env python3
"""Generate a labelled accuracy corpus for credlint (Python 3.11 stdlib only).

    python3 bench/corpus/gen_corpus.py --out bench/data/corpus --files 3000 --seed 1

writes
    OUT/tree/...            realistic source, config and deployment files
    OUT/labels.jsonl        one line per credential that MUST be reported:
                            {"path", "line", "end_line", "family", "kind", "secret", "alts"}
    OUT/negatives.jsonl     one line per planted hard negative (must NOT be reported):
                            {"path", "line", "kind", "text"}

Deterministic: the same --seed and --files give byte-identical output. No
network. Every credential is random in its vendor's documented format (see
creds.py); none is live. Never commit the output (bench/data/ is git-ignored).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shutil
import string
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import creds as C  # noqa: E402
from creds import Cred  # noqa: E402


# ============================================================== file builder
class FB:
    def __init__(self, path: str):
        self.path = path
        self.lines: list[str] = []
        self.labels: list[dict] = []
        self.negs: list[dict] = []

    @property
    def next_line(self) -> int:
        return len(self.lines) + 1

    def add(self, text: str) -> int:
        n = self.next_line
        self.lines.extend(text.split("\n"))
        return n

    def secret(self, text: str, cred: Cred, *, at: str | None = None, secret: str | None = None, alts=None):
        """Add `text`; label the line where `at` (default: the secret) appears."""
        start = self.next_line
        self.add(text)
        probe = at if at is not None else (secret or cred.secret)
        idx = text.find(probe.split("\n")[0])
        if idx < 0:
            raise AssertionError(f"{probe!r} not in {text!r}")
        line = start + text[:idx].count("\n")
        end = line + probe.count("\n")
        self.labels.append({
            "path": self.path, "line": line, "end_line": end, "family": cred.family, "kind": cred.kind,
            "secret": secret or cred.secret, "alts": list(alts if alts is not None else cred.alts),
        })

    def neg(self, text: str, kind: str):
        n = self.add(text)
        self.negs.append({"path": self.path, "line": n, "kind": kind, "text": text.split("\n")[0][:200]})

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


# ============================================================== naming & syntax
def snake(name: str) -> str:
    out = ""
    for i, ch in enumerate(name):
        if ch.isupper() and i and (name[i - 1].islower()):
            out += "_"
        out += ch.lower()
    return out


def upper(name: str) -> str:
    return snake(name).upper()


def camel(name: str) -> str:
    parts = snake(name).split("_")
    return parts[0] + "".join(p.title() for p in parts[1:])


def pascal(name: str) -> str:
    c = camel(name)
    return c[:1].upper() + c[1:]


def assign(r: random.Random, lang: str, name: str, value: str) -> str:
    """One line assigning `value` to something named `name` in `lang`."""
    q = r.choice(['"', "'"])
    match lang:
        case "py":
            return r.choice([
                f'{upper(name)} = "{value}"', f"{snake(name)} = {q}{value}{q}", f'    self.{snake(name)} = "{value}"',
                f'    "{snake(name)}": "{value}",', f'os.environ.setdefault("{upper(name)}", "{value}")',
                f'client = Client({snake(name)}="{value}")',
            ])
        case "js" | "ts":
            return r.choice([
                f'const {camel(name)} = "{value}";', f"  {camel(name)}: '{value}',", f"export const {upper(name)} = `{value}`;",
                f'let {camel(name)}{": string" if lang == "ts" else ""} = "{value}";', f'headers["{pascal(name)}"] = "{value}";',
            ])
        case "go":
            return r.choice([f'const {camel(name)} = "{value}"', f'\t{pascal(name)}: "{value}",', f'os.Setenv("{upper(name)}", "{value}")', f"var {camel(name)} = `{value}`"])
        case "java":
            return r.choice([
                f'    private static final String {upper(name)} = "{value}";', f'        props.setProperty("{snake(name).replace("_", ".")}", "{value}");',
                f'        String {camel(name)} = "{value}";',
            ])
        case "kt":
            return f'    val {camel(name)} = "{value}"'
        case "rb":
            return r.choice([f'{upper(name)} = "{value}"', f"  {snake(name)}: '{value}',", f'ENV["{upper(name)}"] ||= "{value}"', f"config.{snake(name)} = '{value}'"])
        case "php":
            return r.choice([f"${camel(name)} = '{value}';", f"    '{snake(name)}' => '{value}',", f"define('{upper(name)}', '{value}');"])
        case "cs":
            return r.choice([f'        private const string {pascal(name)} = "{value}";', f'            {{ "{pascal(name)}", "{value}" }},', f'        var {camel(name)} = "{value}";'])
        case "sh":
            return r.choice([f'export {upper(name)}="{value}"', f"{upper(name)}='{value}'", f"export {upper(name)}={value}"])
        case "env":
            return r.choice([f"{upper(name)}={value}", f'{upper(name)}="{value}"'])
        case "yaml":
            return r.choice([f"  {snake(name)}: {value}", f'  {snake(name)}: "{value}"', f"    {camel(name)}: '{value}'"])
        case "json":
            return f'  "{r.choice([snake(name), camel(name)])}": "{value}",'
        case "toml":
            return f'{snake(name)} = "{value}"'
        case "ini":
            return f"{snake(name)} = {value}"
        case "properties":
            return f"{snake(name).replace('_', '.')}={value}"
        case "xml":
            return r.choice([f'    <add key="{pascal(name)}" value="{value}" />', f"  <{camel(name)}>{value}</{camel(name)}>"])
        case "docker":
            return r.choice([f"ENV {upper(name)}={value}", f'ENV {upper(name)}="{value}"'])
    raise ValueError(lang)


COMMENT = {"py": "#", "sh": "#", "rb": "#", "yaml": "#", "toml": "#", "ini": ";", "properties": "#", "env": "#", "docker": "#",
           "js": "//", "ts": "//", "go": "//", "java": "//", "kt": "//", "php": "//", "cs": "//"}


# ============================================================== fillers
FILLER = {
    "py": [
        "import os", "import json", "import logging", "from typing import Any, Optional", "from dataclasses import dataclass",
        "logger = logging.getLogger(__name__)", "", "", "def handler(event, context):", "    body = json.loads(event[\"body\"])",
        "    return {\"statusCode\": 200, \"body\": json.dumps(body)}", "class OrderService:", "    def __init__(self, repo, cache=None):",
        "        self.repo = repo", "        self.cache = cache or {}", "    def total(self, items):", "        return sum(i.price * i.qty for i in items)",
        "    token = request.headers.get(\"Authorization\", \"\").removeprefix(\"Bearer \")", "    password = getpass.getpass(\"Password: \")",
        "    api_key = settings.API_KEY", "    self.password = password", "def get_secret(name: str) -> str:", "    secret = client.get_secret_value(SecretId=name)",
        "    if not token:", "        raise PermissionError(\"missing token\")", "for i, row in enumerate(rows):", "    logger.info(\"row %d: %s\", i, row)",
        "password_field = forms.CharField(widget=forms.PasswordInput)", "TOKEN_EXPIRY_SECONDS = 3600", "MAX_RETRIES = 5",
        "    # TODO: rotate the secret via the vault client", "    return hashlib.sha256(password.encode()).hexdigest()",
    ],
    "js": [
        "'use strict';", "const express = require('express');", "const app = express();", "app.use(express.json());", "",
        "app.get('/health', (req, res) => res.json({ ok: true }));", "function sum(items) {", "  return items.reduce((a, b) => a + b.price, 0);", "}",
        "const token = req.headers.authorization?.split(' ')[1];", "const password = req.body.password;", "if (!token) return res.status(401).end();",
        "module.exports = { sum };", "const apiKey = config.get('apiKey');", "  const secret = await vault.read(`secret/data/${name}`);",
        "async function fetchUser(id) {", "  const res = await fetch(`/api/users/${id}`);", "  return res.json();", "}", "// eslint-disable-next-line no-console",
        "const passwordRegex = /^(?=.*[A-Z])(?=.*\\d).{12,}$/;",
    ],
    "go": [
        "package main", "import (", "\t\"context\"", "\t\"fmt\"", "\t\"net/http\"", "\t\"os\"", ")", "", "func main() {", "\tctx := context.Background()",
        "\tif err := run(ctx); err != nil {", "\t\tfmt.Fprintln(os.Stderr, err)", "\t\tos.Exit(1)", "\t}", "}", "type Config struct {",
        "\tPassword string `json:\"password\" env:\"DB_PASSWORD\"`", "\tToken    string `yaml:\"token\"`", "}",
        "\ttoken := os.Getenv(\"API_TOKEN\")", "\treq.Header.Set(\"Authorization\", \"Bearer \"+token)", "\treturn nil",
        "func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {",
    ],
    "java": [
        "package com.acme.orders;", "import java.util.List;", "import java.util.Map;", "", "public class OrderController {",
        "    private final OrderRepository repo;", "    public OrderController(OrderRepository repo) { this.repo = repo; }",
        "    @GetMapping(\"/orders\")", "    public List<Order> list() { return repo.findAll(); }", "    @Value(\"${spring.datasource.password}\")",
        "    private String password;", "    String token = request.getHeader(\"X-Api-Token\");", "}", "        if (password == null || password.isEmpty()) {",
        "            throw new IllegalArgumentException(\"password required\");", "        }",
    ],
    "kt": ["package com.acme", "fun main() {", "    println(\"hello\")", "}", "    val token = System.getenv(\"TOKEN\")"],
    "rb": [
        "require 'json'", "require 'net/http'", "", "class PaymentsController < ApplicationController", "  before_action :authenticate!",
        "  def create", "    @payment = Payment.new(payment_params)", "  end", "end", "  token = ENV.fetch('API_TOKEN')", "  password = params[:password]",
        "  def secret_key_base", "    Rails.application.credentials.secret_key_base", "  end",
    ],
    "php": [
        "<?php", "namespace App\\Http\\Controllers;", "use Illuminate\\Http\\Request;", "", "class UserController extends Controller", "{",
        "    public function store(Request $request)", "    {", "        $password = $request->input('password');", "        $token = env('API_TOKEN');",
        "        return response()->json(['ok' => true]);", "    }", "}",
    ],
    "cs": [
        "using System;", "using System.Net.Http;", "namespace Acme.Billing", "{", "    public class InvoiceClient", "    {",
        "        private readonly HttpClient _http;", "        public InvoiceClient(HttpClient http) => _http = http;",
        "        var token = Environment.GetEnvironmentVariable(\"API_TOKEN\");", "        var password = Configuration[\"Db:Password\"];", "    }", "}",
    ],
    "sh": [
        "#!/usr/bin/env bash", "set -euo pipefail", "", "cd \"$(dirname \"$0\")/..\"", "echo \"deploying $SERVICE to $ENV\"",
        "docker build -t \"$IMAGE:$TAG\" .", "kubectl rollout status deploy/\"$SERVICE\" --timeout=120s", "if [[ -z \"${TOKEN:-}\" ]]; then",
        "  echo 'TOKEN is not set' >&2; exit 1", "fi", "curl -fsSL -H \"Authorization: Bearer $TOKEN\" \"$API/v1/deploy\"",
        "read -rsp 'Password: ' PASSWORD",
    ],
    "env": ["# local development settings", "NODE_ENV=development", "PORT=8080", "LOG_LEVEL=debug", "DB_HOST=localhost", "DB_PORT=5432", "DB_USER=app", "FEATURE_FLAGS=checkout,search"],
    "yaml": ["  replicas: 2", "  port: 8080", "  enabled: true", "  logLevel: info", "  timeout: 30s", "  host: api.internal", "  username: app", "  image: ghcr.io/acme/orders:1.4.2"],
    "json": ['  "name": "orders-service",', '  "version": "1.4.2",', '  "port": 8080,', '  "debug": false,', '  "region": "eu-west-1",', '  "retries": 3,'],
    "toml": ['name = "orders"', "port = 8080", 'log_level = "info"', "workers = 4", 'region = "eu-west-1"'],
    "ini": ["host = db.internal", "port = 5432", "user = app", "timeout = 30", "pool_size = 10"],
    "properties": ["server.port=8080", "spring.application.name=orders", "spring.datasource.url=jdbc:postgresql://db:5432/orders", "logging.level.root=INFO", "spring.datasource.username=app"],
    "xml": ['    <add key="Environment" value="Production" />', '    <add key="MaxRetries" value="5" />', "  <timeout>30</timeout>", '  <port>8080</port>'],
    "docker": ["FROM python:3.11-slim", "WORKDIR /app", "COPY requirements.txt .", "RUN pip install --no-cache-dir -r requirements.txt", "COPY . .", "EXPOSE 8080", 'CMD ["gunicorn", "app:app", "-b", "0.0.0.0:8080"]'],
}


FILLER["ts"] = FILLER["js"] + ["interface Options { timeout?: number; token?: string }", "export type Secret = { name: string; version: number };"]


def filler(r: random.Random, fb: FB, lang: str, n: int):
    pool = FILLER[lang]
    for _ in range(n):
        fb.add(r.choice(pool))


# ============================================================== hard negatives
def rhex(r, n):
    return C.rs(r, C.HEX, n)


def uuid(r):
    h = rhex(r, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{r.choice('89ab')}{h[17:20]}-{h[20:]}"


def neg_line(r: random.Random, lang: str) -> tuple[str, str]:
    """One hard-negative line for `lang`: (text, kind)."""
    kinds = [
        "aws-example", "placeholder-angle", "placeholder-env", "placeholder-helm", "placeholder-subshell", "placeholder-osenv",
        "placeholder-processenv", "placeholder-word", "placeholder-x", "git-sha", "uuid", "empty-password", "token-url", "password-length",
        "css-hex", "reference-call", "terraform-ref", "hash-value", "header-name", "file-path", "jinja", "regex", "identifier-value",
    ]
    k = r.choice(kinds)
    name = r.choice(["password", "db_password", "api_token", "secret_key", "client_secret", "auth_token", "api_key"])
    match k:
        case "aws-example":
            v = r.choice(["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"])
            nm = "aws_access_key_id" if v.startswith("AKIA") else "aws_secret_access_key"
            return assign(r, lang, nm, v), k
        case "placeholder-angle":
            return assign(r, lang, name, r.choice(["<password>", "<your-api-key>", "<TOKEN>", "<insert secret here>"])), k
        case "placeholder-env":
            return assign(r, lang, name, r.choice(["${DB_PASSWORD}", "${API_TOKEN}", "${SECRET_KEY:?required}", "$SECRET_KEY"])), k
        case "placeholder-helm":
            return assign(r, lang, name, r.choice(["{{ .Values.password }}", "{{ .Values.db.password | quote }}", "{{ secrets.API_TOKEN }}"])), k
        case "placeholder-subshell":
            return assign(r, lang, name, r.choice(["$(cat /run/secrets/db_password)", "$(vault kv get -field=token secret/ci)", "`cat /etc/secret`"])), k
        case "placeholder-osenv":
            return (r.choice([f'{snake(name)} = os.environ["{upper(name)}"]', f'{snake(name)} = os.getenv("{upper(name)}")']) if lang == "py"
                    else assign(r, lang, name, f"os.environ[{upper(name)}]")), k
        case "placeholder-processenv":
            return (f"const {camel(name)} = process.env.{upper(name)};" if lang in ("js", "ts")
                    else assign(r, lang, name, f"process.env.{upper(name)}")), k
        case "placeholder-word":
            return assign(r, lang, name, r.choice(["changeme", "CHANGE_ME", "your-token-here", "password123", "secret", "dummy", "test", "********", "REDACTED", "TODO"])), k
        case "placeholder-x":
            return assign(r, lang, name, r.choice(["x" * 32, "X" * 20, "0" * 40, "*" * 16, "abc123"])), k
        case "git-sha":
            return assign(r, lang, r.choice(["commit", "git_sha", "revision", "base_ref", "image_digest_sha"]), rhex(r, 40)), k
        case "uuid":
            return assign(r, lang, r.choice(["tenant_id", "request_id", "correlation_id", "subscription_id", "client_id", "installation_id"]), uuid(r)), k
        case "empty-password":
            return assign(r, lang, name, ""), k
        case "token-url":
            return assign(r, lang, r.choice(["token_url", "token_endpoint", "secret_manager_url", "password_reset_url"]),
                          r.choice(["https://oauth2.googleapis.com/token", "https://login.microsoftonline.com/common/oauth2/v2.0/token", "https://auth.acme.io/oauth/token"])), k
        case "password-length":
            return assign(r, lang, r.choice(["password_length", "token_ttl", "secret_rotation_days", "password_min_length", "api_key_version"]), str(r.choice([32, 16, 3600, 90, 2]))), k
        case "css-hex":
            return assign(r, lang, r.choice(["primary_color", "token_color", "secret_badge_color"]), "#" + rhex(r, 6)), k
        case "reference-call":
            return assign(r, lang, name, r.choice(["vault:secret/data/db#password", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf",
                                                    "projects/acme/secrets/db-password/versions/latest", "ref+vault://secret/db#/password"])), k
        case "terraform-ref":
            return assign(r, lang, name, r.choice(["var.db_password", "random_password.db.result", "data.aws_secretsmanager_secret_version.db.secret_string",
                                                    "module.vault.token", "local.api_key"])), k
        case "hash-value":
            return assign(r, lang, r.choice(["password_hash", "token_sha256", "secret_checksum", "api_key_fingerprint"]),
                          r.choice(["sha256:" + rhex(r, 64), "$2b$12$" + C.rs(r, C.ALNUM + "./", 53), rhex(r, 64)])), k
        case "header-name":
            return assign(r, lang, r.choice(["api_key_header", "token_header", "auth_token_param"]), r.choice(["X-Api-Key", "X-Auth-Token", "access_token", "Authorization"])), k
        case "file-path":
            return assign(r, lang, r.choice(["secret_file", "password_file", "token_path", "private_key_path"]),
                          r.choice(["/etc/app/secrets/db.txt", "/run/secrets/api_token", "./certs/server.key", "C:\\ProgramData\\acme\\token.dat"])), k
        case "jinja":
            return assign(r, lang, name, r.choice(["{{ token }}", "{{ vault_db_password }}", "%(DB_PASSWORD)s", "#{ENV['API_TOKEN']}", "@@API_TOKEN@@"])), k
        case "regex":
            return assign(r, lang, r.choice(["password_regex", "token_pattern", "secret_re"]), r.choice(["^(?=.*[A-Z])(?=.*\\d).{12,}$", "[A-Za-z0-9]{32}", "^ghp_[A-Za-z0-9]{36}$"])), k
        case "identifier-value":
            return assign(r, lang, name, r.choice(["PasswordAuthenticationProvider", "TokenRefreshHandler", "getSecretValueCommand", "DEFAULT_TOKEN_TTL_SECONDS",
                                                    "SecretsManagerClientBuilder", "oauth2_client_credentials_flow"])), k
    raise AssertionError(k)


# ============================================================== file templates
DIRS = ["services/orders", "services/billing", "services/auth", "api", "web/src", "tools", "scripts", "internal/config", "lib", "app",
        "src/main/java/com/acme/orders", "cmd/server", "pkg/client", "backend", "frontend/src/lib", "infra", "ops"]
EXT = {"py": "py", "js": "js", "ts": "ts", "go": "go", "java": "java", "rb": "rb", "php": "php", "cs": "cs", "sh": "sh", "kt": "kt"}
STEMS = ["settings", "config", "client", "main", "handler", "app", "service", "deploy", "util", "api", "db", "worker", "notify", "bootstrap"]


def sprinkle(r: random.Random, fb: FB, lang: str, n_secrets: int, n_negs: int, filler_lines: int):
    events = ["s"] * n_secrets + ["n"] * n_negs + ["f"] * max(1, filler_lines // 4)
    r.shuffle(events)
    for ev in events:
        if ev == "f":
            filler(r, fb, lang, r.randint(2, 6))
        elif ev == "n":
            text, kind = neg_line(r, lang)
            fb.neg(text, kind)
        else:
            cred = C.pick_simple(r)
            name = r.choice(cred.names)
            if r.random() < 0.15 and lang in COMMENT:
                fb.add(f"{COMMENT[lang]} {r.choice(['prod credentials', 'temporary, remove before merge', 'staging', 'do not share'])}")
            fb.secret(assign(r, lang, name, cred.value), cred)


def t_source(r, fb: FB, lang: str):
    if lang == "java":
        fb.add("package com.acme.orders;")
        fb.add("public class Config {")
    sprinkle(r, fb, lang, r.choices([0, 1, 2, 3], [4, 4, 2, 1])[0], r.randint(0, 4), r.randint(20, 120))
    if lang == "java":
        fb.add("}")


def t_aws(r, fb: FB, lang: str):
    """AWS key pairs: labelled, positional (next line), CSV, credentials file."""
    kid, sec = C.aws_key_id(r), C.aws_secret(r)
    style = r.choice(["labelled", "labelled", "nextline", "csv", "boto"])
    filler(r, fb, lang, r.randint(3, 20))
    if style == "labelled":
        fb.secret(assign(r, lang, r.choice(kid.names), kid.value), kid)
        if r.random() < 0.3:
            filler(r, fb, lang, 1)
        fb.secret(assign(r, lang, r.choice(sec.names), sec.value), sec)
    elif style == "nextline":
        fb.secret(f"# {kid.value}", kid) if lang in ("py", "sh", "rb") else fb.secret(f"// {kid.value}", kid)
        fb.secret(f"# {sec.value}", sec) if lang in ("py", "sh", "rb") else fb.secret(f"// {sec.value}", sec)
    elif style == "csv":
        fb.add("# exported from the IAM console" if lang in ("py", "sh", "rb") else "// exported from the IAM console")
        fb.secret(f"# deploy,{kid.value},{sec.value}" if lang in ("py", "sh", "rb") else f"// deploy,{kid.value},{sec.value}", kid)
        fb.labels.append({**fb.labels[-1], "family": "aws", "kind": sec.kind, "secret": sec.value, "alts": []})
    else:
        q = '"'
        fb.secret(f"    session = boto3.Session({q}{kid.value}{q}," if lang == "py" else f"    new AwsCreds({q}{kid.value}{q},", kid)
        fb.secret(f"        {q}{sec.value}{q})", sec)
    filler(r, fb, lang, r.randint(3, 20))


def t_aws_credentials(r, fb: FB):
    for profile in ["default", r.choice(["prod", "ci", "deploy"])][: r.randint(1, 2)]:
        kid, sec = C.aws_key_id(r), C.aws_secret(r)
        fb.add(f"[{profile}]")
        fb.secret(f"aws_access_key_id = {kid.value}", kid)
        fb.secret(f"aws_secret_access_key = {sec.value}", sec)
        fb.add("region = eu-west-1")
        fb.add("")
    fb.neg("[example]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws-example")


def t_config(r, fb: FB, lang: str):
    header = {"json": "{", "xml": '<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <appSettings>', "yaml": "config:", "ini": "[database]", "toml": "[server]"}
    footer = {"json": '  "end": true\n}', "xml": "  </appSettings>\n</configuration>"}
    if lang in header:
        fb.add(header[lang])
    sprinkle(r, fb, lang, r.choices([0, 1, 2, 3], [3, 4, 2, 1])[0], r.randint(1, 5), r.randint(8, 50))
    if lang in footer:
        fb.add(footer[lang])


def t_dotenv(r, fb: FB):
    fb.add("# copied from .env.example — fill in")
    sprinkle(r, fb, "env", r.choices([0, 1, 2, 4], [2, 3, 3, 2])[0], r.randint(1, 4), r.randint(6, 20))


def t_pem(r, fb: FB):
    cred = C.private_key(r)
    if r.random() < 0.3:
        fb.add("Bag Attributes\n    friendlyName: server")
    fb.secret(cred.value, cred, at=cred.value.split("\n")[0])
    fb.labels[-1]["end_line"] = fb.next_line - 1


def t_key_embedded(r, fb: FB, lang: str):
    cred = C.private_key(r)
    filler(r, fb, lang, r.randint(3, 15))
    first = cred.value.split("\n")[0]
    if lang == "py":
        text = f'{upper(r.choice(cred.names))} = """{cred.value}\n"""'
    elif lang == "go":
        text = f"const {camel(r.choice(cred.names))} = `{cred.value}\n`"
    elif lang == "yaml":
        text = f"  {snake(r.choice(cred.names))}: |\n" + "\n".join("    " + x for x in cred.value.split("\n"))
    elif lang == "json":
        text = f'  "{snake(r.choice(cred.names))}": "' + cred.value.replace("\n", "\\n") + '\\n",'
    else:  # env
        text = f'{upper(r.choice(cred.names))}="' + cred.value.replace("\n", "\\n") + '"'
    start = fb.next_line
    fb.secret(text, cred, at=first)
    fb.labels[-1]["end_line"] = fb.next_line - 1 if fb.next_line - 1 >= start else start
    filler(r, fb, lang, r.randint(3, 15))


def t_gcp_sa(r, fb: FB):
    text, cred = C.gcp_sa_json(r)
    fb.secret(text.rstrip("\n"), cred, at='"private_key":')


def t_npmrc(r, fb: FB):
    fb.add("registry=https://registry.npmjs.org/")
    cred = C.npm_token(r)
    if r.random() < 0.4:
        fb.neg("//registry.npmjs.org/:_authToken=${NPM_TOKEN}", "placeholder-env")
    else:
        fb.secret(f"//registry.npmjs.org/:_authToken={cred.value}", cred)
    if r.random() < 0.5:
        gl = C.gitlab(r)
        fb.add("@acme:registry=https://gitlab.com/api/v4/projects/4821/packages/npm/")
        fb.secret(f"//gitlab.com/api/v4/projects/4821/packages/npm/:_authToken={gl.value}", gl)
    fb.add("always-auth=true")


def t_pypirc(r, fb: FB):
    cred = C.pypi(r)
    fb.add("[distutils]\nindex-servers =\n    pypi\n    internal\n\n[pypi]\nusername = __token__")
    fb.secret(f"password = {cred.value}", cred)
    fb.add("\n[internal]\nrepository = https://pypi.internal.acme.io/simple/\nusername = deploy")
    pw = C.generic_password(r)
    fb.secret(f"password = {pw.value}", pw)


def t_netrc(r, fb: FB):
    for host in r.sample(["api.heroku.com", "git.acme.io", "ftp.partner.example.net", "nexus.internal"], r.randint(1, 3)):
        pw = C.generic_password(r)
        fb.secret(f"machine {host} login {r.choice(C.USERS)} password {pw.value}", pw)


def t_docker_config(r, fb: FB):
    user, pw = r.choice(C.USERS), C.url_password(r)
    auth = base64.b64encode(f"{user}:{pw}".encode()).decode()
    cred = Cred("docker-auth", "docker-config-auth", auth, pw, alts=[auth])
    fb.add('{\n  "auths": {\n    "registry.acme.io": {')
    fb.secret(f'      "auth": "{auth}"', cred, at=auth)
    fb.add("    },\n    \"ghcr.io\": {}\n  },")
    fb.add('  "credsStore": "desktop",\n  "currentContext": "default"\n}')


def t_kubeconfig(r, fb: FB):
    fb.add("apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: " + base64.b64encode(b"-----BEGIN CERTIFICATE-----\n" + bytes(r.getrandbits(8) for _ in range(300))).decode()
           + "\n    server: https://10.0.0.1:6443\n  name: prod\ncontexts:\n- context:\n    cluster: prod\n    user: deployer\n  name: prod\ncurrent-context: prod\nusers:\n- name: deployer\n  user:")
    if r.random() < 0.5:
        tok = C.jwt(r) if r.random() < 0.6 else Cred("kubeconfig", "kubeconfig-token", "", "")
        if not tok.value:
            v = C.rmixed(r, C.ALNUM, 48)
            tok = Cred("kubeconfig", "kubeconfig-token", v, v)
        fb.secret(f"    token: {tok.value}", tok)
    else:
        key = C.private_key(r)
        data = base64.b64encode((key.value + "\n").encode()).decode()
        cred = Cred("kubeconfig", "kubeconfig-client-key", data, data, alts=[key.value, key.secret])
        fb.add("    client-certificate-data: " + base64.b64encode(b"-----BEGIN CERTIFICATE-----\nMIIC" + bytes(r.getrandbits(8) for _ in range(200))).decode())
        fb.secret(f"    client-key-data: {data}", cred)


SECRET_KEYS = ["password", "db-password", "api-token", "client-secret", "secret-key", "POSTGRES_PASSWORD", "token"]


def t_k8s_secret(r, fb: FB):
    name = r.choice(["db-credentials", "api-keys", "orders-secrets", "registry-auth"])
    fb.add(f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n  namespace: {r.choice(['prod', 'default', 'payments'])}\ntype: Opaque")
    use_string = r.random() < 0.25
    fb.add("stringData:" if use_string else "data:")
    if r.random() < 0.7:
        u = r.choice(C.USERS)
        fb.neg(f"  username: {u if use_string else base64.b64encode(u.encode()).decode()}", "k8s-username")
    for _ in range(r.randint(1, 3)):
        cred = r.choice([C.generic_password, C.github_classic, C.stripe, C.sendgrid, C.slack_bot, C.openai, C.db_uri])(r)
        key = r.choice(SECRET_KEYS) if cred.family == "generic" else r.choice(cred.names).lower().replace("_", "-")
        if use_string:
            fb.secret(f"  {key}: {cred.value}" if cred.family != "generic" else f'  {key}: "{cred.value}"', cred)
        else:
            enc = base64.b64encode(cred.value.encode()).decode()
            alts = [enc, cred.value] + cred.alts
            c2 = Cred("k8s-secret", f"k8s-secret-{cred.kind}", enc, cred.secret, alts=alts)
            fb.secret(f"  {key}: {enc}", c2, at=enc)
    if r.random() < 0.5:
        fb.neg(f"  port: {base64.b64encode(b'5432').decode()}" if not use_string else "  port: \"5432\"", "k8s-nonsecret")


def t_k8s_deploy(r, fb: FB):
    """Deployment with secretKeyRef references and env placeholders: all negatives."""
    fb.add("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n      - name: orders\n        image: ghcr.io/acme/orders:1.4.2\n        env:")
    for key in r.sample(["DB_PASSWORD", "API_TOKEN", "STRIPE_SECRET_KEY", "JWT_SECRET"], 2):
        fb.neg(f"        - name: {key}\n          valueFrom:\n            secretKeyRef:\n              name: orders-secrets\n              key: {key.lower().replace('_', '-')}", "secretKeyRef")
    fb.neg("        - name: DB_PASSWORD_FILE\n          value: /run/secrets/db_password", "reference-path")
    fb.neg('        - name: PASSWORD_MIN_LENGTH\n          value: "32"', "password-length")
    fb.add("        ports:\n        - containerPort: 8080")


def t_helm_values(r, fb: FB):
    fb.add("replicaCount: 2\nimage:\n  repository: ghcr.io/acme/orders\n  tag: \"1.4.2\"\n  pullPolicy: IfNotPresent\nservice:\n  type: ClusterIP\n  port: 80")
    fb.add("postgresql:\n  auth:\n    username: app")
    if r.random() < 0.6:
        pw = C.generic_password(r)
        fb.secret(f'    password: "{pw.value}"', pw)
    else:
        fb.neg('    password: ""', "empty-password")
    fb.neg("    existingSecret: orders-db", "reference-name")
    fb.add("config:")
    sprinkle(r, fb, "yaml", r.randint(0, 2), r.randint(1, 3), r.randint(4, 12))


def t_helm_template(r, fb: FB):
    fb.add("apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ include \"orders.fullname\" . }}\ntype: Opaque\ndata:")
    fb.neg("  password: {{ .Values.postgresql.auth.password | b64enc | quote }}", "placeholder-helm")
    fb.neg("  api-token: {{ required \"apiToken\" .Values.apiToken | b64enc }}", "placeholder-helm")


def t_dockerfile(r, fb: FB):
    fb.add("FROM node:20-alpine AS build\nWORKDIR /app\nCOPY package*.json ./")
    fb.neg("ARG NPM_TOKEN", "placeholder-arg")
    fb.neg('RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc', "placeholder-env")
    if r.random() < 0.5:
        cred = C.pick_simple(r)
        fb.secret(assign(r, "docker", r.choice(cred.names), cred.value), cred)
    fb.neg("RUN --mount=type=secret,id=db_password DB_PASSWORD=$(cat /run/secrets/db_password) ./migrate.sh", "placeholder-subshell")
    filler(r, fb, "docker", r.randint(3, 7))


def t_compose(r, fb: FB):
    fb.add("services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: app")
    if r.random() < 0.6:
        pw = C.generic_password(r)
        fb.secret(f"      POSTGRES_PASSWORD: {pw.value}", pw)
    else:
        fb.neg("      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-changeme}", "placeholder-env")
    fb.add("  app:\n    build: .\n    environment:")
    fb.neg("      DATABASE_URL: postgres://app:${POSTGRES_PASSWORD}@db:5432/app", "placeholder-env")
    if r.random() < 0.5:
        c = C.db_uri(r)
        fb.secret(f"      CACHE_URL: {c.value}", c)
    fb.add("    ports:\n      - \"8080:8080\"\n    secrets:\n      - db_password\nsecrets:\n  db_password:\n    file: ./secrets/db_password.txt")


def t_workflow(r, fb: FB):
    fb.add("name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@" + rhex(r, 40) + "\n      - run: make test\n        env:")
    fb.negs.append({"path": fb.path, "line": fb.next_line - 3, "kind": "git-sha", "text": "actions/checkout@sha"})
    fb.neg("          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}", "placeholder-helm")
    fb.neg("          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}", "placeholder-helm")


def t_lockfile(r, fb: FB):
    if r.random() < 0.5:
        fb.add('{\n  "name": "web",\n  "lockfileVersion": 3,\n  "packages": {')
        for pkg in r.sample(["react", "lodash", "express", "axios", "debug", "ms", "chalk", "semver", "yaml", "tslib"], 6):
            v = f"{r.randint(1, 18)}.{r.randint(0, 20)}.{r.randint(0, 9)}"
            fb.add(f'    "node_modules/{pkg}": {{\n      "version": "{v}",\n      "resolved": "https://registry.npmjs.org/{pkg}/-/{pkg}-{v}.tgz",')
            fb.neg(f'      "integrity": "sha512-{C.b64(C._rand(r, 64))}",', "lockfile-integrity")
            fb.add("      \"license\": \"MIT\"\n    },")
        fb.add('    "": {}\n  }\n}')
    else:
        fb.add("# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n")
        for pkg in r.sample(["react", "lodash", "express", "axios", "debug", "ms", "chalk", "semver"], 5):
            v = f"{r.randint(1, 18)}.{r.randint(0, 20)}.{r.randint(0, 9)}"
            fb.add(f'{pkg}@^{v}:\n  version "{v}"\n  resolved "https://registry.yarnpkg.com/{pkg}/-/{pkg}-{v}.tgz#{rhex(r, 40)}"')
            fb.negs.append({"path": fb.path, "line": fb.next_line - 1, "kind": "git-sha", "text": "resolved#sha1"})
            fb.neg(f"  integrity sha512-{C.b64(C._rand(r, 64))}\n", "lockfile-integrity")


def t_gosum(r, fb: FB):
    for mod in r.sample(["github.com/spf13/cobra", "golang.org/x/net", "google.golang.org/grpc", "github.com/stretchr/testify", "go.uber.org/zap", "k8s.io/client-go"], 4):
        v = f"v{r.randint(0, 1)}.{r.randint(0, 60)}.{r.randint(0, 9)}"
        fb.neg(f"{mod} {v} h1:{C.b64(C._rand(r, 32))}", "go-sum")
        fb.neg(f"{mod} {v}/go.mod h1:{C.b64(C._rand(r, 32))}", "go-sum")


def t_css(r, fb: FB):
    for _ in range(r.randint(3, 10)):
        fb.neg(f".{r.choice(['btn', 'card', 'nav', 'token-badge', 'secret-banner'])}-{r.randint(1, 99)} {{ color: #{rhex(r, 6)}; background: #{rhex(r, 6)}; }}", "css-hex")
    png = C.b64(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + C._rand(r, r.randint(200, 900)))
    fb.neg(f".logo {{ background-image: url(data:image/png;base64,{png}); }}", "data-uri-png")


def t_minjs(r, fb: FB):
    ids = ["".join(r.choice(string.ascii_letters) for _ in range(r.randint(1, 3))) for _ in range(30)]
    parts = []
    for i in range(r.randint(30, 80)):
        a, b, c = r.sample(ids, 3)
        parts.append(r.choice([f"function {a}({b},{c}){{return {b}.apiKey||{c}.token}}", f"var {a}={b}.password||\"\"", f"{a}.secretKey={b}[{c}]",
                               f"{a}=\"{''.join(r.choice(string.ascii_letters + string.digits) for _ in range(r.randint(8, 40)))}\"", f"{a}.push({b})", f"if({a}){{{b}={c}}}"]))
    fb.neg("!function(e,t){" + ";".join(parts) + "}(window);", "minified-js")
    fb.neg("//# sourceMappingURL=app." + rhex(r, 20) + ".js.map", "minified-js")


def t_pubkeys(r, fb: FB):
    for _ in range(r.randint(1, 4)):
        blob = C.b64(b"\x00\x00\x00\x07ssh-rsa\x00\x00\x00\x03\x01\x00\x01\x00\x00\x01\x01" + C._rand(r, 257))
        fb.neg(f"ssh-rsa {blob} {r.choice(C.USERS)}@laptop", "ssh-public-key")
    blob = C.b64(b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00 " + C._rand(r, 32))
    fb.neg(f"ssh-ed25519 {blob} ci@acme", "ssh-public-key")


def t_cert(r, fb: FB):
    label = r.choice(["CERTIFICATE", "PUBLIC KEY", "CERTIFICATE REQUEST"])
    fb.neg(C._pem(label, bytes.fromhex("30820122300d06092a864886f70d01010105000382010f00") + C._rand(r, 500)), f"pem-{label.lower().replace(' ', '-')}")


def t_readme(r, fb: FB):
    fb.add("# Orders service\n\nConfigure credentials through the environment; never commit them.\n\n```bash")
    fb.neg("export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "aws-example")
    fb.neg("export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws-example")
    fb.neg("export GITHUB_TOKEN=<your-token>", "placeholder-angle")
    fb.neg("export DATABASE_URL=postgres://user:password@localhost:5432/db", "placeholder-word")
    fb.add("```\n\n## Changelog\n")
    for _ in range(r.randint(2, 6)):
        fb.neg(f"- {rhex(r, 40)} fix token refresh ({rhex(r, 7)})", "git-sha")
    fb.neg(f"- request id {uuid(r)}", "uuid")


def t_changelog(r, fb: FB):
    for _ in range(r.randint(5, 20)):
        fb.neg(f"commit {rhex(r, 40)}\nAuthor: Dev <dev@acme.io>\n\n    {r.choice(['rotate secrets', 'fix password reset', 'bump deps', 'add token cache'])}\n", "git-sha")


def t_html(r, fb: FB):
    fb.add("<!doctype html>\n<html><head>")
    fb.neg(f'<script src="https://cdn.example.net/lib.js" integrity="sha384-{C.b64(C._rand(r, 48))}" crossorigin="anonymous"></script>', "sri-hash")
    fb.neg(f'<img alt="logo" src="data:image/png;base64,{C.b64(C._rand(r, 300))}">', "data-uri-png")
    fb.neg('<input type="password" name="password" placeholder="Password" autocomplete="current-password">', "html-form")
    fb.add("</head><body></body></html>")


# weighted template table: (name, weight, fn(r, fb) , path maker)
def src_path(r, lang):
    return f"{r.choice(DIRS)}/{r.choice(STEMS)}{r.randint(0, 99)}.{EXT[lang]}"


TEMPLATES = []


def T(w, pathf, fn):
    TEMPLATES.append((w, pathf, fn))


for _lang in ["py", "js", "ts", "go", "java", "rb", "php", "cs", "sh", "kt"]:
    T(3 if _lang != "kt" else 1, (lambda l: lambda r: src_path(r, l))(_lang), (lambda l: lambda r, fb: t_source(r, fb, l))(_lang))
for _lang in ["py", "js", "go", "java", "sh", "rb"]:
    T(1, (lambda l: lambda r: src_path(r, l))(_lang), (lambda l: lambda r, fb: t_aws(r, fb, l))(_lang))
T(1, lambda r: f"{r.choice(['', 'home/dev/', 'ci/'])}.aws/credentials", t_aws_credentials)
for _lang, _name in [("json", "appsettings.json"), ("yaml", "config.yaml"), ("yaml", "application.yml"), ("toml", "config.toml"), ("ini", "settings.ini"),
                     ("properties", "application.properties"), ("xml", "Web.config"), ("json", "config/production.json")]:
    T(2, (lambda n: lambda r: f"{r.choice(DIRS)}/{n}")(_name), (lambda l: lambda r, fb: t_config(r, fb, l))(_lang))
T(3, lambda r: f"{r.choice(DIRS)}/{r.choice(['.env', '.env.production', '.env.local', 'env/.env.staging'])}", t_dotenv)
T(1, lambda r: f"{r.choice(['deploy/keys', 'certs', '.ssh', 'secrets'])}/{r.choice(['id_rsa', 'server.key', 'tls.key', 'deploy_key', 'signing.pem'])}", t_pem)
for _lang, _e in [("py", "py"), ("go", "go"), ("yaml", "yaml"), ("json", "json"), ("env", "env")]:
    T(0.5, (lambda e: lambda r: f"{r.choice(DIRS)}/keys{r.randint(0, 99)}.{e}")(_e), (lambda l: lambda r, fb: t_key_embedded(r, fb, l))(_lang))
T(1, lambda r: f"{r.choice(['deploy', 'infra/gcp', 'secrets'])}/{r.choice(['sa', 'service-account', 'gcp-key', 'credentials'])}{r.randint(0, 9)}.json", t_gcp_sa)
T(1, lambda r: f"{r.choice(['web', 'frontend', '', 'packages/ui'])}/.npmrc".lstrip("/"), t_npmrc)
T(0.7, lambda r: f"{r.choice(['', 'home/dev/', 'ci/'])}.pypirc", t_pypirc)
T(0.7, lambda r: f"{r.choice(['', 'home/dev/', 'ci/'])}.netrc", t_netrc)
T(1, lambda r: f"{r.choice(['', 'home/dev/', 'ci/'])}.docker/config.json", t_docker_config)
T(1, lambda r: f"{r.choice(['', 'home/dev/', 'ops/'])}.kube/{r.choice(['config', 'prod.yaml', 'staging-config'])}", t_kubeconfig)
T(3, lambda r: f"k8s/{r.choice(['base', 'overlays/prod', 'overlays/staging'])}/{r.choice(['secret', 'db-secret', 'api-secret'])}{r.randint(0, 99)}.yaml", t_k8s_secret)
T(2, lambda r: f"k8s/{r.choice(['base', 'overlays/prod'])}/deployment{r.randint(0, 99)}.yaml", t_k8s_deploy)
T(2, lambda r: f"charts/{r.choice(['orders', 'billing', 'auth'])}/values{r.choice(['', '-prod', '-staging'])}.yaml", t_helm_values)
T(1, lambda r: f"charts/{r.choice(['orders', 'billing', 'auth'])}/templates/secret{r.randint(0, 9)}.yaml", t_helm_template)
T(2, lambda r: f"{r.choice(DIRS)}/Dockerfile{r.choice(['', '.prod', '.dev'])}", t_dockerfile)
T(1.5, lambda r: f"{r.choice(DIRS)}/docker-compose{r.choice(['', '.prod', '.override'])}.yml", t_compose)
T(1, lambda r: f".github/workflows/{r.choice(['ci', 'release', 'deploy'])}{r.randint(0, 99)}.yml", t_workflow)
T(1.5, lambda r: f"{r.choice(['web', 'frontend', 'api', 'tools'])}{r.randint(0, 9)}/{r.choice(['package-lock.json', 'yarn.lock'])}", t_lockfile)
T(1, lambda r: f"{r.choice(['cmd/server', 'svc', 'agent'])}{r.randint(0, 9)}/go.sum", t_gosum)
T(1, lambda r: f"web/static/css/{r.choice(['app', 'theme', 'main'])}{r.randint(0, 99)}.css", t_css)
T(1, lambda r: f"web/dist/{r.choice(['app', 'vendor', 'chunk'])}.{rhex(r, 8)}.min.js", t_minjs)
T(1, lambda r: f"{r.choice(['.ssh', 'home/dev/.ssh', 'deploy'])}/{r.choice(['authorized_keys', 'id_rsa.pub', 'known_keys'])}", t_pubkeys)
T(1, lambda r: f"{r.choice(['certs', 'deploy/tls', 'ca'])}/{r.choice(['server.crt', 'ca.pem', 'public.pem', 'req.csr'])}", t_cert)
T(1, lambda r: f"{r.choice(DIRS)}/README.md", t_readme)
T(0.7, lambda r: f"{r.choice(DIRS)}/CHANGELOG.txt", t_changelog)
T(0.7, lambda r: f"web/{r.choice(['index', 'login', 'about'])}{r.randint(0, 9)}.html", t_html)


def generate(out: str, n_files: int, seed: int) -> dict:
    r = random.Random(seed)
    tree = os.path.join(out, "tree")
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(tree)
    weights = [t[0] for t in TEMPLATES]
    used: set[str] = set()
    labels, negs = [], []
    i = 0
    while len(used) < n_files:
        i += 1
        _, pathf, fn = r.choices(TEMPLATES, weights)[0]
        path = pathf(r).lstrip("/")
        if path in used:
            # keep paths unique: add a numbered directory level
            path = f"m{i % 97}/{path}"
            if path in used:
                continue
        used.add(path)
        fb = FB(path)
        fn(r, fb)
        full = os.path.join(tree, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8", newline="\n") as f:
            f.write(fb.text())
        labels.extend(fb.labels)
        negs.extend(fb.negs)
    with open(os.path.join(out, "labels.jsonl"), "w") as f:
        for lb in labels:
            f.write(json.dumps(lb, sort_keys=True) + "\n")
    with open(os.path.join(out, "negatives.jsonl"), "w") as f:
        for ng in negs:
            f.write(json.dumps(ng, sort_keys=True) + "\n")
    return {"files": len(used), "labels": len(labels), "negatives": len(negs)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="bench/data/corpus")
    ap.add_argument("--files", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    stats = generate(a.out, a.files, a.seed)
    print(f"wrote {stats['files']} files, {stats['labels']} labelled secrets, {stats['negatives']} hard negatives to {a.out}")


if __name__ == "__main__":
    main()
