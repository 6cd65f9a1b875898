//! pipec: compiles `.pipe` pipelines to GitHub Actions, GitLab CI and
//! Kubernetes manifests.
//!
//! The library does no IO. Each phase is a public function that takes the
//! previous phase's output and returns its own output together with
//! diagnostics; see `ARCHITECTURE.md` beside this crate for the phase diagram
//! and the invariants.

pub mod backend;
pub mod capability;
pub mod check;
pub mod cycles;
pub mod diagnostic;
pub mod diagram;
pub mod fmt;
pub mod glob;
pub mod ide;
pub mod ir;
pub mod lower;
mod parallel;
pub mod plan;
pub mod resolve;
pub mod source;
pub mod span;
pub mod stdlib;
pub mod syntax;
pub mod types;
pub mod workload;

use diagnostic::Diagnostic;
use source::Sources;
use span::SourceId;

/// The outcome of checking a set of sources.
#[derive(Debug)]
pub struct CheckResult {
    pub diagnostics: Vec<Diagnostic>,
    /// The pipelines of the root files; complete only without errors.
    pub project: ir::Project,
}

/// Checks the files in `sources` and every module they import (added to
/// `sources` as they load): syntax, structure, the job graph, secrets, and
/// references to templates and actions. Relative imports are read through
/// `loader`; the standard library comes from the binary.
pub fn check(sources: &mut Sources, loader: &dyn resolve::ModuleLoader) -> CheckResult {
    check_for(sources, loader, backend::Target::ALL)
}

/// As [`check`], reporting what `targets` cannot express.
pub fn check_for(
    sources: &mut Sources,
    loader: &dyn resolve::ModuleLoader,
    targets: &[backend::Target],
) -> CheckResult {
    check_releasing(sources, loader, targets, Release::Free)
}

/// What a check or a build does with the syntax trees and the IR once
/// nothing reads them any more.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Release {
    /// Freed, a large program's on a thread of its own: for the library's
    /// users and for long-lived processes such as the language server.
    Free,
    /// Left to the end of the process, which returns its memory whole: for
    /// a command that exits once it has reported. Freeing the half million
    /// nodes of a 5,000-job program one at a time is 6% of its build
    /// (clang's driver gives its compiler `-disable-free` for the same
    /// reason).
    AtExit,
}

impl Release {
    fn release<T: Send + 'static>(self, large: bool, value: T) {
        match self {
            // Nothing after the checks reads the trees: a large program's
            // are freed beside the backends rather than before them.
            Release::Free => parallel::drop_in_background(large, value),
            Release::AtExit => std::mem::forget(value),
        }
    }
}

/// As [`check_for`], with the syntax trees released as `release` says.
pub fn check_releasing(
    sources: &mut Sources,
    loader: &dyn resolve::ModuleLoader,
    targets: &[backend::Target],
    release: Release,
) -> CheckResult {
    let (result, program) = check_program(sources, loader, targets);
    release.release(parallel::worth_a_thread(sources), program);
    result
}

/// As [`check_for`], also returning the parsed modules: the language
/// server's features (`ide`) read the trees the check was made on.
pub fn check_program(
    sources: &mut Sources,
    loader: &dyn resolve::ModuleLoader,
    targets: &[backend::Target],
) -> (CheckResult, resolve::Program) {
    let mut diagnostics = Vec::new();
    let program = resolve::load_program(sources, loader, &mut diagnostics);
    // The tree checks and the lowering read the same trees and nothing of
    // each other's, so a large program has them run at once; their
    // diagnostics are joined in the same order either way.
    let sources: &Sources = sources;
    let large = parallel::worth_a_thread(sources);
    let (tree_diagnostics, (project, lowering_diagnostics)) = parallel::both(
        large,
        || tree_checks(&program, sources),
        || lower::lower_program(&program, sources, &diagnostics),
    );
    diagnostics.extend(tree_diagnostics);
    diagnostics.extend(lowering_diagnostics);
    check::success_triggers::check_success_triggers(
        &project,
        sources,
        loader,
        targets,
        &mut diagnostics,
    );
    // The checks of the IR read it alone; two groups of them at once.
    let (target_diagnostics, graph_diagnostics) = parallel::both(
        large,
        || {
            let mut found = Vec::new();
            check::targets::check_targets(&project, targets, &mut found);
            found
        },
        || {
            let mut found = Vec::new();
            check::reachability::check_reachability(&project, &mut found);
            // The deploy manifests are applied by every target's deploy jobs.
            check::deploys::check_deploys(&project, &mut found);
            found
        },
    );
    diagnostics.extend(target_diagnostics);
    diagnostics.extend(graph_diagnostics);
    if targets.contains(&backend::Target::K8s) {
        check::kubernetes::check_kubernetes(&project, &mut diagnostics);
    }
    diagnostic::sort(&mut diagnostics);
    diagnostic::dedup(&mut diagnostics);
    (
        CheckResult {
            diagnostics,
            project,
        },
        program,
    )
}

