//! Phase 2g: the status predicates `success()`, `failure()` and `always()`
//! describe how earlier work ended, so they mean something only where a
//! job or step decides whether to run: in `if`, and in template arguments
//! that become an `if` (their parameter types decide, once types land).

use crate::check::walk;
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::span::SourceId;
use crate::syntax::ast::{ExprKind, Item};

const STATUS_PREDICATES: &[&str] = &["success", "failure", "always"];

pub fn check_status_predicates(
    items: &[Item],
    source: SourceId,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for item in items {
        match item {
            Item::Attribute(attribute) if attribute.key.name == "if" => {}
            Item::Attribute(attribute) => report_in(
                std::slice::from_ref(item),
                &attribute.key.name,
                source,
                diagnostics,
            ),
            Item::Block(block) => {
                // `job x = t(…)` passes arguments to a template: allowed.
                if let Some(body) = &block.body {
                    check_status_predicates(&body.items, source, diagnostics);
                }
            }
            Item::Template(template) => {
                check_status_predicates(&template.body.items, source, diagnostics)
            }
            Item::Use(_) | Item::Input(_) | Item::Import(_) | Item::Error(_) => {}
        }
    }
}

fn report_in(items: &[Item], attribute: &str, source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    walk::for_each_expr(items, &mut |expr| {
        if let ExprKind::Call { callee, .. } = &expr.kind
            && let [name] = callee.segments.as_slice()
            && STATUS_PREDICATES.contains(&name.name.as_str())
        {
            diagnostics.push(
                Diagnostic::new(
                    Code::StatusPredicateOutsideCondition,
                    format!("`{}()` can only be used in a condition", name.name),
                    Label::new(source, expr.span, format!("used in `{attribute}`")),
                )
                .with_help(
                    "status predicates decide whether a job or step runs: use them in its `if`",
                ),
            );
        }
    });
}
