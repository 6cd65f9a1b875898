//! Hover: what the name under the cursor is, its type and documentation,
//! and the value a reference resolves to (a job's header, an input's type
//! and default, a template's signature, a matrix key's values); built-ins
//! and the fields of strategies.
//!
//! Input: an analysis and a byte offset. Output: markdown and the span it
//! describes. The documentation comes from the compiler's tables: block
//! schemas (`check/schema.rs`), the runtime context (`lower/context.rs`) and
//! the `//` comments above stdlib templates and actions.

use crate::check::schema::{self, Attributes};
use crate::ide::index::{Symbol, SymbolKind};
use crate::ide::locate::{self, Keyword, Named};
use crate::ide::{Analysis, FileSpan};
use crate::lower::builtins::Builtin;
use crate::lower::context;
use crate::span::{SourceId, Span};
use crate::syntax::ast::{Block, Expr, ExprKind, Item};

/// A hover: markdown describing what is at `span`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub span: Span,
    pub markdown: String,
}

pub fn hover(analysis: &Analysis, source: SourceId, offset: u32) -> Option<Hover> {
    let module = analysis.module_of(source)?;
    let items = &analysis.program.modules[module].parsed.file.items;
    if let Some(occurrence) = analysis.index().at(source, offset) {
        let markdown = symbol_markdown(analysis, &occurrence.symbol)?;
        return Some(Hover {
            span: occurrence.span,
            markdown,
        });
    }
    if let Some((builtin, span)) = locate::builtin_at(items, offset) {
        return Some(Hover {
            span,
            markdown: builtin_markdown(builtin),
        });
    }
    if let Some((span, markdown)) = strategy_field_at(items, offset)
        .or_else(|| crate::ide::upstreams::hover(analysis, source, offset))
    {
        return Some(Hover { span, markdown });
    }
    if let Some(path) = locate::path_at(items, offset)
        && let Some(markdown) = env_markdown(analysis, source, items, path, offset)
            .or_else(|| context_markdown(path, offset))
    {
        return Some(Hover {
            span: path.span,
            markdown,
        });
    }
    match locate::keyword_at(items, "file", offset)? {
        Keyword::Block { block, parent } => {
            let schema = schema::block(&block.keyword.name)?;
            let mut markdown = format!("```pipe\n{} …\n```\n{}", schema.keyword, schema.doc);
            if !schema.parents.contains(&parent) {
                markdown.push_str(&format!(
                    "\n\nallowed in: {}",
                    code_list(schema.parents.iter().copied())
                ));
            }
            Some(Hover {
                span: block.keyword.span,
                markdown,
            })
        }
        Keyword::Attribute { name, parent } => {
            let markdown = attribute_markdown(name, parent)?;
            let span = attribute_key_span(items, offset)?;
            Some(Hover { span, markdown })
        }
    }
}

/// A field of a strategy constructor (`pause` in `canary { … }`) or of a
/// blue-green deploy's smoke test under the cursor: its type, from the
/// lowering's tables, and the span of its key.
fn strategy_field_at(items: &[Item], offset: u32) -> Option<(Span, String)> {
    let touches = |span: Span| span.start <= offset && offset <= span.end;
    let mut found = None;
    crate::check::walk::for_each_expr(items, &mut |expr: &Expr| {
        let ExprKind::Constructor { name, fields } = &expr.kind else {
            return;
        };
        let [strategy] = name.segments.as_slice() else {
            return;
        };
        let Some(known) = crate::lower::strategy_fields(&strategy.name) else {
            return;
        };
        for field in fields {
            if touches(field.key.span)
                && let Some(ty) = field_type(known, &field.key.name)
            {
                found = Some((
                    field.key.span,
                    format!(
                        "```pipe\n{}: {ty}\n```\na field of the `{}` strategy",
                        field.key.name, strategy.name
                    ),
                ));
            }
            if field.key.name == "smoke_test"
                && let ExprKind::Record(inner) = &field.value.kind
            {
                for test_field in inner.iter().filter(|inner| touches(inner.key.span)) {
                    if let Some(ty) =
                        field_type(crate::lower::smoke_test_fields(), &test_field.key.name)
                    {
                        found = Some((
                            test_field.key.span,
                            format!(
                                "```pipe\n{}: {ty}\n```\na field of a blue-green deploy's smoke test",
                                test_field.key.name
                            ),
                        ));
                    }
                }
            }
        }
    });
    found
}

