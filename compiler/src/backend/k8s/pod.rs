//! What every pod of a workflow shares: the user it runs as, its writable
//! volumes, the container security settings and resource requests, and
//! the git input that checks out the repository.

use crate::backend::k8s::env::Values;
use crate::backend::k8s::naming;
use crate::backend::k8s::script::SOURCE_DIRECTORY;
use crate::backend::yaml::Yaml;
use crate::ir::{ActionInput, Cache, CachePolicy, ExprKind, Job, Pipeline, Resources, StepAction};

/// The image of a job without one: Ubuntu 24.04 with the usual build and
/// version-control tools, the nearest thing to a hosted runner.
pub const DEFAULT_IMAGE: &str = "docker.io/library/buildpack-deps:noble";
/// The image deploys and notifications run in: `kubectl`, `envsubst`,
/// `curl` and `jq` on Alpine.
pub const TOOLS_IMAGE: &str = "docker.io/alpine/k8s:1.34.1";
/// The user and group every container of a workflow runs as.
pub const USER_ID: i64 = 1000;
/// The home directory, a writable volume (tools keep caches there).
pub const HOME: &str = "/home/pipec";

/// The pod security context of every workflow pod (with `USER_ID`) and
/// of deployed pods: a fixed non-root user, the runtime's seccomp profile.
pub fn pod_security_context(user: i64) -> Yaml {
    let mut seccomp = Yaml::map();
    seccomp.insert("type", Yaml::str("RuntimeDefault"));
    let mut context = Yaml::map();
    context.insert("runAsNonRoot", Yaml::Bool(true));
    context.insert("runAsUser", Yaml::Int(user));
    context.insert("runAsGroup", Yaml::Int(user));
    context.insert("fsGroup", Yaml::Int(user));
    context.insert("seccompProfile", seccomp);
    context
}

/// A container's security context. A job's own container gets a read-only
/// root filesystem (its writes go to the volumes); a service keeps a
/// writable one, since databases write their data beside their binaries.
pub fn container_security_context(read_only: bool) -> Yaml {
    let mut capabilities = Yaml::map();
    capabilities.insert("drop", Yaml::Seq(vec![Yaml::str("ALL")]));
    let mut context = Yaml::map();
    context.insert("allowPrivilegeEscalation", Yaml::Bool(false));
    if read_only {
        context.insert("readOnlyRootFilesystem", Yaml::Bool(true));
    }
    context.insert("capabilities", capabilities);
    context
}

/// Resource requests (and limits when asked), with defaults for what the
/// pipeline does not say.
pub fn resources(asked: Option<&Resources>, cpu: &str, memory: &str) -> Yaml {
    let asked = asked.cloned().unwrap_or_default();
    let mut requests = Yaml::map();
    requests.insert(
        "cpu",
        Yaml::str(asked.cpu.unwrap_or_else(|| cpu.to_owned())),
    );
    requests.insert(
        "memory",
        Yaml::str(asked.memory.unwrap_or_else(|| memory.to_owned())),
    );
    let mut out = Yaml::map();
    out.insert("requests", requests);
    let mut limits = Yaml::map();
    limits.insert_some("cpu", asked.cpu_limit.map(Yaml::str));
    limits.insert_some("memory", asked.memory_limit.map(Yaml::str));
    if !limits.is_empty_collection() {
        out.insert("limits", limits);
    }
    out
}

/// The workflow's volumes: scratch space per pod, and one claim per cache.
pub fn workflow_volumes(pipeline: &Pipeline) -> Yaml {
    let mut volumes = scratch_volumes();
    for name in cache_names(pipeline) {
        let mut claim = Yaml::map();
        claim.insert("claimName", Yaml::str(naming::cache_claim(pipeline, &name)));
        let mut volume = Yaml::map();
        volume.insert("name", Yaml::str(cache_volume(&name)));
        volume.insert("persistentVolumeClaim", claim);
        volumes.push(volume);
    }
    Yaml::Seq(volumes)
}

