//! `on success { pipeline = … }` across the pipelines of a project: the
//! pipeline it follows exists in the same directory, and no pipelines
//! start each other in a circle.
//!
//! A project is a directory: `pipec build DIR` compiles its files
//! together, and the files of several directories may be checked at once.
//! When one file is checked alone, the pipeline it follows is looked for
//! in the other `.pipe` files of its directory, read through the loader,
//! so that a pre-commit hook or an editor checking one file does not
//! report a pipeline that is there.

use foldhash::{HashMap, HashMapExt};

use crate::backend::Target;
use crate::check::suggest;
use crate::diagnostic::{Code, Diagnostic, Edit, Fix, Label};
use crate::ir::{Pipeline, Project, SuccessTrigger};
use crate::resolve::ModuleLoader;
use crate::source::Sources;
use crate::syntax::ast::Item;

/// The directory of a source's name, `""` for the current one and `/`
/// for the root.
pub fn directory_of(name: &str) -> &str {
    match name.rfind('/') {
        Some(0) => "/",
        Some(slash) => &name[..slash],
        None => "",
    }
}

/// The path of `file` in `directory`, as [`directory_of`] splits it.
pub fn join(directory: &str, file: &str) -> String {
    match directory {
        "" => file.to_owned(),
        _ if directory.ends_with('/') => format!("{directory}{file}"),
        _ => format!("{directory}/{file}"),
    }
}

/// The pipelines of the project by directory and label, for the upstream
/// lookups of one compilation.
struct Projects<'p> {
    by_name: HashMap<(&'p str, &'p str), usize>,
    directories: Vec<&'p str>,
}

impl<'p> Projects<'p> {
    fn new(project: &'p Project, sources: &'p Sources) -> Projects<'p> {
        let directories: Vec<&str> = project
            .pipelines
            .iter()
            .map(|pipeline| {
                sources
                    .get(pipeline.origin.source)
                    .map_or("", |file| directory_of(&file.name))
            })
            .collect();
        let mut by_name = HashMap::with_capacity(project.pipelines.len());
        for (index, pipeline) in project.pipelines.iter().enumerate() {
            by_name
                .entry((directories[index], pipeline.name.as_str()))
                .or_insert(index);
        }
        Projects {
            by_name,
            directories,
        }
    }

    /// The pipeline `trigger` of the pipeline at `index` follows.
    fn upstream(&self, index: usize, trigger: &SuccessTrigger) -> Option<usize> {
        self.by_name
            .get(&(self.directories[index], trigger.pipeline.as_str()))
            .copied()
    }
}

/// Unknown upstream pipelines (E0226), cycles (E0227), inputs passed on
/// that do not fit (E0316), and followers no upstream run starts (W0109).
pub fn check_success_triggers(
    project: &Project,
    sources: &Sources,
    loader: &dyn ModuleLoader,
    targets: &[Target],
    diagnostics: &mut Vec<Diagnostic>,
) {
    if !project.has_followers() {
        return;
    }
    let projects = Projects::new(project, sources);
    let mut upstreams: Vec<Option<usize>> = vec![None; project.pipelines.len()];
    // Pipelines of the files beside, by directory, read once each, and the
    // names of each directory's pipelines for "did you mean", gathered once.
    let mut beside: HashMap<&str, Vec<(String, String)>> = HashMap::new();
    let mut names_by_directory: HashMap<&str, Vec<String>> = HashMap::new();
    for (index, pipeline) in project.pipelines.iter().enumerate() {
        let Some(trigger) = &pipeline.triggers.success else {
            continue;
        };
        if trigger.pipeline == pipeline.name {
            diagnostics.push(
                Diagnostic::new(
                    Code::PipelineTriggerCycle,
                    format!("pipeline `{}` follows its own success", pipeline.name),
                    Label::new(
                        trigger.pipeline_origin.source,
                        trigger.pipeline_origin.span,
                        "every successful run would start another, for ever",
                    ),
                )
                .with_help("name the pipeline this one runs after, such as `pipeline = \"ci\"`"),
            );
            continue;
        }
        if let Some(upstream) = projects.upstream(index, trigger) {
            upstreams[index] = Some(upstream);
            check_passed_inputs(&project.pipelines[upstream], pipeline, diagnostics);
            check_reachable(&project.pipelines[upstream], pipeline, trigger, diagnostics);
            continue;
        }
        let directory = projects.directories[index];
        let found = beside
            .entry(directory)
            .or_insert_with(|| pipelines_beside(directory, sources, loader));
        if found.iter().any(|(name, _)| *name == trigger.pipeline) {
            continue;
        }
        let names = names_by_directory.entry(directory).or_insert_with(|| {
            let mut names: Vec<String> = project
                .pipelines
                .iter()
                .zip(&projects.directories)
                .filter(|(_, other_directory)| **other_directory == directory)
                .map(|(other, _)| other.name.clone())
                .collect();
            names.extend(found.iter().map(|(name, _)| name.clone()));
            names.sort_unstable();
            names.dedup();
            names
        });
        let known: Vec<&str> = names
            .iter()
            .map(String::as_str)
            .filter(|name| *name != pipeline.name)
            .collect();
        diagnostics.push(unknown_pipeline(pipeline, trigger, &known));
    }
    let cycles_before = diagnostics.len();
    report_cycles(project, &upstreams, diagnostics);
    if targets.contains(&Target::Github) && diagnostics.len() == cycles_before {
        check_github_nesting(project, &upstreams, diagnostics);
    }
}

