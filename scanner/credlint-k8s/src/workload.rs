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

/// The kube-apiserver container of a (static) pod.
pub(crate) struct ApiServer<'a> {
    /// The container.
    pub container: At<'a>,
    /// `command[1..]` and `args`, as written.
    pub flags: Vec<&'a str>,
}

impl ApiServer<'_> {
    /// Whether `--name` is set (as `--name=value` or `--name value`).
    pub fn has_flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| {
            f.strip_prefix(name)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('='))
        })
    }

    /// Where a finding about a missing flag points: the `command:` key.
    pub fn command_at(&self) -> At<'_> {
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
    if obj.kind != "Pod" {
        return None;
    }
    let spec = obj.at().key("spec")?;
    for c in containers(&spec) {
        let command = c
            .key("command")
            .map(|a| a.node.strings())
            .unwrap_or_default();
        let args = c.key("args").map(|a| a.node.strings()).unwrap_or_default();
        if program(&c) == Some("kube-apiserver") {
            let mut flags: Vec<&str> = command.iter().skip(1).copied().collect();
            flags.extend(args.iter().copied().filter(|a| a.starts_with("--")));
            return Some(ApiServer {
                container: c,
                flags,
            });
        }
    }
    None
}
