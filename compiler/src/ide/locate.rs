//! Finding things in a tree by byte offset: the bodies around a cursor, the
//! item a name defines, the path under the cursor, the comments above an
//! item. Shared by hover, completion and the outline.

use crate::check::walk;
use crate::lower::builtins::{self, Builtin, BuiltinKind};
use crate::span::{LineIndex, Span};
use crate::syntax::ast::{
    Attribute, Block, Expr, ExprKind, Input, Item, Parameter, Path, Template,
};
use crate::syntax::token::Comment;

/// A body around the cursor, innermost last.
#[derive(Clone, Copy, Debug)]
pub enum Frame<'a> {
    Block(&'a Block),
    Template(&'a Template),
    Input(&'a Input),
}

impl<'a> Frame<'a> {
    /// The keyword whose schema applies inside: the block's keyword, the
    /// template's kind (`job` or `steps`), or `input`.
    pub fn keyword(self) -> &'a str {
        match self {
            Frame::Block(block) => &block.keyword.name,
            Frame::Template(template) => &template.kind.name,
            Frame::Input(_) => "input",
        }
    }
}

/// Whether `offset` is strictly inside the braces spanned by `span`.
fn inside(span: Span, offset: u32) -> bool {
    span.start < offset && offset < span.end
}

/// The bodies that contain `offset`, outermost first.
pub fn frames_at(items: &[Item], offset: u32) -> Vec<Frame<'_>> {
    let mut frames = Vec::new();
    let mut current = items;
    // Each step descends one level of nesting, which the syntax phase bounds.
    loop {
        let next = current.iter().find_map(|item| match item {
            Item::Block(block) => block
                .body
                .as_ref()
                .filter(|body| inside(body.span, offset))
                .map(|body| (Frame::Block(block), body.items.as_slice())),
            Item::Template(template) => Some(&template.body)
                .filter(|body| inside(body.span, offset))
                .map(|body| (Frame::Template(template), body.items.as_slice())),
            Item::Input(input) => input
                .body
                .as_ref()
                .filter(|body| inside(body.span, offset))
                .map(|body| (Frame::Input(input), body.items.as_slice())),
            _ => None,
        });
        match next {
            Some((frame, items)) => {
                frames.push(frame);
                current = items;
            }
            None => return frames,
        }
    }
}

/// The keyword of the innermost body around `offset`; `file` at the top.
pub fn body_keyword_at(items: &[Item], offset: u32) -> &str {
    frames_at(items, offset)
        .last()
        .map_or("file", |frame| frame.keyword())
}

