//! Phase 2i: glob patterns of trigger filters (every attribute whose schema
//! type is `glob` or `list<glob>`): patterns GitHub rejects (`[` never
//! closed, `?` or `+` with nothing to repeat, an empty `[]`), patterns that
//! mean different things on different targets (`**` glued to other
//! characters), and patterns that can match nothing (a path starting with
//! `./`, a branch name with a space). Only plain strings are judged.

use crate::check::literal_text::{self, Literal};
use crate::check::schema::{self, Attributes};
use crate::check::walk;
use crate::diagnostic::{Code, Diagnostic};
use crate::span::SourceId;
use crate::syntax::ast::{Expr, ExprKind, Item};

mod pattern;
#[cfg(test)]
mod tests;

use pattern::{GlobKind, glob_problem};

pub fn check_globs(items: &[Item], source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    walk::for_each_body(items, &mut |body| {
        let Some(Attributes::Known(known)) =
            schema::block(body.keyword).map(|schema| schema.attributes)
        else {
            return;
        };
        for attribute in body.attributes() {
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
    let literal = Literal::new(string, expr.span, source);
    let Some(characters) = literal_text::plain(&literal.atoms) else {
        return;
    };
    let Some(problem) = glob_problem(&characters, kind) else {
        return;
    };
    diagnostics.push(literal.report(Code::InvalidGlob, "glob pattern", problem));
}
