//! Phase 2f: `inputs.I` names a manual input of the pipeline. Matrix keys
//! and job outputs depend on templates, so the lowering checks them once
//! templates are instantiated (`lower/outputs.rs`, `lower/expr.rs`).

use crate::check::{suggest, walk};
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::span::SourceId;
use crate::syntax::ast::{Block, ExprKind};

pub fn check_references(pipeline: &Block, source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    let Some(body) = &pipeline.body else { return };
    let inputs: Vec<&str> = walk::manual_inputs(&body.items)
        .iter()
        .map(|input| input.name.name.as_str())
        .collect();
    walk::for_each_expr(&body.items, &mut |expr| {
        let ExprKind::Path(path) = &expr.kind else {
            return;
        };
        if let [root, input, ..] = path.segments.as_slice()
            && root.name == "inputs"
            && !inputs.contains(&input.name.as_str())
        {
            let name = input.name.as_str();
            let span = input.span;
            let mut diagnostic = Diagnostic::new(
                Code::UnknownInput,
                format!("unknown input `{name}`"),
                Label::new(source, span, "not an input of `on manual`"),
            );
            if !suggest::offer(&mut diagnostic, name, &inputs, source, span) {
                diagnostic = diagnostic.with_help(format!(
                    "declare it in `on manual {{ input {name}: string }}`"
                ));
            }
            diagnostics.push(diagnostic);
        }
    });
}
