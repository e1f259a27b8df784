#!/usr/bin/env python3
"""Planted credentials where people really write them (Python 3.11 stdlib only).

    python3 bench/realcode/gen_planted.py --out bench/data/realcode/planted --files 800 --seed 7

Writes OUT/tree/ (source, config, .env, SQL, shell, HTTP, logs, locales,
changelogs), OUT/labels.jsonl and OUT/negatives.jsonl. Deterministic for a
seed; every value is random and generated at run time: nothing here is a real
credential, and the output goes under bench/data/ (git-ignored), never into a
commit.

Each file is a few *places* separated by ordinary lines. A place is a
credential in one spot people put one (labelled) or a hard negative in the
same spot (a placeholder, a reference, a hash, a type name, an i18n string,
...). A label is {path, line, end_line, kind, place, secret}; kind is one of

    password         human-chosen or random passwords: assignments, config,
                     .env, SQL, connection strings (postgres://, mysql://,
                     mongodb+srv://, redis://, amqp://, oracle:, pg:,
                     ADO.NET Password=...;, JDBC ?password=), call arguments
                     (login(user, '...'), connect(password='...')),
                     comparisons (password == '...')
    url-header       URL query (?api_key=, &auth_pwd=), Authorization
                     Basic/Bearer and X-API-Key headers in code and curl,
                     curl -u user:pass
    generic-secret   random secrets under names ending in key/secret
                     (TWITTER_KEY, jwt-secret-key, consumer_secret,
                     app_secret, client_secret, JSON "secret" beside a key id,
                     new Mailgun('...'))
    generic-token    random tokens under *token names
    salt-seed-nonce  salts, seeds, nonces
    vendor           real-format vendor tokens (bench/corpus/creds.py)
    private-key      PEM private keys

A negative is {path, line, kind} with kind naming the trap (placeholder,
reference, hash, i18n, ...).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import string
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus"))
import creds  # noqa: E402  (the project's own fake-credential generators)

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
PW_SYM = "!#%*+-.?@^_~"
WORDS = ["summer", "dragon", "monkey", "shadow", "falcon", "tiger", "lemon", "rocket", "sunny",
         "hunter", "maple", "orange", "silver", "winter", "pepper", "marina", "buster", "coffee",
         "panther", "violet", "cookie", "banana", "matrix", "phoenix", "soccer", "yankees"]
USERS = ["admin", "app", "svc_orders", "reporting", "deploy", "api", "etl", "backend", "web"]
HOSTS = ["db.internal", "10.0.3.17", "prod-db-1.acme.io", "cache.svc.cluster.local", "mq.corp.example"]


# ---------------------------------------------------------------------------
# values

def rs(r, alphabet, n):
    return "".join(r.choice(alphabet) for _ in range(n))


def human_pw(r):
    w = r.choice(WORDS)
    if r.random() < 0.5:
        w = w.capitalize()
    w += str(r.choice([r.randint(1, 99), r.randint(1970, 2025)]))
    if r.random() < 0.35:
        w += r.choice("!@#$.*")
    return w


def random_pw(r):
    n = r.randint(12, 20)
    while True:
        s = rs(r, ALNUM + PW_SYM, n)
        if (any(c.isupper() for c in s) and any(c.islower() for c in s)
                and any(c.isdigit() for c in s) and any(c in PW_SYM for c in s)):
            return s


def password(r):
    return human_pw(r) if r.random() < 0.5 else random_pw(r)


def url_safe_pw(r):
    """A password that needs no percent-encoding in a URL's userinfo."""
    while True:
        p = password(r)
        if not any(c in p for c in "@#/?%:$"):
            return p


def secret_value(r):
    return r.choice([
        lambda: creds.rmixed(r, ALNUM, r.choice([24, 32, 40])),
        lambda: rs(r, HEX, r.choice([32, 40, 64])),
        lambda: base64.b64encode(bytes(r.getrandbits(8) for _ in range(r.choice([24, 32])))).decode(),
        lambda: rs(r, string.ascii_lowercase + string.digits, 30),
    ])()


def token_value(r):
    return r.choice([
        lambda: creds.rmixed(r, ALNUM, r.choice([32, 40, 48])),
        lambda: rs(r, HEX, 40),
        lambda: creds.rmixed(r, ALNUM + "-_", 43),
    ])()


# ---------------------------------------------------------------------------
# places: each returns (lines, index of the secret line in lines, secret)
# Templates use {v} for the value.