/// Syntax errors and every check made on the trees themselves.
fn tree_checks(program: &resolve::Program, sources: &Sources) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for module in &program.modules {
        diagnostics.extend(module.parsed.diagnostics.iter().cloned());
        if stdlib::checks_are_clean(&module.parsed) {
            continue;
        }
        let text = sources
            .get(module.source)
            .map_or("", |file| file.text.as_str());
        diagnostics.extend(check::check_file(&module.parsed.file, text, module.source));
        // A file that does not parse may hold half an escape block.
        if !module.parsed.diagnostics.iter().any(Diagnostic::is_error) {
            check::escapes::check_escapes(
                &module.parsed.file.items,
                module.source,
                &mut diagnostics,
            );
        }
    }
    resolve::check_template_references(program, &mut diagnostics);
    diagnostics
}

/// The outcome of a build: diagnostics, and the generated files of each
/// target when there were no errors.
#[derive(Debug)]
pub struct BuildResult {
    pub diagnostics: Vec<Diagnostic>,
    pub generated: Vec<(backend::Target, backend::Generated)>,
}

/// Checks the sources and, when there is no error, runs the backend of
/// each target. Nothing is generated when any diagnostic is an error.
pub fn build(
    sources: &mut Sources,
    loader: &dyn resolve::ModuleLoader,
    targets: &[backend::Target],
) -> BuildResult {
    build_releasing(sources, loader, targets, Release::Free)
}

/// As [`build`], with the syntax trees and the IR released as `release`
/// says.
pub fn build_releasing(
    sources: &mut Sources,
    loader: &dyn resolve::ModuleLoader,
    targets: &[backend::Target],
    release: Release,
) -> BuildResult {
    let mut checked = check_releasing(sources, loader, targets, release);
    checked
        .diagnostics
        .extend(output_collisions(&checked.project));
    let mut not_built = Vec::new();
    check::success_triggers::check_built_together(
        &checked.project,
        sources,
        &checked.diagnostics,
        &mut not_built,
    );
    checked.diagnostics.extend(not_built);
    if checked.diagnostics.iter().any(Diagnostic::is_error) {
        return BuildResult {
            diagnostics: checked.diagnostics,
            generated: Vec::new(),
        };
    }
    let context = backend::BuildContext {
        input_hash: backend::input_hash(
            sources
                .iter()
                .map(|file| (file.name.as_str(), file.text.as_str())),
        ),
    };
    let generated = backend::generate_targets(
        &checked.project,
        targets,
        &context,
        parallel::backends_worth_a_thread(sources),
    );
    // The IR is freed here, after the backends, on this thread: a thread
    // for it made no measurable difference.
    release.release(false, checked.project);
    BuildResult {
        diagnostics: checked.diagnostics,
        generated,
    }
}

