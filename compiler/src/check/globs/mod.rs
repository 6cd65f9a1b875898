//! Phase 2i: glob patterns of trigger filters (every attribute whose schema
//! type is `glob` or `list<glob>`): patterns GitHub rejects (`[` never
//! closed, `?` or `+` with nothing to repeat, an empty `[]`), patterns that
//! mean different things on different targets (`**` glued to other
//! characters), and patterns that can match nothing (a path starting with
//! `./`, a branch name with a space). Only plain strings are judged.

use crate::check::literal_text;
use crate::check::schema::{self, Attributes};
use crate::check::walk;
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::span::SourceId;
use crate::syntax::ast::{Expr, ExprKind, Item};

mod pattern;
#[cfg(test)]
mod tests;

use pattern::{GlobKind, glob_problem};

pub fn check_globs(items: &[Item], source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    walk::for_each_block(items, &mut |block| {
        let Some(Attributes::Known(known)) =
            schema::block(&block.keyword.name).map(|schema| schema.attributes)
        else {
            return;
        };
        for attribute in walk::attributes(block) {
            let name = attribute.key.name.as_str();
            let is_glob = known
                .iter()
                .any(|known| known.name == name && matches!(known.ty, "glob" | "list<glob>"));
            if !is_glob {
                continue;
            }
            let kind = if name.starts_with("paths") {
                GlobKind::Path
            } else {
                GlobKind::Ref
            };
            match &attribute.value.kind {
                ExprKind::List(elements) => {
                    for element in elements {
                        check_pattern(element, kind, source, diagnostics);
                    }
                }
                _ => check_pattern(&attribute.value, kind, source, diagnostics),
            }
        }
    });
}

fn check_pattern(expr: &Expr, kind: GlobKind, source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    let ExprKind::String(string) = &expr.kind else {
        return;
    };
    let atoms = literal_text::atoms(string);
    let Some(characters) = literal_text::plain(&atoms) else {
        return;
    };
    let Some(problem) = glob_problem(&characters, kind) else {
        return;
    };
    let message = if characters.is_empty() {
        "empty glob pattern".to_owned()
    } else {
        format!(
            "invalid glob `{}`: {}",
            literal_text::display_chars(&characters),
            problem.what
        )
    };
    let at = atoms.get(problem.at.clone()).unwrap_or_default();
    let mut diagnostic = Diagnostic::new(
        Code::InvalidGlob,
        message,
        Label::new(source, literal_text::span_of(at, expr.span), problem.label),
    )
    .with_help(problem.help);
    if let Some(note) = problem.note {
        diagnostic = diagnostic.with_note(note);
    }
    if let Some((replacement, message)) = &problem.fix
        && let Some(edit) = literal_text::replace(at, replacement, source)
    {
        diagnostic = diagnostic.with_fix(message.clone(), vec![edit]);
    }
    diagnostics.push(diagnostic);
}