/// How many levels of workflows GitHub runs: the caller and nine nested
/// reusable workflows (four levels on GitHub Enterprise Server).
const GITHUB_WORKFLOW_LEVELS: usize = 10;

/// E0401 for GitHub: each follower is a reusable workflow called from its
/// upstream's, so a chain nests one level per pipeline. Reported at the
/// first pipeline past the limit. The chains are acyclic here (cycles are
/// reported first, and then this is not run).
fn check_github_nesting(
    project: &Project,
    upstreams: &[Option<usize>],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut levels: Vec<usize> = vec![0; upstreams.len()];
    for start in 0..upstreams.len() {
        // The chain up to a pipeline whose level is known, then the
        // levels down it: each pipeline is given its level once.
        let mut chain = vec![start];
        while let Some(&last) = chain.last()
            && levels[last] == 0
            && let Some(upstream) = upstreams[last]
        {
            chain.push(upstream);
        }
        let mut level = match chain.last() {
            Some(&top) if levels[top] > 0 => levels[top],
            _ => 1,
        };
        for &index in chain.iter().rev() {
            if levels[index] == 0 {
                levels[index] = level;
            }
            level = levels[index] + 1;
        }
    }
    for (index, &level) in levels.iter().enumerate() {
        if level != GITHUB_WORKFLOW_LEVELS + 1 {
            continue;
        }
        let Some(trigger) = &project.pipelines[index].triggers.success else {
            continue;
        };
        diagnostics.push(
            Diagnostic::new(
                Code::UnsupportedOnTarget,
                format!(
                    "a chain of {level} pipelines started by `on success` cannot be compiled for GitHub Actions"
                ),
                Label::new(
                    trigger.pipeline_origin.source,
                    trigger.pipeline_origin.span,
                    format!(
                        "`{}` is the {level}th pipeline of the chain",
                        project.pipelines[index].name
                    ),
                ),
            )
            .with_note(format!(
                "GitHub Actions: each pipeline of a chain is a reusable workflow called from the one before it, and GitHub runs at most {GITHUB_WORKFLOW_LEVELS} levels of them (4 on GitHub Enterprise Server)"
            ))
            .with_help("start a later pipeline of the chain by a trigger of its own, or build only for gitlab, k8s with `--target`"),
        );
    }
}

/// How many pipeline names a note lists at most.
const MAX_LISTED: usize = 5;

