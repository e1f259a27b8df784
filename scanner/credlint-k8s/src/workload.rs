//! Where pods hide in objects: the pod spec of a Pod and of every pod
//! template (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
//! ReplicationController, PodTemplate), their containers, the
//! kube-apiserver static pod with its command-line flags, and static
//! control-plane pods in general.

use crate::model::{At, Object};

/// Where a workload kind keeps its pod spec (`Deployment`:
/// `spec.template.spec`); `None` for kinds that have none.
pub fn pod_spec_path(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Pod" => &["spec"],
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "Job"
        | "ReplicationController" => &["spec", "template", "spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        "PodTemplate" => &["template", "spec"],
        _ => return None,
    })
}

/// The pod specs of an object.
pub(crate) fn pod_specs(obj: &Object) -> Vec<At<'_>> {
    let root = obj.at();
    let Some(path) = pod_spec_path(&obj.kind) else {
        return Vec::new();
    };
    root.keys(path).into_iter().collect()
}

/// Every container of a pod spec: `containers`, `initContainers`, `ephemeralContainers`.
pub(crate) fn containers<'a>(spec: &At<'a>) -> Vec<At<'a>> {
    ["containers", "initContainers", "ephemeralContainers"]
        .iter()
        .filter_map(|k| spec.key(k))
        .flat_map(|list| list.items())
        .collect()
}

/// The kube-apiserver container of a (static) pod, or the `apiServer`
/// section of a kubeadm ClusterConfiguration.
pub(crate) struct ApiServer<'a> {
    /// The container (or the `apiServer` section, or the `kind` key when a
    /// ClusterConfiguration has none).
    pub container: At<'a>,
    /// `command[1..]` and `args` as written; kubeadm's `extraArgs` as
    /// `--name=value`.
    pub flags: Vec<std::borrow::Cow<'a, str>>,
}

impl<'a> ApiServer<'a> {
    /// Whether `--name` is set (as `--name=value` or `--name value`).
    pub fn has_flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| {
            f.strip_prefix(name)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('='))
        })
    }

    /// The value of `--name` and where it is written (the `command`/`args`
    /// item, or the kubeadm `extraArgs` entry); the last one wins, as on a
    /// command line. `--name` alone (a boolean flag) is `true`.
    pub fn flag(&self, name: &str) -> Option<(String, At<'a>)> {
        let bare = name.trim_start_matches('-');
        let mut found = None;
        if let Some(extra) = self.container.key("extraArgs") {
            for (k, at) in extra.entries() {
                if k == bare {
                    found = Some((at.text().unwrap_or("").to_string(), at));
                }
            }
            for item in extra.items() {
                if item.node.get("name").and_then(|n| n.scalar_text()) == Some(bare) {
                    let v = item
                        .node
                        .get("value")
                        .and_then(|n| n.scalar_text())
                        .unwrap_or("");
                    found = Some((v.to_string(), item));
                }
            }
            return found;
        }
        let items: Vec<At<'a>> = ["command", "args"]
            .iter()
            .filter_map(|k| self.container.key(k))
            .flat_map(|a| a.items())
            .collect();
        for (i, item) in items.iter().enumerate() {
            let Some(text) = item.text() else { continue };
            let words: Vec<&str> = text.split_whitespace().collect();
            for (j, w) in words.iter().enumerate() {
                let Some(rest) = w.strip_prefix(name) else {
                    continue;
                };
                let value = if let Some(v) = rest.strip_prefix('=') {
                    v.to_string()
                } else if !rest.is_empty() {
                    continue;
                } else if let Some(next) = words.get(j + 1).filter(|n| !n.starts_with("--")) {
                    next.to_string()
                } else if let Some(next) = (words.len() == 1)
                    .then(|| items.get(i + 1).and_then(|n| n.text()))
                    .flatten()
                    .filter(|n| !n.starts_with("--"))
                {
                    next.to_string()
                } else {
                    "true".to_string()
                };
                found = Some((value, item.clone()));
            }
        }
        found
    }

    /// Where a finding about a missing flag points: the `command:` key.
    pub fn command_at(&self) -> At<'a> {
        self.container
            .key("command")
            .or_else(|| self.container.key("args"))
            .unwrap_or_else(|| self.container.clone())
    }
}

/// The program a container runs: the file name of `command[0]`, else of
/// `args[0]` (`/usr/local/bin/kube-apiserver` → `kube-apiserver`).
fn program<'a>(c: &At<'a>) -> Option<&'a str> {
    let first = |k: &str| c.key(k).and_then(|a| a.node.strings().first().copied());
    first("command")
        .or_else(|| first("args"))
        .and_then(|p| p.rsplit('/').next())
}

/// The binaries of the control plane that kubeadm and similar installers
/// run as static pods.
const CONTROL_PLANE: &[&str] = &[
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "etcd",
];