/// The type of field `name` in a table of `(field, type)`.
fn field_type(fields: &[(&'static str, &'static str)], name: &str) -> Option<&'static str> {
    fields
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, ty)| *ty)
}

pub fn builtin_markdown(builtin: &Builtin) -> String {
    format!(
        "```pipe\n{}\n```\n{} (built-in {})",
        builtin.signature,
        builtin.doc,
        builtin.kind.word()
    )
}

fn code_list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn attribute_key_span(items: &[Item], offset: u32) -> Option<Span> {
    let mut found = None;
    crate::check::walk::for_each_body(items, &mut |body| {
        for attribute in body.attributes() {
            if attribute.key.span.start <= offset && offset <= attribute.key.span.end {
                found = Some(attribute.key.span);
            }
        }
    });
    if found.is_none() {
        for item in items {
            if let Item::Attribute(attribute) = item
                && attribute.key.span.start <= offset
                && offset <= attribute.key.span.end
            {
                found = Some(attribute.key.span);
            }
        }
    }
    found
}

/// The type and documentation of attribute `name` in a `parent` block.
pub fn attribute_markdown(name: &str, parent: &str) -> Option<String> {
    let schema = schema::block(parent)?;
    match schema.attributes {
        Attributes::Known(attributes) => {
            let attribute = attributes.iter().find(|attribute| attribute.name == name)?;
            Some(format!(
                "```pipe\n{}: {}\n```\n{}",
                attribute.name, attribute.ty, attribute.doc
            ))
        }
        Attributes::AnyName => Some(format!(
            "```pipe\n{name}\n```\nan entry of `{parent}`: {}",
            schema.doc
        )),
    }
}

/// What each root of the runtime context holds.
const ROOT_DOCS: &[(&str, &str)] = &[
    (
        "git",
        "the commit being built: `branch`, `tag`, `sha`, `ref`, `commit_message`",
    ),
    (
        "pr",
        "the pull request: `base`, `head`, `title`, `body`, `number`, `draft`",
    ),
    ("inputs", "the manual inputs of `on manual`, `inputs.NAME`"),
    (
        "matrix",
        "the values of this run of the job's matrix, `matrix.KEY`",
    ),
    (
        "jobs",
        "other jobs' outputs, `jobs.JOB.outputs.NAME`; the job must be needed",
    ),
    (
        "steps",
        "outputs of this job's steps, `steps.STEP.outputs.NAME`",
    ),
    (
        "env",
        "environment variables of the enclosing `env` blocks, `env.NAME`",
    ),
    (
        "secrets",
        "the secrets the pipeline declares, `secrets.NAME`",
    ),
    (
        "vars",
        "configuration variables of the CI service, `vars.NAME`",
    ),
];

/// `env.NAME`: the value of the nearest enclosing `env` entry named NAME.
fn env_markdown(
    analysis: &Analysis,
    source: SourceId,
    items: &[Item],
    path: &crate::syntax::ast::Path,
    offset: u32,
) -> Option<String> {
    let [root, name] = path.segments.as_slice() else {
        return None;
    };
    if root.name != "env" || offset < name.span.start {
        return None;
    }
    let text = analysis.text(source);
    let frames = locate::frames_at(items, offset);
    let bodies = frames.iter().rev().filter_map(|frame| match frame {
        locate::Frame::Block(block) => block.body.as_ref().map(|body| body.items.as_slice()),
        locate::Frame::Template(template) => Some(template.body.items.as_slice()),
        locate::Frame::Input(_) => None,
    });
    for body in bodies {
        for item in body {
            let Item::Block(block) = item else { continue };
            if block.keyword.name != "env" {
                continue;
            }
            let entries = block
                .body
                .as_ref()
                .map_or(&[][..], |body| body.items.as_slice());
            for entry in entries {
                if let Item::Attribute(attribute) = entry
                    && attribute.key.name == name.name
                {
                    return Some(format!(
                        "```pipe\nenv.{} = {}\n```\nan environment variable of the enclosing `env`",
                        name.name,
                        text.get(attribute.value.span.range()).unwrap_or("")
                    ));
                }
            }
        }
    }
    None
}

