//! Phase 3 check on the IR: every construct a pipeline uses can be
//! expressed on every target asked for (`crate::capability`). One
//! diagnostic per use, naming the targets that cannot express it and why.

use crate::backend::Target;
use crate::capability::{self, Construct, Support};
use crate::check::constructs;
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::ir::{Origin, Project};

pub fn check_targets(project: &Project, targets: &[Target], diagnostics: &mut Vec<Diagnostic>) {
    for pipeline in &project.pipelines {
        let mut uses: Vec<(Construct, Origin)> = Vec::new();
        constructs::collect_pipeline(pipeline, &mut uses);
        for (construct, origin) in uses {
            let unsupported: Vec<(Target, &str)> = targets
                .iter()
                .filter_map(|&target| match capability::support(construct, target) {
                    Support::Unsupported(reason) => Some((target, reason)),
                    _ => None,
                })
                .collect();
            if unsupported.is_empty() {
                continue;
            }
            let names: Vec<&str> = unsupported
                .iter()
                .map(|(target, _)| target.display_name())
                .collect();
            let mut diagnostic = Diagnostic::new(
                Code::UnsupportedOnTarget,
                format!(
                    "{} cannot be compiled for {}",
                    capability::name(construct),
                    names.join(" and ")
                ),
                Label::new(
                    origin.source,
                    origin.span,
                    format!("not expressible on {}", names.join(" or ")),
                ),
            );
            for (target, reason) in &unsupported {
                diagnostic = diagnostic.with_note(format!("{}: {reason}", target.display_name()));
            }
            let others: Vec<&str> = Target::ALL
                .iter()
                .filter(|target| {
                    !unsupported
                        .iter()
                        .any(|(unsupported, _)| unsupported == *target)
                })
                .map(|target| target.name())
                .collect();
            if !others.is_empty() {
                diagnostic = diagnostic.with_help(format!(
                    "change the construct, or build only for {} with `--target`",
                    others.join(", ")
                ));
            }
            diagnostics.push(diagnostic);
        }
    }
}