/// Pipelines name their output files, so two of one name in the files of
/// one build would write the same file. (Checking files of several
/// projects together is fine: they are built into different directories.)
fn output_collisions(project: &ir::Project) -> Vec<Diagnostic> {
    let mut seen: foldhash::HashMap<&str, ir::Origin> = foldhash::HashMap::default();
    let mut diagnostics = Vec::new();
    for pipeline in &project.pipelines {
        if let Some(first) = seen.get(pipeline.name.as_str()) {
            diagnostics.push(
                Diagnostic::new(
                    diagnostic::Code::DuplicateDefinition,
                    format!("pipeline `{}` is defined twice", pipeline.name),
                    diagnostic::Label::new(pipeline.origin.source, pipeline.origin.span, "defined again here"),
                )
                .with_secondary(diagnostic::Label::new(first.source, first.span, "first defined here"))
                .with_note("a pipeline's name names its output files, such as `.github/workflows/NAME.yml`")
                .with_help("rename one of them, or build the two projects separately"),
            );
        } else {
            seen.insert(&pipeline.name, pipeline.origin);
        }
    }
    diagnostics
}

/// Parses one text on its own, for tools that need only the tree.
pub fn parse_text(text: &str) -> syntax::ParsedFile {
    syntax::parse(text, SourceId(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends on its channel when dropped.
    struct DropSignal(std::sync::mpsc::Sender<()>);

    impl Drop for DropSignal {
        fn drop(&mut self) {
            let _ = self.0.send(());
        }
    }

    #[test]
    fn released_values_are_freed_or_left_to_the_exit_as_asked() {
        for large in [false, true] {
            let (sender, receiver) = std::sync::mpsc::channel();
            Release::Free.release(large, DropSignal(sender));
            assert_eq!(
                receiver.recv_timeout(std::time::Duration::from_secs(10)),
                Ok(()),
                "freed, large: {large}"
            );
            let (sender, receiver) = std::sync::mpsc::channel();
            Release::AtExit.release(large, DropSignal(sender));
            // Empty, not disconnected: the sender was neither dropped nor
            // will be, since the value is gone without its destructor.
            assert_eq!(
                receiver.try_recv(),
                Err(std::sync::mpsc::TryRecvError::Empty),
                "left to the exit, large: {large}"
            );
        }
    }

    #[test]
    fn backends_run_at_once_write_what_they_write_one_after_another() {
        let mut sources = Sources::default();
        sources.add("bench.pipe", workload::benchmark_pipeline(4));
        let checked = check_for(&mut sources, &resolve::NoFiles, backend::Target::ALL);
        assert!(
            checked
                .diagnostics
                .iter()
                .all(|diagnostic| !diagnostic.is_error())
        );
        let context = backend::BuildContext {
            input_hash: "test".to_owned(),
        };
        use backend::Target::{Github, Gitlab, K8s};
        for targets in [
            vec![Github, Gitlab, K8s],
            vec![K8s, Github],
            vec![Gitlab, K8s, Github],
            vec![Gitlab],
            vec![K8s, Github, K8s],
        ] {
            let files = |parallel| {
                backend::generate_targets(&checked.project, &targets, &context, parallel)
                    .into_iter()
                    .map(|(target, generated)| {
                        let files: Vec<(String, String)> = generated
                            .files
                            .into_iter()
                            .map(|file| (file.path, file.contents))
                            .collect();
                        (target, files)
                    })
                    .collect::<Vec<_>>()
            };
            let one_after_another = files(false);
            assert_eq!(
                one_after_another
                    .iter()
                    .map(|(target, _)| *target)
                    .collect::<Vec<_>>(),
                targets
            );
            assert!(one_after_another.iter().all(|(_, files)| !files.is_empty()));
            assert_eq!(files(true), one_after_another, "{targets:?}");
        }
    }

    #[test]
    fn a_build_that_leaves_its_trees_to_the_exit_builds_the_same_files() {
        let text = workload::benchmark_pipeline(3);
        let build_with = |release| {
            let mut sources = Sources::default();
            sources.add("bench.pipe", text.clone());
            let result = build_releasing(
                &mut sources,
                &resolve::NoFiles,
                backend::Target::ALL,
                release,
            );
            assert!(
                result
                    .diagnostics
                    .iter()
                    .all(|diagnostic| !diagnostic.is_error())
            );
            result
                .generated
                .into_iter()
                .flat_map(|(_, generated)| generated.files)
                .map(|file| (file.path, file.contents))
                .collect::<Vec<_>>()
        };
        let freed = build_with(Release::Free);
        assert!(!freed.is_empty());
        assert_eq!(build_with(Release::AtExit), freed);
    }
}
