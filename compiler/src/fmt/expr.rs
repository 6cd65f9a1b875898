//! Expressions: literals exactly as written, operators with single spaces,
//! lists, arguments and records on one line when they fit and hold no
//! comment, one element per line otherwise.

use crate::fmt::items::{Align, Line, write_lines};
use crate::fmt::{Formatter, WIDTH, push_indent};
use crate::span::Span;
use crate::syntax::ast::{
    Argument, Expr, ExprKind, Field, LogicalOp, StringLiteral, TypeExpr, UnaryOp,
};

impl Formatter<'_> {
    /// `expr` written at indentation `level`, starting at `column`.
    pub(super) fn expr(&mut self, expr: &Expr, level: usize, column: usize) -> String {
        match &expr.kind {
            ExprKind::Int(_)
            | ExprKind::Bool(_)
            | ExprKind::Duration(_)
            | ExprKind::Percent(_)
            | ExprKind::Error => self.slice(expr.span).to_owned(),
            ExprKind::String(literal) => self.string(literal, level),
            ExprKind::Path(path) => path.dotted(),
            ExprKind::List(elements) => {
                let spans: Vec<Span> = elements.iter().map(|element| element.span).collect();
                self.sequence(
                    expr.span,
                    "[",
                    "]",
                    &spans,
                    level,
                    column,
                    |formatter, index, inner_level, inner_column| {
                        formatter.expr(&elements[index], inner_level, inner_column)
                    },
                )
            }
            ExprKind::Record(fields) => self.record(fields, expr.span, level, column, ""),
            ExprKind::Constructor { name, fields } => {
                let prefix = format!("{} ", name.dotted());
                let prefix_length = prefix.len();
                format!(
                    "{prefix}{}",
                    self.record(fields, expr.span, level, column + prefix_length, "")
                )
            }
            ExprKind::Call { callee, arguments } => {
                let name = callee.dotted();
                let arguments_text =
                    self.arguments(arguments, expr.span, level, column + name.len());
                format!("{name}{arguments_text}")
            }
            ExprKind::Unary { op, operand } => {
                let symbol = match op {
                    UnaryOp::Not => "!",
                    UnaryOp::Negate => "-",
                };
                format!("{symbol}{}", self.expr(operand, level, column + 1))
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let left = self.expr(lhs, level, column);
                let right = self.expr(rhs, level, column + left.len() + op.symbol().len() + 2);
                format!("{left} {} {right}", op.symbol())
            }
            ExprKind::Logical { op, operands } => {
                let symbol = match op {
                    LogicalOp::And => "&&",
                    LogicalOp::Or => "||",
                };
                let parts: Vec<String> = operands
                    .iter()
                    .map(|operand| self.expr(operand, level + 1, column))
                    .collect();
                let one_line = parts.join(&format!(" {symbol} "));
                if column + one_line.len() <= WIDTH && !one_line.contains('\n') {
                    return one_line;
                }
                // A line may end with an operator, never start with one.
                let mut text = String::new();
                for (index, part) in parts.iter().enumerate() {
                    if index > 0 {
                        text.push_str(&format!(" {symbol}\n"));
                        push_indent(&mut text, level + 1);
                    }
                    text.push_str(part);
                }
                text
            }
            ExprKind::Paren(inner) => format!("({})", self.expr(inner, level, column + 1)),
        }
    }

    /// `(a, name = b)`.
    pub(super) fn arguments(
        &mut self,
        arguments: &[Argument],
        span: Span,
        level: usize,
        column: usize,
    ) -> String {
        let spans: Vec<Span> = arguments.iter().map(|argument| argument.span).collect();
        // The parentheses are the last part of the call's span.
        let start = arguments.first().map_or(span.end, |first| first.span.start);
        let list_span = Span {
            start: start.saturating_sub(1),
            end: span.end,
        };
        self.sequence(
            list_span,
            "(",
            ")",
            &spans,
            level,
            column,
            |formatter, index, inner_level, inner_column| {
                let argument = &arguments[index];
                match &argument.name {
                    Some(name) => {
                        let value = formatter.expr(
                            &argument.value,
                            inner_level,
                            inner_column + name.name.len() + 3,
                        );
                        format!("{} = {value}", name.name)
                    }
                    None => formatter.expr(&argument.value, inner_level, inner_column),
                }
            },
        )
    }

    /// A bracketed, comma-separated sequence: one line when it fits and
    /// holds no comment, else one element per line with a trailing comma.
    #[allow(clippy::too_many_arguments)]
    fn sequence(
        &mut self,
        span: Span,
        open: &str,
        close: &str,
        elements: &[Span],
        level: usize,
        column: usize,
        mut render: impl FnMut(&mut Self, usize, usize, usize) -> String,
    ) -> String {
        if elements.is_empty() && !self.has_comment_within(span) {
            return format!("{open}{close}");
        }
        if !self.has_comment_within(span) {
            let saved = self.next_comment;
            let mut parts = Vec::with_capacity(elements.len());
            let mut inner_column = column + open.len();
            for index in 0..elements.len() {
                let part = render(self, index, level, inner_column);
                inner_column += part.len() + 2;
                parts.push(part);
            }
            let text = format!("{open}{}{close}", parts.join(", "));
            if column + text.len() <= WIDTH && !text.contains('\n') {
                return text;
            }
            self.next_comment = saved;
        }
        let mut lines: Vec<Line> = Vec::with_capacity(elements.len());
        let mut previous_end = None;
        for (index, element) in elements.iter().enumerate() {
            let line = self.line(*element, previous_end, |formatter| {
                let text = render(formatter, index, level + 1, (level + 1) * 2);
                (format!("{text},"), Align::None)
            });
            previous_end = Some(element.end);
            lines.push(line);
        }
        let mut text = format!("{open}\n");
        let mut body = String::new();
        write_lines(&mut body, &mut lines, level + 1);
        for (_, comment) in self.comments_before(span.end) {
            push_indent(&mut body, level + 1);
            body.push_str(&comment);
            body.push('\n');
        }
        text.push_str(&body);
        push_indent(&mut text, level);
        text.push_str(close);
        text
    }

    /// `{ a = 1, b = 2 }` on one line when written so and it fits; else one
    /// field per line, with the `=` lined up.
    fn record(
        &mut self,
        fields: &[Field],
        span: Span,
        level: usize,
        column: usize,
        _prefix: &str,
    ) -> String {
        if fields.is_empty() && !self.has_comment_within(span) {
            return "{}".to_owned();
        }
        if !self.is_multiline(span) && !self.has_comment_within(span) {
            let saved = self.next_comment;
            let parts: Vec<String> = fields
                .iter()
                .map(|field| self.field(field, level).0)
                .collect();
            let text = format!("{{ {} }}", parts.join(", "));
            if column + text.len() <= WIDTH && !text.contains('\n') {
                return text;
            }
            self.next_comment = saved;
        }
        let mut lines: Vec<Line> = Vec::with_capacity(fields.len());
        let mut previous_end = None;
        for field in fields {
            let line = self.line(field.span, previous_end, |formatter| {
                formatter.field(field, level + 1)
            });
            previous_end = Some(field.span.end);
            lines.push(line);
        }
        let mut text = String::from("{\n");
        write_lines(&mut text, &mut lines, level + 1);
        for (_, comment) in self.comments_before(span.end) {
            push_indent(&mut text, level + 1);
            text.push_str(&comment);
            text.push('\n');
        }
        push_indent(&mut text, level);
        text.push('}');
        text
    }

    fn field(&mut self, field: &Field, level: usize) -> (String, Align) {
        let key = self.slice(field.key.span).to_owned();
        let rest = format!(
            "= {}",
            self.expr(&field.value, level, level * 2 + key.len() + 3)
        );
        (format!("{key} {rest}"), Align::Equals { key, rest })
    }

    /// A type as written, with single spaces after commas.
    pub(super) fn type_text(&self, ty: &TypeExpr) -> String {
        let text = self.slice(ty.span);
        let mut out = String::with_capacity(text.len());
        let mut in_string = false;
        let mut previous = ' ';
        for character in text.chars() {
            if character == '"' && previous != '\\' {
                in_string = !in_string;
            }
            if !in_string && character.is_whitespace() {
                previous = character;
                continue;
            }
            out.push(character);
            if !in_string && character == ',' {
                out.push(' ');
            }
            previous = character;
        }
        out
    }

    /// A one-line string exactly as written; a `"""` string with its lines
    /// moved to one level below `level`, keeping their relative indentation.
    fn string(&self, literal: &StringLiteral, level: usize) -> String {
        let text = self.slice(literal.span);
        if !literal.triple {
            return text.to_owned();
        }
        let lines: Vec<&str> = text.split('\n').collect();
        if lines.len() < 2 {
            return text.to_owned();
        }
        let content = &lines[1..];
        let indentation = |line: &str| line.len() - line.trim_start_matches([' ', '\t']).len();
        let Some(common) = content
            .iter()
            .filter(|line| !is_blank(line))
            .map(|line| indentation(line))
            .min()
        else {
            return text.to_owned();
        };
        // Only re-indent when every line shares the same leading characters:
        // mixed tabs and spaces are left exactly as they are.
        let prefix = content
            .iter()
            .find(|line| !is_blank(line))
            .map(|line| &line[..common])
            .unwrap_or("");
        if content
            .iter()
            .any(|line| !is_blank(line) && !line.starts_with(prefix))
        {
            return text.to_owned();
        }
        let mut out = String::from(lines[0]);
        let last = content.len() - 1;
        for (index, line) in content.iter().enumerate() {
            out.push('\n');
            if index == last && line.trim_start_matches([' ', '\t']).starts_with("\"\"\"") {
                push_indent(&mut out, level + 1);
                out.push_str(line.trim_start_matches([' ', '\t']));
            } else if is_blank(line) {
                // Blank lines carry no indentation.
            } else {
                push_indent(&mut out, level + 1);
                out.push_str(&line[common..]);
            }
        }
        out
    }
}

/// A line of a `"""` string with nothing but spaces and tabs (and the
/// carriage return of a CRLF line), as the string's decoding judges it:
/// other whitespace, such as a vertical tab, is content to keep.
fn is_blank(line: &str) -> bool {
    line.trim_end_matches('\r')
        .trim_start_matches([' ', '\t'])
        .is_empty()
}