/// `git.branch`, `pr.number`, `event`, and the roots of the runtime context.
fn context_markdown(path: &crate::syntax::ast::Path, offset: u32) -> Option<String> {
    if let Some(root) = path.segments.first()
        && offset <= root.span.end
        && path.segments.len() > 1
        && let Some((_, doc)) = ROOT_DOCS.iter().find(|(name, _)| *name == root.name)
    {
        return Some(format!(
            "```pipe\n{}\n```\n{doc} (runtime context)",
            root.name
        ));
    }
    match path.segments.as_slice() {
        [root, field] => {
            let name = context::FIXED
                .iter()
                .find(|name| name.root == root.name && name.field == field.name)?;
            let (_, ty) = context::fixed(&root.name, &field.name)?;
            Some(format!(
                "```pipe\n{}.{}: {}\n```\n{} (runtime context)",
                name.root, name.field, ty, name.doc
            ))
        }
        [root] if root.name == "event" => Some(format!(
            "```pipe\nevent: {}\n```\nthe event the pipeline runs for (runtime context)",
            context::event_type()
        )),
        _ => None,
    }
}

/// The markdown for a symbol, read from its definition.
pub fn symbol_markdown(analysis: &Analysis, symbol: &Symbol) -> Option<String> {
    let FileSpan { source, span } = symbol.definition;
    let module = analysis.module_of(source)?;
    let parsed = &analysis.program.modules[module].parsed;
    let text = analysis.text(source);
    let origin = if analysis.source_name(source).starts_with("std/") {
        format!("\n\n*defined in `{}`*", analysis.source_name(source))
    } else {
        String::new()
    };
    if symbol.kind == SymbolKind::Module {
        let doc = locate::doc_comment_at_start(text, &parsed.comments);
        return Some(format!(
            "```pipe\nimport \"{}\"\n```\n{doc}",
            analysis.source_name(source)
        ));
    }
    if symbol.kind == SymbolKind::Import {
        let import = parsed.file.items.iter().find_map(|item| match item {
            Item::Import(import)
                if import.path_span == span
                    || import
                        .alias
                        .as_ref()
                        .is_some_and(|alias| alias.span == span) =>
            {
                Some(import)
            }
            _ => None,
        })?;
        let mut markdown = format!("```pipe\n{}\n```", locate::header(text, import.span));
        if let Some((_, _, target)) = analysis.program.modules[module]
            .imports
            .iter()
            .find(|(_, import_span, _)| *import_span == import.path_span)
        {
            let target = &analysis.program.modules[*target];
            let target_text = analysis.text(target.source);
            let doc = locate::doc_comment_at_start(target_text, &target.parsed.comments);
            markdown.push('\n');
            markdown.push_str(&doc);
        }
        return Some(markdown);
    }
    let named = locate::named_item(&parsed.file.items, span)?;
    let markdown = match named {
        Named::Template(template) => {
            let signature = text
                .get(template.span.start as usize..template.body.span.start as usize)
                .unwrap_or("")
                .trim();
            let doc = locate::doc_comment(text, &parsed.comments, template.span.start);
            format!("```pipe\n{signature}\n```\n{doc}")
        }
        Named::Parameter(parameter) => {
            format!(
                "```pipe\n{}\n```\ntemplate parameter",
                text.get(parameter.span.range()).unwrap_or("").trim()
            )
        }
        Named::Input(input) => {
            let end = input
                .body
                .as_ref()
                .map_or(input.span.end, |body| body.span.start);
            let declaration = text
                .get(input.span.start as usize..end as usize)
                .unwrap_or("");
            let description = input
                .body
                .as_ref()
                .and_then(|body| description(&body.items))
                .unwrap_or_default();
            let what = if symbol.kind == SymbolKind::ActionInput {
                "action input"
            } else {
                "manual input, read as `inputs.NAME`"
            };
            format!(
                "```pipe\n{}\n```\n{}{what}",
                declaration.trim(),
                if description.is_empty() {
                    String::new()
                } else {
                    format!("{description}\n\n")
                }
            )
        }
        Named::Attribute(attribute) => format!(
            "```pipe\nmatrix.{} = {}\n```\nmatrix key: the job runs once per value",
            attribute.key.name,
            text.get(attribute.value.span.range()).unwrap_or("")
        ),
        Named::Block(block) => block_markdown(analysis, source, block, &parsed.comments),
    };
    Some(format!("{}{origin}", markdown.trim_end()))
}

