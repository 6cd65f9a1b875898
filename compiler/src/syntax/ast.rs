//! The syntax tree: what the source says, with a byte span on every node.
//!
//! The tree is HCL-shaped: a file and every `{ … }` body hold items, and an
//! item is an attribute (`name = value`), a block (`keyword [label] [= value]
//! [{ … }]`) or one of the special forms `import`, `template`, `use` and
//! `input`. Which keywords and attributes are valid where is not decided
//! here but by the block schemas of the checker, so that the parser accepts
//! every well-formed file and an unknown keyword gets a "did you mean" rather
//! than a syntax error.

use serde::Serialize;

use crate::span::Span;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct File {
    pub items: Vec<Item>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Item {
    Import(Import),
    Template(Box<Template>),
    Use(Use),
    Input(Box<Input>),
    Attribute(Attribute),
    Block(Block),
    /// Tokens that could not be parsed as an item; the error is reported.
    Error(Span),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Import(import) => import.span,
            Item::Template(template) => template.span,
            Item::Use(use_item) => use_item.span,
            Item::Input(input) => input.span,
            Item::Attribute(attribute) => attribute.span,
            Item::Block(block) => block.span,
            Item::Error(span) => *span,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// An attribute or record key: an identifier, or a quoted string for keys
/// that are not identifiers (target-specific keys in escape blocks).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Key {
    pub name: String,
    pub quoted: bool,
    pub span: Span,
}

/// `import "std/python" as py`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Import {
    pub path: String,
    pub path_span: Span,
    pub alias: Option<Ident>,
    pub span: Span,
}

/// `template name(param: type = default, …) : kind { … }`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Template {
    pub name: Ident,
    pub parameters: Vec<Parameter>,
    /// `job` or `steps`.
    pub kind: Ident,
    pub body: Body,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Parameter {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum TypeExprKind {
    /// `string`, `list<string>`, …
    Named {
        name: Ident,
        arguments: Vec<TypeExpr>,
    },
    /// `enum("staging", "production")`
    Enum { variants: Vec<StringLiteral> },
}

/// `use py.setup(version = "3.12")`: splices a steps template into a job.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Use {
    pub template: Path,
    pub arguments: Vec<Argument>,
    pub span: Span,
}

/// `input target: enum("staging", "production") = "staging"` in `on manual`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Input {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
    /// Optional details such as `description`.
    pub body: Option<Body>,
    pub span: Span,
}

/// `name = value`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Attribute {
    pub key: Key,
    pub value: Expr,
    pub span: Span,
}

/// `keyword [label] [= value] [{ … }]`, with a label or a body (or both).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Block {
    pub keyword: Ident,
    pub label: Option<Ident>,
    /// `job scan = security.bandit(…)` or `output tag = …`; boxed, since
    /// few blocks have one and every item is the size of the largest.
    pub value: Option<Box<Expr>>,
    pub body: Option<Body>,
    pub span: Span,
}

/// The items between `{` and `}`; `span` covers the braces.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Body {
    pub items: Vec<Item>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum ExprKind {
    Int(i64),
    Bool(bool),
    /// Milliseconds.
    Duration(u64),
    /// As written: `10%` is `10.0`.
    Percent(f64),
    String(StringLiteral),
    List(Vec<Expr>),
    /// `{ key = value, … }`
    Record(Vec<Field>),
    /// `git.branch`, `secrets.TOKEN`, `canary`.
    Path(Path),
    /// `hash_files("…")`, `git.branch.starts_with("release/")`.
    Call {
        callee: Path,
        arguments: Vec<Argument>,
    },
    /// `canary { steps = […] }`: a named record.
    Constructor {
        name: Path,
        fields: Vec<Field>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    /// Comparisons and `in`; they do not chain.
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `a && b && c` as one node, so long chains stay shallow.
    Logical {
        op: LogicalOp,
        operands: Vec<Expr>,
    },
    Paren(Box<Expr>),
    /// An expression that could not be parsed; the error is reported.
    Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum UnaryOp {
    Not,
    Negate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum BinaryOp {
    Eq,
    NotEq,
    Lt,
    Gt,
    LtEq,
    GtEq,
    In,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Eq => "==",
            BinaryOp::NotEq => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Gt => ">",
            BinaryOp::LtEq => "<=",
            BinaryOp::GtEq => ">=",
            BinaryOp::In => "in",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum LogicalOp {
    And,
    Or,
}

impl LogicalOp {
    pub fn symbol(self) -> &'static str {
        match self {
            LogicalOp::And => "&&",
            LogicalOp::Or => "||",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Path {
    pub segments: Vec<Ident>,
    pub span: Span,
}

impl Path {
    /// The dotted form, `git.branch`.
    pub fn dotted(&self) -> String {
        let mut text = String::new();
        for (index, segment) in self.segments.iter().enumerate() {
            if index > 0 {
                text.push('.');
            }
            text.push_str(&segment.name);
        }
        text
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Argument {
    pub name: Option<Ident>,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Field {
    pub key: Key,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StringLiteral {
    pub parts: Vec<StringPart>,
    /// Written with `"""`; its common indentation has been stripped.
    pub triple: bool,
    pub span: Span,
}

impl StringLiteral {
    /// The text when the literal has no interpolation.
    pub fn as_plain(&self) -> Option<String> {
        let mut text = String::new();
        for part in &self.parts {
            match part {
                StringPart::Text { value, .. } => text.push_str(value),
                StringPart::Interpolation { .. } => return None,
            }
        }
        Some(text)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum StringPart {
    /// Decoded text; `span` covers its source, escapes and indentation included.
    Text { value: String, span: Span },
    /// `${expr}`; `span` covers `${` to `}`. Boxed, so that the text
    /// parts, most of them, stay small.
    Interpolation { expr: Box<Expr>, span: Span },
}