/// W0109: a follower none of whose upstream's runs can start it: the
/// upstream runs only for pull requests, or only for pushes to branches
/// (or of tags) the follower's `branches` never match. Glob against glob
/// is judged only where one side is a name, so that what is reported is
/// certain.
fn check_reachable(
    upstream: &Pipeline,
    follower: &Pipeline,
    trigger: &SuccessTrigger,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let triggers = &upstream.triggers;
    if triggers.manual.is_some() || !triggers.schedules.is_empty() || triggers.success.is_some() {
        return;
    }
    let name = &upstream.name;
    let (reason, help) = match &triggers.push {
        None => (
            format!(
                "`{name}` runs only for pull requests, and a pull request's run starts nothing"
            ),
            format!(
                "give `{name}` an `on push` (or a schedule, or `on manual`) whose runs should start `{}`",
                follower.name
            ),
        ),
        Some(push) => {
            let pushed = &push.filters.branches;
            let branch_pushes = !pushed.is_empty()
                || !push.filters.branches_ignore.is_empty()
                || push.tags.is_empty();
            if trigger.branches.is_empty() {
                return;
            }
            if !branch_pushes {
                (
                    format!(
                        "`{name}` runs on pushes of tags only, and `branches` matches branches"
                    ),
                    "remove `branches`, so that every successful run starts it".to_owned(),
                )
            } else if pushed.is_empty()
                || trigger
                    .branches
                    .iter()
                    .any(|wanted| pushed.iter().any(|given| may_overlap(wanted, given)))
            {
                return;
            } else {
                (
                    format!(
                        "`{name}` runs on pushes to {} only, which `branches` never matches",
                        pushed
                            .iter()
                            .map(|pattern| format!("`{pattern}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    format!(
                        "follow branches `{name}` runs for, or add the branch to its `on push`"
                    ),
                )
            }
        }
    };
    diagnostics.push(
        Diagnostic::new(
            Code::FollowsNoRun,
            format!(
                "pipeline `{}` never starts after `{}`",
                follower.name, upstream.name
            ),
            Label::new(
                trigger.origin.source,
                trigger.origin.span,
                "no run of the pipeline followed can start this one",
            ),
        )
        .with_note(reason)
        .with_help(help),
    );
}

/// Whether some branch may match both patterns; certain only when one is
/// a name.
fn may_overlap(a: &str, b: &str) -> bool {
    match (crate::glob::is_literal(a), crate::glob::is_literal(b)) {
        (true, true) => a == b,
        (true, false) => crate::glob::matches(b, a),
        (false, true) => crate::glob::matches(a, b),
        (false, false) => true,
    }
}

/// The inputs an upstream run passes on must fit the follower's.
fn check_passed_inputs(
    upstream: &Pipeline,
    follower: &Pipeline,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (given, taken) in crate::ir::passed_inputs(upstream, follower) {
        if taken.ty.accepts(&given.ty) {
            continue;
        }
        diagnostics.push(
            Diagnostic::new(
                Code::PassedInputMismatch,
                format!(
                    "input `{}` of `{}` does not take the values `{}` passes on",
                    taken.name, follower.name, upstream.name
                ),
                Label::new(
                    taken.origin.source,
                    taken.origin.span,
                    format!("`{}` here", taken.ty.describe()),
                ),
            )
            .with_secondary(Label::new(
                given.origin.source,
                given.origin.span,
                format!("`{}` in `{}`", given.ty.describe(), upstream.name),
            ))
            .with_note(format!(
                "a pipeline started by `on success` is given the value of each manual input of the same name the run of `{}` had",
                upstream.name
            ))
            .with_help("give both inputs the same type (an `enum` may take more values than the one passed on), or rename one of them so that it is not passed on"),
        );
    }
}

fn unknown_pipeline(pipeline: &Pipeline, trigger: &SuccessTrigger, known: &[&str]) -> Diagnostic {
    let at = trigger.pipeline_origin;
    let mut diagnostic = Diagnostic::new(
        Code::UnknownPipeline,
        format!("no pipeline `{}` in this directory", trigger.pipeline),
        Label::new(
            at.source,
            at.span,
            "not the label of a pipeline beside this file",
        ),
    );
    if let Some(suggestion) = suggest::closest(&trigger.pipeline, known.iter().copied()) {
        diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
        diagnostic.fixes.push(Fix {
            message: format!("replace with `{suggestion}`"),
            edits: vec![Edit {
                source: at.source,
                span: at.span,
                replacement: format!("\"{suggestion}\""),
            }],
        });
    } else if known.is_empty() {
        diagnostic = diagnostic.with_note(format!(
            "`on success` follows a pipeline of another `.pipe` file of this directory, by the label after `pipeline`; `{}` is the only pipeline here",
            pipeline.name
        ));
    } else if known.len() > MAX_LISTED {
        diagnostic = diagnostic.with_note(
            "`on success` follows a pipeline of a `.pipe` file of this directory, by the label after `pipeline`; none of them has that label",
        );
    } else {
        diagnostic = diagnostic.with_note(format!(
            "the pipelines of this directory are {}",
            known
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    diagnostic
}

/// `(label, file)` of every pipeline in the `.pipe` files of `directory`
/// that are not part of the compilation.
fn pipelines_beside(
    directory: &str,
    sources: &Sources,
    loader: &dyn ModuleLoader,
) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for path in loader.pipe_files_in(directory) {
        let compiled = sources.iter().any(|file| same_path(&file.name, &path));
        if compiled {
            continue;
        }
        let Ok(text) = loader.load(&path) else {
            continue;
        };
        // Only the labels are read: what else is wrong in a file that was
        // not asked for is its own check's business.
        let parsed = crate::syntax::parse(&text, crate::span::SourceId(u32::MAX));
        for item in &parsed.file.items {
            if let Item::Block(block) = item
                && block.keyword.name == "pipeline"
                && let Some(label) = &block.label
            {
                found.push((label.name.clone(), path.clone()));
            }
        }
    }
    found
}

fn same_path(a: &str, b: &str) -> bool {
    a.strip_prefix("./").unwrap_or(a) == b.strip_prefix("./").unwrap_or(b)
}

/// Each pipeline follows at most one, so the links form chains: each is
/// walked once, and a walk that comes back to itself is a cycle, reported
/// once at its first pipeline in source order.
fn report_cycles(
    project: &Project,
    upstreams: &[Option<usize>],
    diagnostics: &mut Vec<Diagnostic>,
) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnWalk(usize),
        Done,
    }
    let mut marks = vec![Mark::New; upstreams.len()];
    for start in 0..upstreams.len() {
        let mut at = start;
        while marks[at] == Mark::New {
            marks[at] = Mark::OnWalk(start);
            match upstreams[at] {
                Some(next) => at = next,
                None => break,
            }
        }
        if marks[at] == Mark::OnWalk(start) && upstreams[at].is_some() {
            let mut members = vec![at];
            let mut next = upstreams[at].expect("on a cycle");
            while next != at {
                members.push(next);
                next = upstreams[next].expect("on a cycle");
            }
            members.sort_unstable();
            diagnostics.push(cycle(project, &members));
        }
        let mut at = start;
        while let Mark::OnWalk(walk) = marks[at]
            && walk == start
        {
            marks[at] = Mark::Done;
            match upstreams[at] {
                Some(next) => at = next,
                None => break,
            }
        }
    }
}

fn cycle(project: &Project, members: &[usize]) -> Diagnostic {
    let trigger_of = |index: usize| {
        project.pipelines[index]
            .triggers
            .success
            .as_ref()
            .expect("a member of a cycle follows another")
    };
    let first = trigger_of(members[0]);
    let names: Vec<String> = members
        .iter()
        .map(|&index| format!("`{}`", project.pipelines[index].name))
        .collect();
    let mut diagnostic = Diagnostic::new(
        Code::PipelineTriggerCycle,
        format!("pipelines {} start each other", and_list(&names)),
        Label::new(
            first.pipeline_origin.source,
            first.pipeline_origin.span,
            format!(
                "`{}` runs after `{}`",
                project.pipelines[members[0]].name, first.pipeline
            ),
        ),
    );
    for &index in &members[1..] {
        let trigger = trigger_of(index);
        diagnostic = diagnostic.with_secondary(Label::new(
            trigger.pipeline_origin.source,
            trigger.pipeline_origin.span,
            format!(
                "`{}` runs after `{}`",
                project.pipelines[index].name, trigger.pipeline
            ),
        ));
    }
    diagnostic
        .with_note("each successful run would start the next, for ever")
        .with_help("remove the `on success` of one of them; the first of a chain needs another trigger, such as `on push`")
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// For a build: an upstream pipeline found only in a file beside those
/// given would not get the job that starts this one, so the generated
/// files would never start it. (A check of one file lets that pass.)
pub fn check_built_together(
    project: &Project,
    sources: &Sources,
    earlier: &[Diagnostic],
    diagnostics: &mut Vec<Diagnostic>,
) {
    if !project.has_followers() {
        return;
    }
    let projects = Projects::new(project, sources);
    for (index, pipeline) in project.pipelines.iter().enumerate() {
        let Some(trigger) = &pipeline.triggers.success else {
            continue;
        };
        let at = trigger.pipeline_origin;
        let reported = earlier.iter().any(|diagnostic| {
            diagnostic.primary.source == at.source && diagnostic.primary.span == at.span
        });
        if reported
            || trigger.pipeline == pipeline.name
            || projects.upstream(index, trigger).is_some()
        {
            continue;
        }
        let directory = projects.directories[index];
        diagnostics.push(
            Diagnostic::new(
                Code::UnknownPipeline,
                format!("pipeline `{}` is not part of this build", trigger.pipeline),
                Label::new(
                    at.source,
                    at.span,
                    "its file was not given, so its output would not start this pipeline",
                ),
            )
            .with_help(format!(
                "build the whole directory: `pipec build {}`",
                if directory.is_empty() { "." } else { directory }
            )),
        );
    }
}
