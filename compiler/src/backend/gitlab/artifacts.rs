//! A job's caches and artifacts → `cache:` and `artifacts:`.

use crate::backend::gitlab::script::{self, OUTPUTS_FILE};
use crate::backend::gitlab::values::{self, Dialect};
use crate::backend::yaml::Yaml;
use crate::ir::{ArtifactWhen, CachePolicy, Expr, ExprKind, Job, ReportKind, TextPart};
use crate::types::Type;

pub fn caches(job: &Job, dialect: &Dialect) -> Yaml {
    Yaml::Seq(
        job.caches
            .iter()
            .map(|cache| {
                let mut entry = Yaml::map();
                entry.insert("key", cache_key(&cache.name, &cache.key, dialect));
                if !cache.restore_keys.is_empty() {
                    entry.insert(
                        "fallback_keys",
                        Yaml::Seq(
                            cache
                                .restore_keys
                                .iter()
                                .map(|key| Yaml::str(key.clone()))
                                .collect(),
                        ),
                    );
                }
                let paths = cache
                    .paths
                    .iter()
                    .enumerate()
                    .map(|(index, path)| {
                        Yaml::str(script::cache_path(&cache.name, index, cache.paths.len(), path).0)
                    })
                    .collect();
                entry.insert("paths", Yaml::Seq(paths));
                entry.insert(
                    "policy",
                    Yaml::str(match cache.policy {
                        CachePolicy::PullPush => "pull-push",
                        CachePolicy::Pull => "pull",
                        CachePolicy::Push => "push",
                    }),
                );
                entry
            })
            .collect(),
    )
}

/// A cache key: `hash_files(…)` becomes `key: files:` with the rest of
/// the text (or the cache's name) as its `prefix`.
fn cache_key(name: &str, key: &Expr, dialect: &Dialect) -> Yaml {
    let mut files: Vec<String> = Vec::new();
    key.visit(&mut |expr| {
        if let ExprKind::HashFiles(globs) = &expr.kind {
            files.extend(globs.iter().cloned());
        }
    });
    if files.is_empty() {
        return Yaml::str(values::yaml_text(key, dialect));
    }
    let prefix = match &key.kind {
        ExprKind::Text(parts) => {
            let rest: Vec<TextPart> = parts
                .iter()
                .filter(|part| {
                    !matches!(part, TextPart::Expr(inner) if matches!(inner.kind, ExprKind::HashFiles(_)))
                })
                .cloned()
                .collect();
            let text = Expr::new(ExprKind::Text(rest), Type::String, key.origin);
            values::yaml_text(&text, dialect)
                .trim_matches(|character| matches!(character, '-' | '_' | ' '))
                .to_owned()
        }
        _ => String::new(),
    };
    let mut entry = Yaml::map();
    entry.insert(
        "files",
        Yaml::Seq(files.into_iter().map(Yaml::str).collect()),
    );
    entry.insert(
        "prefix",
        Yaml::str(if prefix.is_empty() {
            name.to_owned()
        } else {
            prefix
        }),
    );
    entry
}

/// The job's artifacts, its reports and the dotenv report of its outputs.
pub fn artifacts(job: &Job) -> Option<Yaml> {
    if job.artifacts.is_empty() && job.outputs.is_empty() {
        return None;
    }
    let mut out = Yaml::map();
    let mut paths: Vec<String> = Vec::new();
    for artifact in &job.artifacts {
        for path in &artifact.paths {
            if !paths.contains(path) {
                paths.push(path.clone());
            }
        }
    }
    if !paths.is_empty() {
        out.insert(
            "paths",
            Yaml::Seq(paths.into_iter().map(Yaml::str).collect()),
        );
    }
    if let Some(expire) = job
        .artifacts
        .iter()
        .filter_map(|artifact| artifact.expire)
        .max()
    {
        out.insert("expire_in", Yaml::str(values::duration(expire)));
    }
    let has = |when: ArtifactWhen| job.artifacts.iter().any(|artifact| artifact.when == when);
    let when = if has(ArtifactWhen::Always)
        || (has(ArtifactWhen::Success) && has(ArtifactWhen::Failure))
    {
        Some("always")
    } else if has(ArtifactWhen::Failure) {
        Some("on_failure")
    } else {
        None
    };
    out.insert_some("when", when.map(Yaml::str));
    let mut reports = Yaml::map();
    let junit: Vec<Yaml> = job
        .artifacts
        .iter()
        .filter(|artifact| artifact.report == Some(ReportKind::Junit))
        .flat_map(|artifact| artifact.paths.iter().map(|path| Yaml::str(path.clone())))
        .collect();
    if !junit.is_empty() {
        reports.insert("junit", Yaml::Seq(junit));
    }
    if let Some(coverage) = job
        .artifacts
        .iter()
        .find(|artifact| artifact.report == Some(ReportKind::Coverage))
        .and_then(|artifact| artifact.paths.first())
    {
        let mut entry = Yaml::map();
        entry.insert("coverage_format", Yaml::str("cobertura"));
        entry.insert("path", Yaml::str(coverage.clone()));
        reports.insert("coverage_report", entry);
    }
    if !job.outputs.is_empty() {
        reports.insert("dotenv", Yaml::str(OUTPUTS_FILE));
    }
    if !reports.is_empty_collection() {
        out.insert("reports", reports);
    }
    Some(out)
}