def P(ext, kind, place, lines, value_fn, sec_line=None):
    return dict(ext=ext, kind=kind, place=place, lines=lines, value=value_fn, sec_line=sec_line)


def pw(r):
    return password(r)


def upw(r):
    return url_safe_pw(r)


def basic(r):
    u = r.choice(USERS)
    return base64.b64encode(f"{u}:{url_safe_pw(r)}".encode()).decode()


PLACES = [
    # --- passwords in assignments and config
    P("py", "password", "py-assign", ['DB_PASSWORD = "{v}"'], pw),
    P("py", "password", "py-assign-lower", ["password = '{v}'"], pw),
    P("js", "password", "js-const", ['const dbPassword = "{v}";'], pw),
    P("java", "password", "java-field", ['    private static final String PASSWORD = "{v}";'], pw),
    P("go", "password", "go-assign", ['\tpassword := "{v}"'], pw),
    P("php", "password", "php-var", ["$db_pass = '{v}';"], pw),
    P("php", "password", "php-define", ["define('DB_PASSWORD', '{v}');"], pw),
    P("rb", "password", "rb-hash", ["  password: '{v}',"], pw),
    P("cs", "password", "cs-var", ['var adminPassword = "{v}";'], pw),
    P("env", "password", "dotenv", ["DB_PASSWORD={v}"], upw),
    P("env", "password", "dotenv-mysql-root", ["MYSQL_ROOT_PASSWORD={v}"], upw),
    P("yml", "password", "yaml", ["  password: {v}"], upw),
    P("yml", "password", "yaml-quoted", ['  db_password: "{v}"'], pw),
    P("ini", "password", "ini", ["[database]", "password = {v}"], upw, 1),
    P("properties", "password", "properties", ["spring.datasource.password={v}"], upw),
    P("xml", "password", "xml-element", ["  <password>{v}</password>"], upw),
    P("toml", "password", "toml", ['smtp_password = "{v}"'], pw),
    P("sh", "password", "shell-export", ["export PGPASSWORD={v}"], upw),
    P("sh", "password", "mysql-p", ["mysql -h db.internal -u root -p{v} app < dump.sql"], upw),
    P("sql", "password", "sql-identified-by", ["CREATE USER 'app'@'%' IDENTIFIED BY '{v}';"], upw),
    P("sql", "password", "sql-with-password", ["ALTER USER reporting WITH PASSWORD '{v}';"], upw),
    # connection strings
    P("py", "password", "url-postgres", ['DATABASE_URL = "postgres://app:{v}@db.internal:5432/orders"'], upw),
    P("env", "password", "url-mysql", ["DATABASE_URL=mysql://web:{v}@10.0.3.17:3306/shop"], upw),
    P("js", "password", "url-mongodb-srv", ['const uri = "mongodb+srv://api:{v}@cluster0.ab1cd.mongodb.net/app";'], upw),
    P("yml", "password", "url-redis", ["  url: redis://:{v}@cache.svc.cluster.local:6379/0"], upw),
    P("env", "password", "url-amqp", ["BROKER_URL=amqp://svc:{v}@mq.corp.example:5672/vhost"], upw),
    P("properties", "password", "oracle-thin", ["db.url=jdbc:oracle:thin:scott/{v}@db.internal:1521:ORCL"], upw),
    P("rb", "password", "url-pg", ['  url: "pg://deploy:{v}@db.internal/app"'], upw),
    P("cs", "password", "adonet", ['var cs = "Server=db.internal;Database=app;User Id=app;Password={v};";'], upw),
    P("properties", "password", "jdbc-query", ["db.url=jdbc:postgresql://db.internal:5432/app?user=app&password={v}"], upw),
    # call arguments and comparisons
    P("py", "password", "call-login", ["client.login(user, '{v}')"], pw),
    P("py", "password", "call-connect-kw", ["conn = psycopg2.connect(host='db', user='app', password='{v}')"], pw),
    P("java", "password", "call-getconnection", ['        Connection c = DriverManager.getConnection(url, "app", "{v}");'], pw),
    P("py", "password", "comparison", ["if password == '{v}':"], pw),
    P("js", "password", "comparison-js", ['if (req.body.password === "{v}") {{'], pw),
    # --- URLs and headers
    P("py", "url-header", "url-query-api-key", ['resp = requests.get("https://api.weather.test/v1/forecast?q=paris&api_key={v}")'], secret_value),
    P("js", "url-header", "url-query-auth-pwd", ['fetch(`https://sms.gateway.test/send?user=ops&auth_pwd={v}&to=${{to}}`);'], upw),
    P("py", "url-header", "header-bearer-code", ['headers = {{"Authorization": "Bearer {v}"}}'], token_value),
    P("py", "url-header", "header-basic-code", ['headers = {{"Authorization": "Basic {v}"}}'], basic),
    P("js", "url-header", "header-x-api-key-code", ["  headers: {{ 'X-API-Key': '{v}' }},"], secret_value),
    P("sh", "url-header", "curl-bearer", ['curl -s -H "Authorization: Bearer {v}" https://api.internal.test/v2/users'], token_value),
    P("sh", "url-header", "curl-x-api-key", ['curl -H "X-API-Key: {v}" https://api.internal.test/v1/items'], secret_value),
    P("sh", "url-header", "curl-u", ["curl -u admin:{v} https://ci.internal.test/api/json"], upw),
    P("http", "url-header", "http-basic", ["GET /v1/items HTTP/1.1", "Host: api.internal.test", "Authorization: Basic {v}"], basic, 2),
    # --- generic secrets
    P("env", "generic-secret", "env-twitter-key", ["TWITTER_KEY={v}"], secret_value),
    P("yml", "generic-secret", "yaml-jwt-secret-key", ["  jwt-secret-key: {v}"], secret_value),
    P("py", "generic-secret", "py-consumer-secret", ['consumer_secret = "{v}"'], secret_value),
    P("js", "generic-secret", "js-app-secret", ["  appSecret: '{v}',"], secret_value),
    P("json", "generic-secret", "json-client-secret", ['  "client_secret": "{v}",'], secret_value),
    P("json", "generic-secret", "json-key-beside-id", ['  "key_id": "K' + "{k}" + '",', '  "secret": "{v}"'], secret_value, 1),
    P("php", "generic-secret", "call-new-mailgun", ["$mg = new Mailgun('{v}');"], lambda r: "key-" + rs(r, HEX, 32)),
    P("go", "generic-secret", "go-signing-key", ['var signingKey = []byte("{v}")'], secret_value),
    # --- generic tokens
    P("py", "generic-token", "py-auth-token", ['AUTH_TOKEN = "{v}"'], token_value),
    P("yml", "generic-token", "yaml-access-token", ["  access_token: {v}"], token_value),
    P("env", "generic-token", "env-api-token", ["API_TOKEN={v}"], token_value),
    P("js", "generic-token", "js-refresh-token", ['const refreshToken = "{v}";'], token_value),
    # --- salts, seeds, nonces
    P("py", "salt-seed-nonce", "py-salt", ['PASSWORD_SALT = "{v}"'], lambda r: creds.rmixed(r, ALNUM, 22)),
    P("php", "salt-seed-nonce", "wp-nonce-salt", ["define('NONCE_SALT', '{v}');"], lambda r: rs(r, ALNUM + "!#%*+-.?@^_~()[]", 64)),
    P("yml", "salt-seed-nonce", "yaml-seed", ["  secret_seed: {v}"], lambda r: creds.rmixed(r, ALNUM, 32)),
    P("env", "salt-seed-nonce", "env-hmac-salt", ["HMAC_SALT={v}"], lambda r: rs(r, HEX, 32)),
]