/// Whether `obj` is a static (kubelet-file) pod of the control plane: a
/// Pod in `kube-system` (or with no namespace) that runs kube-apiserver,
/// kube-controller-manager, kube-scheduler or etcd, or is labelled `tier:
/// control-plane` in `kube-system`, or (in a live cluster) the mirror of a
/// static pod (annotation `kubernetes.io/config.mirror`). The kubelet runs these from
/// files; they cannot use a service account and get no token.
pub(crate) fn static_control_plane(obj: &Object) -> bool {
    if obj.kind != "Pod" {
        return false;
    }
    let annotated = obj
        .root
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .is_some_and(|a| a.get("kubernetes.io/config.mirror").is_some());
    let labelled = obj.namespace.as_deref() == Some("kube-system")
        && obj.label("tier") == Some("control-plane");
    let system = matches!(obj.namespace.as_deref(), None | Some("kube-system"));
    let runs = system
        && obj.at().key("spec").is_some_and(|spec| {
            containers(&spec)
                .iter()
                .any(|c| program(c).is_some_and(|p| CONTROL_PLANE.contains(&p)))
        });
    annotated || labelled || runs
}

/// The kube-apiserver container, if `obj` is a Pod that runs one.
pub(crate) fn apiserver(obj: &Object) -> Option<ApiServer<'_>> {
    component(
        obj,
        "apiServer",
        "kube-apiserver",
        &["apiserver", "kube-apiserver"],
    )
}

/// The kube-controller-manager container, or a kubeadm
/// ClusterConfiguration's `controllerManager` section.
pub(crate) fn controller_manager(obj: &Object) -> Option<ApiServer<'_>> {
    component(
        obj,
        "controllerManager",
        "kube-controller-manager",
        &["controller-manager", "kube-controller-manager"],
    )
}

/// A control-plane component: its kubeadm section (`apiServer`,
/// `controllerManager`) or the container that runs `binary`.
fn component<'a>(
    obj: &'a Object,
    section: &str,
    binary: &str,
    hyperkube: &[&str],
) -> Option<ApiServer<'a>> {
    if obj.kind == "ClusterConfiguration" && obj.api_version.starts_with("kubeadm.k8s.io/") {
        return Some(kubeadm_component(obj, section));
    }
    for spec in pod_specs(obj) {
        for c in containers(&spec) {
            let mut words = c
                .key("command")
                .map(|a| a.node.strings())
                .unwrap_or_default();
            words.extend(c.key("args").map(|a| a.node.strings()).unwrap_or_default());
            if let Some(flags) = component_flags(&words, binary, hyperkube) {
                return Some(ApiServer {
                    container: c,
                    flags: flags.into_iter().map(std::borrow::Cow::Borrowed).collect(),
                });
            }
        }
    }
    None
}

/// The API server a kubeadm ClusterConfiguration sets up: its
/// `apiServer.extraArgs`, a map (`v1beta3`) or a list of `{name, value}`
/// (`v1beta4`). No `apiServer` section means kubeadm's defaults, which set
/// neither an encryption config nor an audit policy.
fn kubeadm_component<'a>(obj: &'a Object, name: &str) -> ApiServer<'a> {
    use crate::model::Value;
    use std::borrow::Cow;
    let root = obj.at();
    let section = root.key(name);
    let mut flags = Vec::new();
    if let Some(extra) = section.as_ref().and_then(|a| a.key("extraArgs")) {
        fn text(n: Option<&crate::model::Node>) -> &str {
            n.and_then(|n| n.scalar_text()).unwrap_or("")
        }
        match &extra.node.value {
            Value::Map(entries) => {
                for e in entries {
                    flags.push(Cow::Owned(format!("--{}={}", e.key, text(Some(&e.value)))));
                }
            }
            Value::Seq(items) => {
                for item in items {
                    let name = text(item.get("name"));
                    if !name.is_empty() {
                        flags.push(Cow::Owned(format!("--{name}={}", text(item.get("value")))));
                    }
                }
            }
            _ => {}
        }
    }
    let container = section
        .or_else(|| root.key("kind"))
        .unwrap_or_else(|| root.clone());
    ApiServer { container, flags }
}

/// The flags of a kube-apiserver command line (`command` then `args`):
/// `kube-apiserver --x`, `hyperkube apiserver --x` (self-hosted clusters
/// of old), or a shell running one (`sh -c "exec kube-apiserver --x"`).
fn component_flags<'a>(
    words: &[&'a str],
    binary: &str,
    hyperkube: &[&str],
) -> Option<Vec<&'a str>> {
    let name = |w: &'a str| w.rsplit('/').next().unwrap_or(w);
    match name(words.first()?) {
        b if b == binary => Some(words[1..].to_vec()),
        "hyperkube" if words.get(1).is_some_and(|w| hyperkube.contains(&name(w))) => {
            Some(words[2..].to_vec())
        }
        "sh" | "bash" | "ash" | "dash" => {
            let script = words.iter().skip_while(|w| **w != "-c").nth(1)?;
            let mut tokens = script.split_whitespace();
            tokens.find(|t| name(t) == binary)?;
            Some(
                tokens
                    .take_while(|t| !matches!(*t, "&&" | ";" | "||" | "|"))
                    .collect(),
            )
        }
        _ => None,
    }
}

