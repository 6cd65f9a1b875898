//! Phase 2c: secrets are declared before use (`secret NAME` in the
//! pipeline), and a declared secret that nothing uses is reported.

use foldhash::{HashMap, HashMapExt};

use crate::check::{suggest, walk};
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::span::{SourceId, Span};
use crate::syntax::ast::{Block, ExprKind, Item};

pub fn check_secrets(pipeline: &Block, source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    let Some(body) = &pipeline.body else { return };
    let mut declared: HashMap<&str, (Span, bool)> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for item in &body.items {
        if let Item::Block(block) = item
            && block.keyword.name == "secret"
            && let Some(label) = &block.label
            && declared.insert(&label.name, (label.span, false)).is_none()
        {
            order.push(&label.name);
        }
    }
    let mut references: Vec<(&str, Span)> = Vec::new();
    walk::for_each_expr(&body.items, &mut |expr| {
        if let ExprKind::Path(path) = &expr.kind
            && let [root, name, ..] = path.segments.as_slice()
            && root.name == "secrets"
        {
            references.push((&name.name, name.span));
        }
    });
    for (name, span) in references {
        if let Some((_, used)) = declared.get_mut(name) {
            *used = true;
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            Code::UndeclaredSecret,
            format!("secret `{name}` is not declared"),
            Label::new(source, span, "no `secret` declaration of this name"),
        );
        if suggest::offer(&mut diagnostic, name, &order, source, span) {
            // The typo is the use of that secret: no "unused" warning too.
            if let Some(suggestion) = suggest::closest(name, order.iter().copied())
                && let Some((_, used)) = declared.get_mut(suggestion)
            {
                *used = true;
            }
        } else {
            diagnostic = diagnostic.with_help(format!(
                "declare it in the pipeline with `secret {name}`; its value is set in the CI service's settings"
            ));
        }
        diagnostics.push(diagnostic);
    }
    for name in order {
        if let Some(&(span, false)) = declared.get(name) {
            diagnostics.push(
                Diagnostic::new(
                    Code::UnusedSecret,
                    format!("secret `{name}` is never used"),
                    Label::new(source, span, "declared here"),
                )
                .with_help("remove the declaration, or use it as `secrets.NAME` in an `env` value"),
            );
        }
    }
}