/// The scratch space of a pod whose container `mounts` describes: the
/// workspace, `/tmp` and the home directory, empty when the pod starts.
pub fn scratch_volumes() -> Vec<Yaml> {
    ["workspace", "tmp", "home"]
        .iter()
        .map(|name| {
            let mut volume = Yaml::map();
            volume.insert("name", Yaml::str(*name));
            volume.insert("emptyDir", Yaml::map());
            volume
        })
        .collect()
}

/// The names of the pipeline's caches, each once.
pub fn cache_names(pipeline: &Pipeline) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for cache in pipeline.jobs.iter().flat_map(|job| &job.caches) {
        if !names.contains(&cache.name) {
            names.push(cache.name.clone());
        }
    }
    names
}

fn cache_volume(name: &str) -> String {
    format!("cache-{}", crate::backend::names::dns_label(name))
}

/// The mounts of a job's container: the scratch volumes, and each cache
/// path on its cache's claim (read-only for `policy = "pull"`).
pub fn mounts(caches: &[Cache]) -> Yaml {
    let mut mounts: Vec<Yaml> = [("workspace", "/workspace"), ("tmp", "/tmp"), ("home", HOME)]
        .iter()
        .map(|(name, path)| mount(name, path))
        .collect();
    for cache in caches {
        for path in &cache.paths {
            let Some((mount_path, sub_path)) = cache_location(path) else {
                continue;
            };
            let mut entry = mount(&cache_volume(&cache.name), &mount_path);
            entry.insert("subPath", Yaml::str(sub_path));
            if cache.policy == CachePolicy::Pull {
                entry.insert("readOnly", Yaml::Bool(true));
            }
            mounts.push(entry);
        }
    }
    Yaml::Seq(mounts)
}

fn mount(name: &str, path: &str) -> Yaml {
    let mut entry = Yaml::map();
    entry.insert("name", Yaml::str(name.to_owned()));
    entry.insert("mountPath", Yaml::str(path.to_owned()));
    entry
}

/// Where cached paths inside the workspace are mounted: the checkout fills
/// the workspace before the container starts, so they are mounted beside it
/// and linked into place by the job's script (`script::cache_links`).
pub const WORKSPACE_CACHES: &str = "/pipe-cache";

/// Where a cache path is mounted, and the directory of the claim that
/// holds it: `~/.cache/pip` is `/home/pipec/.cache/pip` on `home/.cache/pip`;
/// `target` (inside the workspace) is `/pipe-cache/target` on
/// `workspace/target`, linked from the workspace.
pub fn cache_location(path: &str) -> Option<(String, String)> {
    Some(match cache_root(path)? {
        (CacheRoot::Workspace, rest) => (
            format!("{WORKSPACE_CACHES}/{rest}"),
            format!("workspace/{rest}"),
        ),
        (CacheRoot::Home, "") => (HOME.to_owned(), "home".to_owned()),
        (CacheRoot::Home, rest) => (format!("{HOME}/{rest}"), format!("home/{rest}")),
        (CacheRoot::Absolute, rest) => (format!("/{rest}"), rest.to_owned()),
    })
}

