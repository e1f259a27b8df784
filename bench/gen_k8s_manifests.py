#!/usr/bin/env python3
"""Generate N Kubernetes manifests (one file each) for bench/k8s_bench.sh.

A deterministic mix of the kinds the policy checks read: Deployments with
env/secretKeyRef, StatefulSets, CronJobs, Roles/ClusterRoles with and
without secret access, bindings, Secrets, ConfigMaps, ServiceAccounts.
Values are fake. No third-party modules (plain text YAML).
"""
import os
import random
import sys

N = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
OUT = sys.argv[1] if len(sys.argv) > 1 else "bench/data/k8s-manifests"
rng = random.Random(42)
ALNUM = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def fake(n=16):
    return "".join(rng.choice(ALNUM) for _ in range(n))


def deployment(i, kind="Deployment"):
    ns = f"team-{i % 40}"
    extra = ""
    if kind == "StatefulSet":
        extra = f"  serviceName: svc-{i}\n"
    return f"""apiVersion: apps/v1
kind: {kind}
metadata:
  name: app-{i}
  namespace: {ns}
  labels: {{app: app-{i}, tier: backend}}
spec:
{extra}  replicas: {1 + i % 3}
  selector:
    matchLabels: {{app: app-{i}}}
  template:
    metadata:
      labels: {{app: app-{i}}}
    spec:
      serviceAccountName: sa-{i % 7}
      containers:
        - name: main
          image: registry.example.org/app-{i}:1.{i % 10}.0
          ports: [{{containerPort: 8080}}]
          resources:
            limits: {{cpu: 500m, memory: 256Mi}}
          env:
            - name: LOG_LEVEL
              value: info
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: {{name: db-{i}, key: password}}
            - name: API_KEY
              value: {fake(24) if i % 5 == 0 else '""'}
          envFrom:
            - configMapRef: {{name: cfg-{i}}}
        - name: sidecar
          image: registry.example.org/proxy:2.1
          securityContext: {{runAsNonRoot: true, readOnlyRootFilesystem: true}}
"""


def cronjob(i):
    return f"""apiVersion: batch/v1
kind: CronJob
metadata:
  name: job-{i}
  namespace: team-{i % 40}
spec:
  schedule: "*/15 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          automountServiceAccountToken: false
          restartPolicy: OnFailure
          containers:
            - name: job
              image: registry.example.org/job:{i % 9}
              env:
                - name: DATABASE_URL
                  value: postgres://job:{fake()}@db:5432/app
"""


def role(i):
    if i % 2:
        return f"""apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: role-{i}
  namespace: team-{i % 40}
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    resourceNames: ["db-{i}"]
    verbs: ["get"]
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["get", "list", "watch", "patch"]
"""
    return f"""apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: clusterrole-{i}
rules:
  - apiGroups: [""]
    resources: ["secrets", "configmaps"]
    verbs: ["get", "list", "watch"]
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["get"]
"""


def binding(i):
    subject = "system:authenticated" if i % 11 == 0 else f"team-{i % 40}-devs"
    return f"""apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: binding-{i}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: clusterrole-{i - 1}
subjects:
  - kind: Group
    apiGroup: rbac.authorization.k8s.io
    name: {subject}
"""


def secret(i):
    return f"""apiVersion: v1
kind: Secret
metadata:
  name: db-{i}
  namespace: team-{i % 40}
type: Opaque
stringData:
  username: app
  password: {fake()}
"""


def configmap(i):
    return f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg-{i}
  namespace: team-{i % 40}
data:
  LOG_FORMAT: json
  FEATURE_FLAGS: "a,b,c"
  application.properties: |
    server.port=8080
    spring.datasource.url=jdbc:postgresql://db:5432/app
    spring.datasource.password={fake() if i % 4 == 0 else '${{DB_PASSWORD}}'}
"""


def serviceaccount(i):
    return f"""apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa-{i % 7}
  namespace: team-{i % 40}
"""


GENS = [deployment, lambda i: deployment(i, "StatefulSet"), cronjob, role, binding, secret,
        configmap, serviceaccount, deployment, deployment]

os.makedirs(OUT, exist_ok=True)
for i in range(N):
    gen = GENS[i % len(GENS)]
    with open(os.path.join(OUT, f"m{i:05d}.yaml"), "w") as f:
        f.write(gen(i))
print(f"wrote {N} manifests to {OUT}")
