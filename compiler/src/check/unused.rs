//! Phase 2n: declarations nothing uses. A manual input that no
//! `inputs.NAME` reads asks the person starting the run for a value that
//! changes nothing (W0123, with a fix that removes its line); a template
//! that nothing in its file instantiates is dead code (W0124). Templates of
//! library modules, files without a `pipeline`, are for other files and are
//! never reported.

use foldhash::{HashMap, HashSet, HashSetExt};

use crate::check::{suggest, walk};
use crate::diagnostic::{Code, Diagnostic, Edit, Label};
use crate::span::{SourceId, Span};
use crate::syntax::ast::{Block, ExprKind, Item, Template};

pub fn check_unused_inputs(
    pipeline: &Block,
    text: &str,
    source: SourceId,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(body) = &pipeline.body else {
        return;
    };
    let inputs = walk::manual_inputs(&body.items);
    if inputs.is_empty() {
        return;
    }
    let names: Vec<&str> = inputs
        .iter()
        .map(|input| input.name.name.as_str())
        .collect();
    let mut used: HashMap<&str, bool> = names.iter().map(|&name| (name, false)).collect();
    walk::for_each_expr(&body.items, &mut |expr| {
        if let ExprKind::Path(path) = &expr.kind
            && let [root, name, ..] = path.segments.as_slice()
            && root.name == "inputs"
        {
            // A misspelt name (E0213) is a use of the input it was meant to be.
            let meant = if used.contains_key(name.name.as_str()) {
                Some(name.name.as_str())
            } else {
                suggest::closest(&name.name, names.iter().copied())
            };
            if let Some(flag) = meant.and_then(|meant| used.get_mut(meant)) {
                *flag = true;
            }
        }
    });
    for input in inputs {
        let name = input.name.name.as_str();
        if used.get(name).copied().unwrap_or(true) {
            continue;
        }
        diagnostics.push(
            Diagnostic::new(
                Code::UnusedInput,
                format!("input `{name}` is never used"),
                Label::new(source, input.name.span, "declared here"),
            )
            .with_note("whoever starts the run is asked for a value that changes nothing")
            .with_help(format!("read it as `inputs.{name}`, or remove it"))
            .with_fix(
                format!("remove input `{name}`"),
                vec![Edit {
                    source,
                    span: line_removal(text, input.span),
                    replacement: String::new(),
                }],
            ),
        );
    }
}

pub fn check_unused_templates(items: &[Item], source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    let has_pipeline = items
        .iter()
        .any(|item| matches!(item, Item::Block(block) if block.keyword.name == "pipeline"));
    if !has_pipeline {
        return;
    }
    // Each template's uses, not counting its uses of itself.
    let mut used: HashSet<&str> = HashSet::new();
    for item in items {
        let container = match item {
            Item::Template(template) => Some(template.name.name.as_str()),
            _ => None,
        };
        for path in crate::resolve::template_references(std::slice::from_ref(item)) {
            if let [name] = path.segments.as_slice()
                && Some(name.name.as_str()) != container
            {
                used.insert(&name.name);
            }
        }
    }
    for item in items {
        if let Item::Template(template) = item
            && !used.contains(template.name.name.as_str())
        {
            diagnostics.push(unused_template(template, source));
        }
    }
}

fn unused_template(template: &Template, source: SourceId) -> Diagnostic {
    let name = &template.name.name;
    let how = if template.kind.name == "job" {
        format!("instantiate it with `job NAME = {name}(…)`")
    } else {
        format!("splice it into a job with `use {name}(…)`")
    };
    Diagnostic::new(
        Code::UnusedTemplate,
        format!("template `{name}` is never used"),
        Label::new(source, template.name.span, "defined here"),
    )
    .with_note("in a file with a pipeline, templates are meant for that pipeline; a template shared with other files belongs in a module without a pipeline, where it is not reported")
    .with_help(format!("{how}, or remove it"))
}

/// The text to delete to remove the item at `span`: its whole line when it
/// is alone on it (with its trailing comment), otherwise the item and the
/// `,` and spaces after it.
fn line_removal(text: &str, span: Span) -> Span {
    let bytes = text.as_bytes();
    let is_blank = |offset: usize| matches!(bytes.get(offset), Some(b' ' | b'\t'));
    let mut start = span.start as usize;
    while start > 0 && is_blank(start - 1) {
        start -= 1;
    }
    let starts_line = start == 0 || bytes.get(start - 1) == Some(&b'\n');
    let mut end = span.end as usize;
    while is_blank(end) {
        end += 1;
    }
    if bytes.get(end) == Some(&b',') {
        end += 1;
        while is_blank(end) {
            end += 1;
        }
    }
    if !starts_line {
        return Span::new(span.start as usize, end);
    }
    if bytes.get(end..end + 2) == Some(b"//") {
        end += bytes
            .get(end..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&byte| byte != b'\n')
            .count();
    }
    match bytes.get(end) {
        None => Span::new(start, end),
        Some(b'\n') => Span::new(start, end + 1),
        Some(b'\r') if bytes.get(end + 1) == Some(&b'\n') => Span::new(start, end + 2),
        // Something else follows on the line: keep the indentation for it.
        Some(_) => Span::new(span.start as usize, end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removed(text: &str, item: &str) -> String {
        let start = text.find(item).unwrap_or(0);
        let span = line_removal(text, Span::new(start, start + item.len()));
        let mut result = text.to_owned();
        result.replace_range(span.range(), "");
        result
    }

    #[test]
    fn an_item_alone_on_its_line_takes_the_line_with_it() {
        let text = "on manual {\n    input a: string // why\n    input b: int\n}\n";
        assert_eq!(
            removed(text, "input a: string"),
            "on manual {\n    input b: int\n}\n"
        );
        assert_eq!(
            removed("x {\r\n  input a: int\r\n}", "input a: int"),
            "x {\r\n}"
        );
    }

    #[test]
    fn an_item_sharing_its_line_leaves_the_rest() {
        let text = "on manual { input a: string, input b: int }";
        assert_eq!(
            removed(text, "input a: string"),
            "on manual { input b: int }"
        );
        assert_eq!(
            removed(text, "input b: int"),
            "on manual { input a: string, }"
        );
        assert_eq!(
            removed("  input a: int, x = 1\n", "input a: int"),
            "  x = 1\n"
        );
    }
}