# hard negatives in the same places: (ext, trap kind, line template)
NEGATIVES = [
    ("py", "placeholder", 'DB_PASSWORD = "<YOUR_PASSWORD>"'),
    ("env", "placeholder", "DB_PASSWORD=${DB_PASSWORD}"),
    ("py", "placeholder", "dsn = 'postgres://%(user)s:%(password)s@%(host)s/db'"),
    ("yml", "placeholder", "  password: {{ .Values.db.password }}"),
    ("yml", "placeholder", "  password: changeme"),
    ("ini", "placeholder", "password = xxxxxxxx"),
    ("properties", "placeholder", "spring.datasource.password=********"),
    ("env", "placeholder", "API_KEY=your-api-key-here"),
    ("sh", "placeholder", 'curl -H "Authorization: Bearer $TOKEN" https://api.internal.test/v1'),
    ("py", "reference", 'password = os.environ["DB_PASSWORD"]'),
    ("py", "reference", "password = getpass.getpass()"),
    ("java", "reference", "        String password = getPass();"),
    ("js", "reference", "const password = config.password;"),
    ("py", "reference", "conn = connect(password=settings.DB_PASSWORD)"),
    ("yml", "boolean", "  require_password: true"),
    ("yml", "number", "  password_min_length: 12"),
    ("env", "path", "DB_PASSWORD_FILE=/run/secrets/db_password"),
    ("java", "type", "    private PasswordEncoder passwordEncoder;"),
    ("py", "type", "password = forms.CharField(widget=forms.PasswordInput)"),
    ("ts", "type", "  password: string;"),
    ("locale", "i18n", '  password: "Mot de passe"'),
    ("locale", "i18n", '  forgot_password: "Mot de passe oublie ?"'),
    ("log", "test-log", "PASS: test-password-reset-flow"),
    ("log", "test-log", "PASS: auth_token_refresh (0.02s)"),
    ("md", "changelog", "- Fixed a crash when the password contains a colon (#1234)"),
    ("md", "changelog", "- The `api_key` option is deprecated; use `token_file` instead"),
    ("py", "hash", 'PASSWORD_HASH = "$2b$12${b53}"'),
    ("yml", "hash", "  password_hash: $argon2id$v=19$m=65536,t=3,p=4${b22}${b43}"),
    ("txt", "hash", "root:$6${b16}${b86}:19000:0:99999:7:::"),
    ("ldif", "hash", "userPassword: {{SSHA}}{b32}"),
    ("json", "digest", '  "sha256": "{h64}",'),
    ("yml", "digest", "  checksum: {h40}"),
    ("py", "digest", 'digest = "{h32}"'),
    ("log", "redacted", 'Parameters: {{"user"=>{{"password"=>"[FILTERED]"}}}}'),
    ("log", "redacted", "password=***** user=admin"),
    ("py", "example-doc", "# password = 'example'  (set it in the environment instead)"),
]