/// The item (anywhere in the tree) that defines the name written at `span`.
#[derive(Clone, Copy, Debug)]
pub enum Named<'a> {
    Block(&'a Block),
    Template(&'a Template),
    Parameter(&'a Parameter),
    Input(&'a Input),
    /// A matrix key: the attribute `key = [values]`.
    Attribute(&'a Attribute),
}

pub fn named_item(items: &[Item], span: Span) -> Option<Named<'_>> {
    for item in items {
        if !(item.span().start <= span.start && span.end <= item.span().end) {
            continue;
        }
        let found = match item {
            Item::Block(block) => {
                if block.label.as_ref().is_some_and(|label| label.span == span) {
                    return Some(Named::Block(block));
                }
                block
                    .body
                    .as_ref()
                    .and_then(|body| named_item(&body.items, span))
            }
            Item::Template(template) => {
                if template.name.span == span {
                    return Some(Named::Template(template));
                }
                if let Some(parameter) = template
                    .parameters
                    .iter()
                    .find(|parameter| parameter.name.span == span)
                {
                    return Some(Named::Parameter(parameter));
                }
                named_item(&template.body.items, span)
            }
            Item::Input(input) if input.name.span == span => return Some(Named::Input(input)),
            Item::Attribute(attribute) if attribute.key.span == span => {
                return Some(Named::Attribute(attribute));
            }
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The innermost path (a value or a callee) whose span contains `offset`.
pub fn path_at(items: &[Item], offset: u32) -> Option<&Path> {
    let mut found: Option<&Path> = None;
    walk::for_each_expr(items, &mut |expr: &Expr| {
        if let ExprKind::Path(path) | ExprKind::Call { callee: path, .. } = &expr.kind
            && path.span.start <= offset
            && offset <= path.span.end
            && found.is_none_or(|earlier| earlier.span.len() >= path.span.len())
        {
            found = Some(path);
        }
    });
    found
}

/// The built-in function, method or strategy constructor whose name the
/// cursor is on, with the span of that name.
pub fn builtin_at(items: &[Item], offset: u32) -> Option<(&'static Builtin, Span)> {
    let touches = |span: Span| span.start <= offset && offset <= span.end;
    let mut found = None;
    walk::for_each_expr(items, &mut |expr: &Expr| {
        let (kind, path) = match &expr.kind {
            ExprKind::Call { callee, .. } if callee.segments.len() == 1 => {
                (BuiltinKind::Function, callee)
            }
            ExprKind::Call { callee, .. } => (BuiltinKind::Method, callee),
            ExprKind::Constructor { name, .. } if name.segments.len() == 1 => {
                (BuiltinKind::Constructor, name)
            }
            _ => return,
        };
        if let Some(last) = path.segments.last()
            && touches(last.span)
            && let Some(builtin) = builtins::find(kind, &last.name)
        {
            found = Some((builtin, last.span));
        }
    });
    found
}

/// What the cursor is on, when it is not a name of the index: a block's
/// keyword or an attribute's key, with the keyword of the body holding it.
#[derive(Clone, Copy, Debug)]
pub enum Keyword<'a> {
    Block { block: &'a Block, parent: &'a str },
    Attribute { name: &'a str, parent: &'a str },
}

pub fn keyword_at<'a>(items: &'a [Item], parent: &'a str, offset: u32) -> Option<Keyword<'a>> {
    let touches = |span: Span| span.start <= offset && offset <= span.end;
    for item in items {
        if !touches(item.span()) {
            continue;
        }
        match item {
            Item::Block(block) => {
                if touches(block.keyword.span) {
                    return Some(Keyword::Block { block, parent });
                }
                if crate::check::schema::is_escape(&block.keyword.name) {
                    return None;
                }
                if let Some(body) = &block.body
                    && let Some(found) = keyword_at(&body.items, &block.keyword.name, offset)
                {
                    return Some(found);
                }
            }
            Item::Template(template) => {
                if let Some(found) = keyword_at(&template.body.items, &template.kind.name, offset) {
                    return Some(found);
                }
            }
            Item::Input(input) => {
                if let Some(body) = &input.body
                    && let Some(found) = keyword_at(&body.items, "input", offset)
                {
                    return Some(found);
                }
            }
            Item::Attribute(attribute) if touches(attribute.key.span) => {
                return Some(Keyword::Attribute {
                    name: &attribute.key.name,
                    parent,
                });
            }
            _ => {}
        }
    }
    None
}

/// The `//` comment lines directly above the line where `start` is, in
/// order, without the `//` and one following space: an item's documentation.
pub fn doc_comment(text: &str, comments: &[Comment], start: u32) -> String {
    let lines = LineIndex::new(text);
    let mut line = lines.line_of(start);
    let mut collected: Vec<&str> = Vec::new();
    let mut next = comments.partition_point(|comment| comment.span.start < start);
    while line > 0 && next > 0 {
        let comment = &comments[next - 1];
        let comment_line = lines.line_of(comment.span.start);
        let line_start = lines.line_start(comment_line) as usize;
        let alone = text
            .get(line_start..comment.span.start as usize)
            .is_some_and(|before| before.trim().is_empty());
        if comment_line + 1 != line || !alone {
            break;
        }
        collected.push(comment.text.strip_prefix(' ').unwrap_or(&comment.text));
        line = comment_line;
        next -= 1;
    }
    collected.reverse();
    collected.join("\n")
}

/// The first line of `text[span]`, trimmed: a block's header without its body.
pub fn header(text: &str, span: Span) -> String {
    text.get(span.range())
        .and_then(|slice| slice.lines().next())
        .map(|line| line.trim_end_matches('{').trim().to_owned())
        .unwrap_or_default()
}

/// The comment lines at the very top of a module: its documentation.
pub fn doc_comment_at_start(text: &str, comments: &[Comment]) -> String {
    let lines = LineIndex::new(text);
    let mut collected: Vec<&str> = Vec::new();
    for (expected_line, comment) in comments.iter().enumerate() {
        let line = lines.line_of(comment.span.start);
        let line_start = lines.line_start(line) as usize;
        let alone = text
            .get(line_start..comment.span.start as usize)
            .is_some_and(|before| before.trim().is_empty());
        if line != expected_line || !alone {
            break;
        }
        collected.push(comment.text.strip_prefix(' ').unwrap_or(&comment.text));
    }
    collected.join("\n")
}

/// The keys of the `matrix` blocks among a job's items, `key = [values]`;
/// `include` and `exclude` adjust the combinations and are no keys.
pub fn matrix_keys(items: &[Item]) -> impl Iterator<Item = &Attribute> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Block(block) if block.keyword.name == "matrix" => block.body.as_ref(),
            _ => None,
        })
        .flat_map(|body| body.items.iter())
        .filter_map(|item| match item {
            Item::Attribute(attribute)
                if !matches!(attribute.key.name.as_str(), "include" | "exclude") =>
            {
                Some(attribute)
            }
            _ => None,
        })
}