#[cfg(test)]
mod apiserver_tests {
    use crate::cred::testing::objects;

    fn flags(text: &str) -> Option<Vec<String>> {
        let objs = objects("m.yaml", text);
        super::apiserver(&objs[0]).map(|a| a.flags.iter().map(|f| f.to_string()).collect())
    }

    /// A flag's value and where it is: `--f=v`, `--f v` in one item (a
    /// shell line), `--f` then `v` as two items, a boolean `--f` alone, the
    /// last one winning; kubeadm's map and list; the controller manager.
    #[test]
    fn flag_values() {
        let pod = |prog: &str, args: &str| {
            format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  namespace: kube-system\nspec:\n  containers:\n    - name: a\n      command: [{prog}]\n      args: [{args}]\n")
        };
        let value = |text: &str, flag: &str| {
            let objs = objects("m.yaml", text);
            let api = super::apiserver(&objs[0]).or_else(|| super::controller_manager(&objs[0]));
            api.and_then(|a| a.flag(flag).map(|(v, at)| (v, at.path)))
        };
        let t = pod("kube-apiserver", "--token-auth-file, /t.csv, --service-account-lookup=true, --profiling, --service-account-lookup=false");
        assert_eq!(
            value(&t, "--token-auth-file"),
            Some(("/t.csv".into(), "spec.containers[0].args[0]".into()))
        );
        assert_eq!(
            value(&t, "--service-account-lookup"),
            Some(("false".into(), "spec.containers[0].args[4]".into()))
        );
        assert_eq!(value(&t, "--profiling").map(|v| v.0), Some("true".into()));
        assert_eq!(value(&t, "--token"), None);
        let cm = pod(
            "kube-controller-manager",
            "--service-account-private-key-file=/k",
        );
        assert_eq!(
            value(&cm, "--service-account-private-key-file").map(|v| v.0),
            Some("/k".into())
        );
        let v3 = "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n    token-auth-file: /a.csv\ncontrollerManager:\n  extraArgs:\n    service-account-private-key-file: /k\n";
        assert_eq!(
            value(v3, "--token-auth-file"),
            Some((
                "/a.csv".into(),
                "apiServer.extraArgs.token-auth-file".into()
            ))
        );
        let objs = objects("m.yaml", v3);
        let cm = super::controller_manager(&objs[0]).unwrap();
        assert_eq!(
            cm.flag("--service-account-private-key-file").map(|v| v.0),
            Some("/k".into())
        );
        let v4 = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n    - {name: token-auth-file, value: /b.csv}\n";
        assert_eq!(
            value(v4, "--token-auth-file"),
            Some(("/b.csv".into(), "apiServer.extraArgs[0]".into()))
        );
    }

    #[test]
    fn kube_apiserver_command_lines() {
        let pod = |cmd: &str| {
            format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n  namespace: kube-system\nspec:\n  containers:\n    - name: a\n      image: k8s\n{cmd}")
        };
        let plain = flags(&pod("      command: [kube-apiserver, --etcd-servers=x]\n      args: [--audit-policy-file=/a.yaml]\n")).unwrap();
        assert_eq!(plain, ["--etcd-servers=x", "--audit-policy-file=/a.yaml"]);
        let hk = flags(&pod(
            "      command: [/hyperkube, apiserver, --encryption-provider-config=/e.yaml]\n",
        ))
        .unwrap();
        assert_eq!(hk, ["--encryption-provider-config=/e.yaml"]);
        let sh = flags(&pod("      command: [/bin/sh, -c, \"exec /usr/local/bin/kube-apiserver --secure-port=6443 --v=2 && true\"]\n")).unwrap();
        assert_eq!(sh, ["--secure-port=6443", "--v=2"]);
        assert!(flags(&pod(
            "      command: [/bin/sh, -c, \"echo kube-apiserver-not-me\"]\n"
        ))
        .is_none());
        assert!(flags(&pod("      command: [/hyperkube, kubelet, --x]\n")).is_none());
        // kubeadm: extraArgs as a map (v1beta3) or a list (v1beta4); no
        // apiServer section at all.
        let v3 = "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n    encryption-provider-config: /etc/k/enc.yaml\n";
        assert_eq!(
            flags(v3).unwrap(),
            ["--encryption-provider-config=/etc/k/enc.yaml"]
        );
        let v4 = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n    - name: audit-policy-file\n      value: /etc/k/audit.yaml\n";
        assert_eq!(
            flags(v4).unwrap(),
            ["--audit-policy-file=/etc/k/audit.yaml"]
        );
        let bare = "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.30.0\n";
        assert_eq!(flags(bare).unwrap(), Vec::<String>::new());
        // A self-hosted API server in a DaemonSet.
        let ds = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: kube-apiserver\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          command: [/hyperkube, apiserver, --etcd-servers=x]\n";
        assert_eq!(flags(ds).unwrap(), ["--etcd-servers=x"]);
    }
}