EXT_DIR = {
    "py": ("app", "py"), "js": ("web/src", "js"), "ts": ("web/src", "ts"), "java": ("svc/src/main/java", "java"),
    "go": ("cmd/server", "go"), "php": ("site", "php"), "rb": ("rails/config", "rb"), "cs": ("dotnet", "cs"),
    "env": ("deploy", "env"), "yml": ("config", "yml"), "ini": ("config", "ini"),
    "properties": ("svc/src/main/resources", "properties"), "xml": ("config", "xml"), "toml": ("config", "toml"),
    "sh": ("scripts", "sh"), "sql": ("db/migrations", "sql"), "http": ("requests", "http"),
    "json": ("config", "json"), "locale": ("locales", "yml"), "log": ("logs", "log"), "md": ("docs", "md"),
    "txt": ("etc", "txt"), "ldif": ("ldap", "ldif"), "pem": ("keys", "pem"),
}

FILLER = {
    "py": ["import os", "", "def handler(event):", "    return {'ok': True}", "logger = logging.getLogger(__name__)"],
    "js": ["'use strict';", "", "module.exports = {};", "function noop() {}"],
    "ts": ["export interface User {", "}", ""],
    "java": ["package com.acme.app;", "", "public class Config {", "}"],
    "go": ["package main", "", "import \"fmt\"", "func init() {}"],
    "php": ["<?php", "", "// settings", "$debug = false;"],
    "rb": ["# frozen_string_literal: true", "", "Rails.application.configure do", "end"],
    "cs": ["using System;", "", "namespace Acme {", "}"],
    "env": ["# local settings", "", "APP_ENV=production", "PORT=8080"],
    "yml": ["# service settings", "", "service:", "  name: orders"],
    "ini": ["; settings", "", "[server]", "port = 8080"],
    "properties": ["# application", "", "server.port=8080"],
    "xml": ["<?xml version=\"1.0\"?>", "", "<!-- settings -->"],
    "toml": ["# settings", "", "[server]", "port = 8080"],
    "sh": ["#!/bin/sh", "", "set -eu", "echo starting"],
    "sql": ["-- migration", "", "BEGIN;", "COMMIT;"],
    "http": ["###", ""],
    "json": ["{", "  \"name\": \"orders\",", "  \"port\": 8080,"],
    "locale": ["fr:", "  login: \"Connexion\"", ""],
    "log": ["2026-01-03T10:00:01Z INFO starting", "ok 12 - parses config", ""],
    "md": ["# Changelog", "", "## 2.3.0"],
    "txt": ["# passwd", ""],
    "ldif": ["dn: uid=jdoe,ou=people,dc=example,dc=org", "objectClass: inetOrgPerson", ""],
    "pem": [""],
}