fn description(items: &[Item]) -> Option<String> {
    items.iter().find_map(|item| match item {
        Item::Attribute(attribute) if attribute.key.name == "description" => {
            match &attribute.value.kind {
                crate::syntax::ast::ExprKind::String(string) => string.as_plain(),
                _ => None,
            }
        }
        _ => None,
    })
}

fn block_markdown(
    analysis: &Analysis,
    source: SourceId,
    block: &Block,
    comments: &[crate::syntax::token::Comment],
) -> String {
    let text = analysis.text(source);
    let header = locate::header(text, block.span);
    let items: &[Item] = block
        .body
        .as_ref()
        .map_or(&[], |body| body.items.as_slice());
    let attribute_text = |name: &str| {
        items.iter().find_map(|item| match item {
            Item::Attribute(attribute) if attribute.key.name == name => {
                text.get(attribute.value.span.range())
            }
            _ => None,
        })
    };
    let mut lines: Vec<String> = Vec::new();
    match block.keyword.name.as_str() {
        "job" => {
            for name in ["needs", "if", "image", "runner"] {
                if let Some(value) = attribute_text(name) {
                    lines.push(format!("- `{name}` = `{value}`"));
                }
            }
            let outputs: Vec<&str> = items
                .iter()
                .filter_map(|item| match item {
                    Item::Block(inner) if inner.keyword.name == "output" => {
                        inner.label.as_ref().map(|label| label.name.as_str())
                    }
                    _ => None,
                })
                .collect();
            if !outputs.is_empty() {
                lines.push(format!("- outputs: {}", code_list(outputs.into_iter())));
            }
        }
        "action" => {
            if let Some(uses) = attribute_text("uses") {
                lines.push(format!("- `uses` = `{uses}`"));
            }
            for item in items {
                if let Item::Input(input) = item {
                    lines.push(format!(
                        "- input `{}: {}`",
                        input.name.name,
                        text.get(input.ty.span.range()).unwrap_or("")
                    ));
                }
            }
        }
        "secret" => {
            if let Some(description) = description(items) {
                lines.push(description);
            }
            lines.push("read as `secrets.NAME`; the CI service provides the value".to_owned());
        }
        "step" if block.value.is_some() => {}
        _ => {}
    }
    let doc = match block.keyword.name.as_str() {
        "action" | "job" | "step" => locate::doc_comment(text, comments, block.span.start),
        _ => String::new(),
    };
    let schema_doc = schema::block(&block.keyword.name).map_or("", |schema| schema.doc);
    let mut markdown = format!("```pipe\n{header}\n```\n");
    if !doc.is_empty() {
        markdown.push_str(&doc);
        markdown.push_str("\n\n");
    }
    for line in lines {
        markdown.push_str(&line);
        markdown.push('\n');
    }
    if !schema_doc.is_empty() {
        markdown.push('\n');
        markdown.push_str(schema_doc);
    }
    markdown
}
