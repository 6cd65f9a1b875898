//! Items and bodies: one item per line with their comments, runs of
//! one-line items aligned, bodies kept on one line when they were and fit.

use crate::fmt::{Formatter, WIDTH, push_indent};
use crate::span::Span;
use crate::syntax::ast::{Block, Body, Item};

/// One item (or record field) rendered, before alignment.
pub(super) struct Line {
    /// Comments on their own lines before the item, with whether a blank
    /// line came before each.
    pub leading: Vec<(bool, String)>,
    /// A blank line before the item (or before its first comment).
    pub blank_before: bool,
    /// A blank line between the last leading comment and the item.
    pub blank_after_comments: bool,
    pub text: String,
    /// How the text may be aligned with its neighbours.
    pub align: Align,
    /// Comments that were inside the item but found no place in it.
    pub stragglers: Vec<String>,
    pub trailing: Option<String>,
}

pub(super) enum Align {
    /// `key = value` and `keyword { … }`: the `=` and the `{` line up in a
    /// run of attributes and unlabelled blocks.
    Equals {
        key: String,
        rest: String,
    },
    /// `keyword label { … }`: the `{` lines up with the labelled blocks of
    /// the same keyword around it.
    Labelled {
        keyword: String,
        head: String,
        rest: String,
    },
    None,
}

