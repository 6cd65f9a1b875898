//! A readable, indented rendering of the syntax tree with spans, used by
//! `pipec debug ast` and the parse snapshots.

use std::fmt::Write;

use crate::syntax::ast::{
    Argument, Body, Expr, ExprKind, Field, File, Item, StringLiteral, StringPart, TypeExpr,
    TypeExprKind,
};

pub fn dump(file: &File) -> String {
    let mut out = Dumper::default();
    out.line(0, &format!("file {}..{}", file.span.start, file.span.end));
    for item in &file.items {
        out.item(1, item);
    }
    out.text
}

/// The dump with every `@start..end` span removed: equal for two texts
/// whose trees differ only in layout (the formatter's fuzz target and
/// tests compare these).
pub fn dump_without_spans(file: &File) -> String {
    let text = dump(file);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find(" @") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let span_length = after
            .find(|character: char| !(character.is_ascii_digit() || character == '.'))
            .unwrap_or(after.len());
        if span_length > 0 && after[..span_length].contains("..") {
            rest = &after[span_length..];
        } else {
            out.push_str(" @");
            rest = after;
        }
    }
    out.push_str(rest);
    out.lines()
        .map(|line| {
            if line.starts_with("file ") {
                "file"
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Default)]
struct Dumper {
    text: String,
}

impl Dumper {
    fn line(&mut self, depth: usize, text: &str) {
        for _ in 0..depth {
            self.text.push_str("  ");
        }
        self.text.push_str(text);
        self.text.push('\n');
    }

    fn item(&mut self, depth: usize, item: &Item) {
        let span = item.span();
        let at = format!("@{}..{}", span.start, span.end);
        match item {
            Item::Import(import) => {
                let alias = import
                    .alias
                    .as_ref()
                    .map_or(String::new(), |alias| format!(" as {}", alias.name));
                self.line(depth, &format!("import {:?}{alias} {at}", import.path));
            }
            Item::Template(template) => {
                self.line(
                    depth,
                    &format!(
                        "template {} : {} {at}",
                        template.name.name, template.kind.name
                    ),
                );
                for parameter in &template.parameters {
                    self.line(
                        depth + 1,
                        &format!(
                            "parameter {}: {}",
                            parameter.name.name,
                            type_text(&parameter.ty)
                        ),
                    );
                    if let Some(default) = &parameter.default {
                        self.expr(depth + 2, "default", default);
                    }
                }
                self.body(depth + 1, &template.body);
            }
            Item::Use(use_item) => {
                self.line(depth, &format!("use {} {at}", use_item.template.dotted()));
                self.arguments(depth + 1, &use_item.arguments);
            }
            Item::Input(input) => {
                self.line(
                    depth,
                    &format!("input {}: {} {at}", input.name.name, type_text(&input.ty)),
                );
                if let Some(default) = &input.default {
                    self.expr(depth + 1, "default", default);
                }
                if let Some(body) = &input.body {
                    self.body(depth + 1, body);
                }
            }
            Item::Attribute(attribute) => {
                let quote = if attribute.key.quoted { "\"" } else { "" };
                self.expr(
                    depth,
                    &format!("attribute {quote}{}{quote} {at}", attribute.key.name),
                    &attribute.value,
                );
            }
            Item::Block(block) => {
                let label = block
                    .label
                    .as_ref()
                    .map_or(String::new(), |label| format!(" {}", label.name));
                self.line(depth, &format!("block {}{label} {at}", block.keyword.name));
                if let Some(value) = &block.value {
                    self.expr(depth + 1, "value", value);
                }
                if let Some(body) = &block.body {
                    self.body(depth + 1, body);
                }
            }
            Item::Error(_) => self.line(depth, &format!("error {at}")),
        }
    }

    fn body(&mut self, depth: usize, body: &Body) {
        for item in &body.items {
            self.item(depth, item);
        }
    }

    fn arguments(&mut self, depth: usize, arguments: &[Argument]) {
        for argument in arguments {
            let name = argument
                .name
                .as_ref()
                .map_or("argument".to_owned(), |name| {
                    format!("argument {}", name.name)
                });
            self.expr(depth, &name, &argument.value);
        }
    }

    fn fields(&mut self, depth: usize, fields: &[Field]) {
        for field in fields {
            self.expr(depth, &format!("field {}", field.key.name), &field.value);
        }
    }

    /// Prints `prefix: <expr>` on one line for leaves, nested lines otherwise.
    fn expr(&mut self, depth: usize, prefix: &str, expr: &Expr) {
        let at = format!("@{}..{}", expr.span.start, expr.span.end);
        match &expr.kind {
            ExprKind::Int(value) => self.line(depth, &format!("{prefix}: int {value} {at}")),
            ExprKind::Bool(value) => self.line(depth, &format!("{prefix}: bool {value} {at}")),
            ExprKind::Duration(ms) => self.line(depth, &format!("{prefix}: duration {ms}ms {at}")),
            ExprKind::Percent(value) => {
                self.line(depth, &format!("{prefix}: percent {value}% {at}"))
            }
            ExprKind::Path(path) => {
                self.line(depth, &format!("{prefix}: path {} {at}", path.dotted()))
            }
            ExprKind::Error => self.line(depth, &format!("{prefix}: error {at}")),
            ExprKind::String(string) => self.string(depth, prefix, string),
            ExprKind::List(items) => {
                self.line(depth, &format!("{prefix}: list {at}"));
                for item in items {
                    self.expr(depth + 1, "item", item);
                }
            }
            ExprKind::Record(fields) => {
                self.line(depth, &format!("{prefix}: record {at}"));
                self.fields(depth + 1, fields);
            }
            ExprKind::Call { callee, arguments } => {
                self.line(depth, &format!("{prefix}: call {} {at}", callee.dotted()));
                self.arguments(depth + 1, arguments);
            }
            ExprKind::Constructor { name, fields } => {
                self.line(
                    depth,
                    &format!("{prefix}: constructor {} {at}", name.dotted()),
                );
                self.fields(depth + 1, fields);
            }
            ExprKind::Unary { op, operand } => {
                self.line(depth, &format!("{prefix}: unary {op:?} {at}"));
                self.expr(depth + 1, "operand", operand);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                self.line(depth, &format!("{prefix}: binary {} {at}", op.symbol()));
                self.expr(depth + 1, "lhs", lhs);
                self.expr(depth + 1, "rhs", rhs);
            }
            ExprKind::Logical { op, operands } => {
                self.line(depth, &format!("{prefix}: logical {} {at}", op.symbol()));
                for operand in operands {
                    self.expr(depth + 1, "operand", operand);
                }
            }
            ExprKind::Paren(inner) => {
                self.line(depth, &format!("{prefix}: paren {at}"));
                self.expr(depth + 1, "inner", inner);
            }
        }
    }

    fn string(&mut self, depth: usize, prefix: &str, string: &StringLiteral) {
        let at = format!("@{}..{}", string.span.start, string.span.end);
        let kind = if string.triple { "text" } else { "string" };
        if let Some(plain) = string.as_plain() {
            self.line(depth, &format!("{prefix}: {kind} {plain:?} {at}"));
            return;
        }
        self.line(depth, &format!("{prefix}: {kind} {at}"));
        for part in &string.parts {
            match part {
                StringPart::Text { value, .. } => self.line(depth + 1, &format!("text {value:?}")),
                StringPart::Interpolation { expr, .. } => {
                    self.expr(depth + 1, "interpolation", expr)
                }
            }
        }
    }
}

fn type_text(ty: &TypeExpr) -> String {
    match &ty.kind {
        TypeExprKind::Named { name, arguments } if arguments.is_empty() => name.name.clone(),
        TypeExprKind::Named { name, arguments } => {
            let mut text = format!("{}<", name.name);
            for (index, argument) in arguments.iter().enumerate() {
                if index > 0 {
                    text.push_str(", ");
                }
                text.push_str(&type_text(argument));
            }
            text.push('>');
            text
        }
        TypeExprKind::Enum { variants } => {
            let mut text = "enum(".to_owned();
            for (index, variant) in variants.iter().enumerate() {
                if index > 0 {
                    text.push_str(", ");
                }
                let _ = write!(text, "{:?}", variant.as_plain().unwrap_or_default());
            }
            text.push(')');
            text
        }
    }
}