def fill_neg(r, t):
    b = lambda n: rs(r, string.ascii_letters + string.digits + "./", n)  # noqa: E731
    return (t.replace("{b53}", b(53)).replace("{b22}", b(22)).replace("{b43}", b(43)).replace("{b16}", b(16))
            .replace("{b86}", b(86)).replace("{b32}", base64.b64encode(bytes(r.getrandbits(8) for _ in range(24))).decode())
            .replace("{h64}", rs(r, HEX, 64)).replace("{h40}", rs(r, HEX, 40)).replace("{h32}", rs(r, HEX, 32))
            .replace("{{", "{").replace("}}", "}"))


VENDORS = [f for f, _ in creds.SIMPLE if f.__name__ not in ("db_uri", "basic_auth_url", "generic_password", "jwt")]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="bench/data/realcode/planted")
    ap.add_argument("--files", type=int, default=800)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    r = random.Random(a.seed)
    tree = os.path.join(a.out, "tree")
    os.makedirs(tree, exist_ok=True)
    labels, negatives = [], []
    by_ext = {}
    for p in PLACES:
        by_ext.setdefault(p["ext"], []).append(("pos", p))
    for n in NEGATIVES:
        by_ext.setdefault(n[0], []).append(("neg", n))
    # a file's type is drawn in proportion to the places it can hold
    item_exts = [p["ext"] for p in PLACES] + [n[0] for n in NEGATIVES]
    for i in range(a.files):
        # one file in twelve holds a vendor token or a private key
        roll = r.random()
        if roll < 0.04:
            ext = "pem"
        else:
            ext = r.choice(item_exts)
        d, suffix = EXT_DIR[ext]
        if ext == "env":
            rel = f"{d}/svc{i:04d}/.env"
        elif ext == "locale":
            rel = f"{d}/{i:04d}/fr.yml"
        else:
            rel = f"{d}/f{i:04d}.{suffix}"
        lines = list(r.sample(FILLER[ext], k=min(2, len(FILLER[ext]))))

        def add_block(block_lines, label=None, sec_line=0):
            lines.append("")
            start = len(lines) + 1
            lines.extend(block_lines)
            if label is not None:
                label.update(path=rel, line=start + sec_line, end_line=start + sec_line + label.pop("span", 0))
                labels.append(label)
            lines.append(r.choice(FILLER[ext]) if FILLER[ext] else "")

        if ext == "pem":
            pem = creds.private_key(r)
            body = pem.value.rstrip("\n").split("\n")
            add_block(body, dict(kind="private-key", place="pem-file", secret=pem.secret, span=len(body) - 1))
        else:
            k = r.randint(2, 5)
            for _ in range(k):
                sort, item = r.choice(by_ext[ext])
                if sort == "pos":
                    v = item["value"](r)
                    key_id = rs(r, string.ascii_uppercase + string.digits, 16)
                    body = [ln.replace("{k}", key_id).replace("{v}", v).replace("{{", "{").replace("}}", "}")
                            for ln in item["lines"]]
                    sec = item["sec_line"] if item["sec_line"] is not None else len(body) - 1
                    add_block(body, dict(kind=item["kind"], place=item["place"], secret=v), sec)
                else:
                    add_block([fill_neg(r, item[2])])
                    negatives.append(dict(path=rel, line=len(lines) - 1, kind=item[1]))
            if r.random() < 0.3 and ext in ("py", "js", "env", "yml", "go", "rb", "java", "sh"):
                c = r.choice(VENDORS)(r)
                name = c.names[0].upper() if ext in ("env", "sh") else c.names[0]
                tpl = {"py": '{n} = "{v}"', "js": 'const {n} = "{v}";', "env": "{n}={v}", "yml": "  {n}: {v}",
                       "go": '\t{n} := "{v}"', "rb": "{n} = '{v}'", "java": '    static String {n} = "{v}";',
                       "sh": "export {n}={v}"}[ext]
                add_block([tpl.format(n=name, v=c.value)], dict(kind="vendor", place=c.kind, secret=c.secret))
        path = os.path.join(tree, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
    with open(os.path.join(a.out, "labels.jsonl"), "w") as f:
        for lb in labels:
            f.write(json.dumps(lb) + "\n")
    with open(os.path.join(a.out, "negatives.jsonl"), "w") as f:
        for ng in negatives:
            f.write(json.dumps(ng) + "\n")
    kinds = {}
    for lb in labels:
        kinds[lb["kind"]] = kinds.get(lb["kind"], 0) + 1
    print(f"{a.files} files, {len(labels)} labels {kinds}, {len(negatives)} negatives -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