impl Formatter<'_> {
    /// Writes `items` at `level`; `end` is where their body closes, so that
    /// comments before the closing brace stay inside it.
    pub(super) fn items(&mut self, out: &mut String, items: &[Item], level: usize, end: u32) {
        let mut lines = Vec::with_capacity(items.len());
        let mut previous_end: Option<u32> = None;
        for item in items {
            let span = item.span();
            let line = self.line(span, previous_end, |formatter| formatter.item(item, level));
            previous_end = Some(span.end);
            lines.push(line);
        }
        let (closing, _) = self.leading_comments(end, previous_end);
        write_lines(out, &mut lines, level);
        for (blank, comment) in closing {
            if blank && !out.is_empty() && !out.ends_with("{\n") {
                out.push('\n');
            }
            push_indent(out, level);
            out.push_str(&comment);
            out.push('\n');
        }
    }

    /// Renders one item or field of `span` with the comments around it.
    pub(super) fn line(
        &mut self,
        span: Span,
        previous_end: Option<u32>,
        render: impl FnOnce(&mut Self) -> (String, Align),
    ) -> Line {
        let first_start = self.comments_start_before(span.start).unwrap_or(span.start);
        let blank_before = match previous_end {
            Some(previous) => self.blank_line_between(previous, first_start.min(span.start)),
            None => false,
        };
        let (leading, last_comment_end) = self.leading_comments(span.start, previous_end);
        let blank_after_comments =
            last_comment_end.is_some_and(|end| self.blank_line_between(end, span.start));
        let (text, align) = render(self);
        let stragglers = self
            .comments_before(span.end)
            .into_iter()
            .map(|(_, text)| text)
            .collect();
        let trailing = self.trailing_comment(span.end);
        Line {
            leading,
            blank_before,
            blank_after_comments,
            text,
            align,
            stragglers,
            trailing,
        }
    }

    /// The start of the first unwritten comment before `offset`, if any.
    fn comments_start_before(&self, offset: u32) -> Option<u32> {
        self.comments
            .get(self.next_comment)
            .filter(|comment| comment.span.start < offset)
            .map(|comment| comment.span.start)
    }

    /// The comments before `offset` as lines, each with whether a blank
    /// line came before it, and where the last one ends.
    fn leading_comments(
        &mut self,
        offset: u32,
        previous_end: Option<u32>,
    ) -> (Vec<(bool, String)>, Option<u32>) {
        let mut last = previous_end;
        let mut last_comment = None;
        let mut result = Vec::new();
        for (span, text) in self.comments_before(offset) {
            let blank = last.is_some_and(|end| self.blank_line_between(end, span.start));
            result.push((blank, text));
            last = Some(span.end);
            last_comment = Some(span.end);
        }
        (result, last_comment)
    }

    fn item(&mut self, item: &Item, level: usize) -> (String, Align) {
        match item {
            Item::Attribute(attribute) => {
                let key = self.slice(attribute.key.span).to_owned();
                let rest = format!("= {}", self.expr(&attribute.value, level, key.len() + 3));
                (format!("{key} {rest}"), Align::Equals { key, rest })
            }
            Item::Block(block) => self.block(block, level),
            Item::Import(import) => {
                let mut text = format!("import {}", self.slice(import.path_span));
                if let Some(alias) = &import.alias {
                    text.push_str(" as ");
                    text.push_str(&alias.name);
                }
                (text, Align::None)
            }
            Item::Use(use_item) => {
                let mut text = format!("use {}", use_item.template.dotted());
                let written_with_parentheses = self.slice(use_item.span).trim_end().ends_with(')');
                if !use_item.arguments.is_empty() || written_with_parentheses {
                    let prefix = text.len();
                    text.push_str(&self.arguments(
                        &use_item.arguments,
                        use_item.span,
                        level,
                        prefix,
                    ));
                }
                (text, Align::None)
            }
            Item::Input(input) => {
                let mut text = format!("input {}: {}", input.name.name, self.type_text(&input.ty));
                if let Some(default) = &input.default {
                    let prefix = text.len() + 3;
                    text.push_str(" = ");
                    text.push_str(&self.expr(default, level, prefix));
                }
                if let Some(body) = &input.body {
                    text.push(' ');
                    text.push_str(&self.body(body, level, text.len()));
                }
                (text, Align::None)
            }
            Item::Template(template) => {
                let parameters: Vec<String> = template
                    .parameters
                    .iter()
                    .map(|parameter| {
                        let mut text =
                            format!("{}: {}", parameter.name.name, self.type_text(&parameter.ty));
                        if let Some(default) = &parameter.default {
                            text.push_str(" = ");
                            text.push_str(&self.expr(default, level + 1, text.len()));
                        }
                        text
                    })
                    .collect();
                let head = format!("template {}", template.name.name);
                let one_line = format!(
                    "{head}({}) : {} ",
                    parameters.join(", "),
                    template.kind.name
                );
                let has_comments = template
                    .parameters
                    .first()
                    .zip(template.parameters.last())
                    .is_some_and(|(first, last)| self.has_comment_within(first.span.to(last.span)));
                let mut text =
                    if one_line.len() < WIDTH && !has_comments && !one_line.contains('\n') {
                        one_line
                    } else {
                        let mut text = format!("{head}(\n");
                        for parameter in &parameters {
                            push_indent(&mut text, level + 1);
                            text.push_str(parameter);
                            text.push_str(",\n");
                        }
                        push_indent(&mut text, level);
                        text.push_str(&format!(") : {} ", template.kind.name));
                        text
                    };
                text.push_str(&self.body(&template.body, level, WIDTH));
                (text, Align::None)
            }
            Item::Error(span) => (self.slice(*span).to_owned(), Align::None),
        }
    }

    fn block(&mut self, block: &Block, level: usize) -> (String, Align) {
        let mut head = block.keyword.name.clone();
        if let Some(label) = &block.label {
            head.push(' ');
            head.push_str(&label.name);
        }
        let mut rest = String::new();
        if let Some(value) = &block.value {
            rest.push_str("= ");
            let value_text = self.expr(value, level, head.len() + 3);
            rest.push_str(&value_text);
        }
        if let Some(body) = &block.body {
            if !rest.is_empty() {
                rest.push(' ');
            }
            let column = level * 2 + head.len() + 1 + rest.len();
            rest.push_str(&self.body(body, level, column));
        }
        let text = if rest.is_empty() {
            head.clone()
        } else {
            format!("{head} {rest}")
        };
        // Only one-line blocks line up; a multi-line block stands alone.
        let align = match (&block.body, &block.value, &block.label) {
            _ if text.contains('\n') => Align::None,
            (Some(_), None, None) => Align::Equals { key: head, rest },
            (Some(_), None, Some(_)) => Align::Labelled {
                keyword: block.keyword.name.clone(),
                head,
                rest,
            },
            _ => Align::None,
        };
        (text, align)
    }

    /// `{ … }`: on one line when it was written so, holds only attributes
    /// and one-line blocks without comments, and fits from `column`.
    pub(super) fn body(&mut self, body: &Body, level: usize, column: usize) -> String {
        if body.items.is_empty() && !self.has_comment_within(body.span) {
            return "{}".to_owned();
        }
        if let Some(one_line) = self.one_line_body(body, level, column) {
            return one_line;
        }
        let mut text = String::from("{\n");
        self.items(&mut text, &body.items, level + 1, body.span.end);
        push_indent(&mut text, level);
        text.push('}');
        text
    }

    fn one_line_body(&mut self, body: &Body, level: usize, column: usize) -> Option<String> {
        if self.is_multiline(body.span) || self.has_comment_within(body.span) {
            return None;
        }
        let simple = body.items.iter().all(|item| match item {
            Item::Attribute(_) => true,
            Item::Block(block) => block.value.is_none(),
            _ => false,
        });
        if !simple {
            return None;
        }
        let saved = self.next_comment;
        let parts: Vec<String> = body
            .items
            .iter()
            .map(|item| self.item(item, level).0)
            .collect();
        let text = format!("{{ {} }}", parts.join(", "));
        if text.contains('\n') || column + text.len() > WIDTH {
            self.next_comment = saved;
            return None;
        }
        Some(text)
    }
}