/// Whether [`cache_location`] has a place for `path`, without building it
/// (the checks ask for every cache of every job).
pub fn has_cache_location(path: &str) -> bool {
    cache_root(path).is_some()
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum CacheRoot {
    Workspace,
    Home,
    Absolute,
}

/// The volume a cache path is kept on and the path below its root, for the
/// paths that have one: relative, `~`, `~/…` or absolute, with no empty or
/// `..` part.
fn cache_root(path: &str) -> Option<(CacheRoot, &str)> {
    let trimmed = path.trim_end_matches('/');
    let trimmed = trimmed.strip_prefix("./").unwrap_or(trimmed);
    let (root, rest) = if trimmed.is_empty() || trimmed == "." {
        return None;
    } else if !trimmed.starts_with('~') && !trimmed.starts_with('/') {
        (CacheRoot::Workspace, trimmed)
    } else if trimmed == "~" {
        (CacheRoot::Home, "")
    } else if let Some(rest) = trimmed.strip_prefix("~/") {
        (CacheRoot::Home, rest)
    } else if let Some(rest) = trimmed.strip_prefix('/') {
        (CacheRoot::Absolute, rest)
    } else {
        return None;
    };
    let valid = (root == CacheRoot::Home && rest.is_empty())
        || !rest.split('/').any(|part| part == ".." || part.is_empty());
    valid.then_some((root, rest))
}

/// The input that checks the repository out into the workspace before
/// the container starts: Argo's git artifact, at the `sha` parameter.
pub fn git_input(values: &Values<'_>, job: Option<&Job>) -> Yaml {
    let with: &[ActionInput] = job
        .and_then(|job| {
            job.steps.iter().find_map(|step| match &step.action {
                StepAction::Checkout { with } => Some(with.as_slice()),
                _ => None,
            })
        })
        .unwrap_or(&[]);
    let input = |name: &str| {
        with.iter()
            .find(|input| input.name == name)
            .map(|input| &input.value)
    };
    let mut git = Yaml::map();
    git.insert("repo", Yaml::str("{{workflow.parameters.git_repo}}"));
    git.insert(
        "revision",
        Yaml::str(input("ref").map_or_else(
            || "{{workflow.parameters.git_sha}}".to_owned(),
            |reference| values.argo(reference),
        )),
    );
    match input("fetch-depth").map(|value| &value.kind) {
        Some(ExprKind::Int(0)) => {}
        Some(ExprKind::Int(depth)) => git.insert("depth", Yaml::Int(*depth)),
        _ => git.insert("depth", Yaml::Int(1)),
    }
    let submodules = input("submodules").is_some_and(|value| value.as_bool() == Some(true));
    git.insert("disableSubmodules", Yaml::Bool(!submodules));
    let path = match input("path").and_then(|value| value.as_str()) {
        Some(path) if !path.is_empty() => format!("{SOURCE_DIRECTORY}/{}", path.trim_matches('/')),
        _ => SOURCE_DIRECTORY.to_owned(),
    };
    let mut artifact = Yaml::map();
    artifact.insert("name", Yaml::str("source"));
    artifact.insert("path", Yaml::str(path));
    artifact.insert("git", git);
    artifact
}

/// A workspace path as the container sees it.
pub fn workspace_path(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    if trimmed.starts_with('/') {
        trimmed.to_owned()
    } else {
        let relative = trimmed.trim_start_matches("./");
        if relative.is_empty() || relative == "." {
            SOURCE_DIRECTORY.to_owned()
        } else {
            format!("{SOURCE_DIRECTORY}/{relative}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{cache_location, has_cache_location};

    #[test]
    fn cache_paths_are_placed_on_the_volume_that_holds_them() {
        let place = |path: &str| cache_location(path);
        let owned = |mount: &str, sub: &str| Some((mount.to_owned(), sub.to_owned()));
        assert_eq!(
            place("~/.cache/pip"),
            owned("/home/pipec/.cache/pip", "home/.cache/pip")
        );
        assert_eq!(place("~"), owned("/home/pipec", "home"));
        assert_eq!(place("~/"), owned("/home/pipec", "home"));
        assert_eq!(
            place("./target/"),
            owned("/pipe-cache/target", "workspace/target")
        );
        assert_eq!(place("/opt/cache"), owned("/opt/cache", "opt/cache"));
        for nowhere in [
            "", ".", "./", "~user/x", "../up", "a/../b", "//x", "a//b", "~/..",
        ] {
            assert_eq!(place(nowhere), None, "{nowhere:?}");
        }
    }

    #[test]
    fn the_check_for_a_cache_location_agrees_with_the_location() {
        for path in [
            "",
            ".",
            "./",
            "~",
            "~/",
            "~/.cache",
            "~user",
            "~user/x",
            "/",
            "/opt",
            "//opt",
            "target",
            "./target",
            "a/b/",
            "a/../b",
            "..",
            "a//b",
            "~/..",
            "/opt/../x",
        ] {
            assert_eq!(
                has_cache_location(path),
                cache_location(path).is_some(),
                "{path:?}"
            );
        }
    }
}