/// Writes rendered lines at `level`, lining up the `=` of attributes and
/// the `{` of unlabelled blocks in a run, and the `{` of labelled blocks of
/// one keyword in a run of them (a multi-line item takes part by its first
/// line). A run ends at a blank line, a comment line or another kind of item.
pub(super) fn write_lines(out: &mut String, lines: &mut [Line], level: usize) {
    let mut index = 0;
    while index < lines.len() {
        let mut end = index + 1;
        while end < lines.len() && continues_run(&lines[end - 1], &lines[end]) {
            end += 1;
        }
        align_run(&mut lines[index..end]);
        index = end;
    }
    for (position, line) in lines.iter().enumerate() {
        if line.blank_before && position > 0 {
            out.push('\n');
        }
        for (blank, comment) in &line.leading {
            if *blank && !out.ends_with("{\n") && !out.is_empty() && !out.ends_with("\n\n") {
                out.push('\n');
            }
            push_indent(out, level);
            out.push_str(comment);
            out.push('\n');
        }
        if line.blank_after_comments && !line.leading.is_empty() {
            out.push('\n');
        }
        push_indent(out, level);
        out.push_str(&line.text);
        if let Some(trailing) = &line.trailing {
            out.push(' ');
            out.push_str(trailing);
        }
        out.push('\n');
        for straggler in &line.stragglers {
            push_indent(out, level);
            out.push_str(straggler);
            out.push('\n');
        }
    }
}

/// Whether `next` joins the run `previous` is in. A multi-line attribute
/// (`strategy = canary { … }`) lines up by its first line and ends the run.
fn continues_run(previous: &Line, next: &Line) -> bool {
    if next.blank_before
        || !next.leading.is_empty()
        || !previous.stragglers.is_empty()
        || previous.text.contains('\n')
    {
        return false;
    }
    match (&previous.align, &next.align) {
        (Align::Equals { .. }, Align::Equals { .. }) => true,
        (Align::Labelled { keyword: a, .. }, Align::Labelled { keyword: b, .. }) => {
            a == b && !previous.text.contains('\n') && !next.text.contains('\n')
        }
        _ => false,
    }
}

fn align_run(run: &mut [Line]) {
    if run.len() < 2 {
        return;
    }
    let width = run
        .iter()
        .map(|line| match &line.align {
            Align::Equals { key, .. } => key.chars().count(),
            Align::Labelled { head, .. } => head.chars().count(),
            Align::None => 0,
        })
        .max()
        .unwrap_or(0);
    for line in run {
        let (left, rest) = match &line.align {
            Align::Equals { key, rest } => (key, rest),
            Align::Labelled { head, rest, .. } => (head, rest),
            Align::None => continue,
        };
        let padding = width.saturating_sub(left.chars().count());
        line.text = format!("{left}{} {rest}", " ".repeat(padding));
    }
}
