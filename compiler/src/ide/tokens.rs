//! Semantic tokens: what each name in a file is, as the compiler resolved
//! it (a job, a secret, a template of the standard library, a runtime
//! context value), so that an editor colours meaning rather than shape.
//!
//! Input: an analysis and a source. Output: tokens in source order that do
//! not overlap, as byte spans; a token may cross lines (strings), which the
//! language server splits for clients that want one line per token.

use crate::check::walk;
use crate::ide::Analysis;
use crate::ide::index::{Occurrence, SymbolKind};
use crate::lower::context;
use crate::span::{SourceId, Span};
use crate::syntax::ast::{Expr, ExprKind, Item, StringPart, TypeExpr, TypeExprKind};

/// The token types, in the order of the legend the server advertises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenType {
    Keyword,
    Namespace,
    Type,
    Function,
    Parameter,
    Variable,
    Property,
    EnumMember,
    String,
    Number,
    Comment,
}

impl TokenType {
    pub const ALL: &'static [TokenType] = &[
        TokenType::Keyword,
        TokenType::Namespace,
        TokenType::Type,
        TokenType::Function,
        TokenType::Parameter,
        TokenType::Variable,
        TokenType::Property,
        TokenType::EnumMember,
        TokenType::String,
        TokenType::Number,
        TokenType::Comment,
    ];

    /// The protocol's name of the type.
    pub fn name(self) -> &'static str {
        match self {
            TokenType::Keyword => "keyword",
            TokenType::Namespace => "namespace",
            TokenType::Type => "type",
            TokenType::Function => "function",
            TokenType::Parameter => "parameter",
            TokenType::Variable => "variable",
            TokenType::Property => "property",
            TokenType::EnumMember => "enumMember",
            TokenType::String => "string",
            TokenType::Number => "number",
            TokenType::Comment => "comment",
        }
    }
}

/// Token modifiers, in the order of the legend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenModifier {
    Declaration,
    Readonly,
    DefaultLibrary,
}

impl TokenModifier {
    pub const ALL: &'static [TokenModifier] = &[
        TokenModifier::Declaration,
        TokenModifier::Readonly,
        TokenModifier::DefaultLibrary,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TokenModifier::Declaration => "declaration",
            TokenModifier::Readonly => "readonly",
            TokenModifier::DefaultLibrary => "defaultLibrary",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SemanticToken {
    pub span: Span,
    pub token_type: TokenType,
    pub modifiers: Vec<TokenModifier>,
}

pub fn semantic_tokens(analysis: &Analysis, source: SourceId) -> Vec<SemanticToken> {
    let Some(module) = analysis.module_of(source) else {
        return Vec::new();
    };
    let parsed = &analysis.program.modules[module].parsed;
    let mut collector = Collector {
        analysis,
        occurrences: analysis.index().in_source(source),
        tokens: Vec::new(),
    };
    for comment in &parsed.comments {
        collector.plain(comment.span, TokenType::Comment);
    }
    collector.items(&parsed.file.items);
    let mut tokens = collector.tokens;
    tokens.retain(|token| !token.span.is_empty());
    tokens.sort_by_key(|token| (token.span.start, token.span.end));
    let mut kept: Vec<SemanticToken> = Vec::with_capacity(tokens.len());
    for token in tokens {
        if kept
            .last()
            .is_none_or(|previous| previous.span.end <= token.span.start)
        {
            kept.push(token);
        }
    }
    kept
}

struct Collector<'a> {
    analysis: &'a Analysis,
    occurrences: &'a [Occurrence],
    tokens: Vec<SemanticToken>,
}

fn keyword_span(start: u32, keyword: &str) -> Span {
    Span::new(start as usize, start as usize + keyword.len())
}

impl Collector<'_> {
    fn plain(&mut self, span: Span, token_type: TokenType) {
        self.tokens.push(SemanticToken {
            span,
            token_type,
            modifiers: Vec::new(),
        });
    }

    /// A name: coloured by what the index resolved it to, else `fallback`.
    fn name(&mut self, span: Span, fallback: TokenType) {
        let found = self
            .occurrences
            .binary_search_by_key(&(span.start, span.end), |occurrence| {
                (occurrence.span.start, occurrence.span.end)
            })
            .ok()
            .and_then(|position| self.occurrences.get(position));
        let Some(occurrence) = found else {
            self.plain(span, fallback);
            return;
        };
        let token_type = match occurrence.symbol.kind {
            SymbolKind::Module | SymbolKind::Import => TokenType::Namespace,
            SymbolKind::Template | SymbolKind::Action => TokenType::Function,
            SymbolKind::Parameter | SymbolKind::ActionInput | SymbolKind::Input => {
                TokenType::Parameter
            }
            SymbolKind::Job | SymbolKind::Step | SymbolKind::Secret => TokenType::Variable,
            SymbolKind::Output | SymbolKind::MatrixKey => TokenType::Property,
        };
        let mut modifiers = Vec::new();
        if occurrence.is_definition {
            modifiers.push(TokenModifier::Declaration);
        }
        if occurrence.symbol.kind == SymbolKind::Secret {
            modifiers.push(TokenModifier::Readonly);
        }
        if self
            .analysis
            .source_name(occurrence.symbol.definition.source)
            .starts_with("std/")
        {
            modifiers.push(TokenModifier::DefaultLibrary);
        }
        self.tokens.push(SemanticToken {
            span,
            token_type,
            modifiers,
        });
    }

    fn items(&mut self, items: &[Item]) {
        for item in items {
            match item {
                Item::Import(import) => {
                    self.plain(
                        keyword_span(import.span.start, "import"),
                        TokenType::Keyword,
                    );
                    self.plain(import.path_span, TokenType::String);
                    if let Some(alias) = &import.alias {
                        self.name(alias.span, TokenType::Namespace);
                    }
                }
                Item::Template(template) => {
                    self.plain(
                        keyword_span(template.span.start, "template"),
                        TokenType::Keyword,
                    );
                    self.name(template.name.span, TokenType::Function);
                    for parameter in &template.parameters {
                        self.name(parameter.name.span, TokenType::Parameter);
                        self.type_expr(&parameter.ty);
                        if let Some(default) = &parameter.default {
                            self.expr(default);
                        }
                    }
                    self.plain(template.kind.span, TokenType::Type);
                    self.items(&template.body.items);
                }
                Item::Use(use_item) => {
                    self.plain(keyword_span(use_item.span.start, "use"), TokenType::Keyword);
                    self.path_segments(&use_item.template, TokenType::Function);
                    for argument in &use_item.arguments {
                        if let Some(name) = &argument.name {
                            self.name(name.span, TokenType::Parameter);
                        }
                        self.expr(&argument.value);
                    }
                }
                Item::Input(input) => {
                    self.plain(keyword_span(input.span.start, "input"), TokenType::Keyword);
                    self.name(input.name.span, TokenType::Parameter);
                    self.type_expr(&input.ty);
                    if let Some(default) = &input.default {
                        self.expr(default);
                    }
                    if let Some(body) = &input.body {
                        self.items(&body.items);
                    }
                }
                Item::Attribute(attribute) => {
                    if attribute.key.quoted {
                        self.plain(attribute.key.span, TokenType::String);
                    } else {
                        self.name(attribute.key.span, TokenType::Property);
                    }
                    self.expr(&attribute.value);
                }
                Item::Block(block) => {
                    self.plain(block.keyword.span, TokenType::Keyword);
                    if let Some(label) = &block.label {
                        let fallback = match block.keyword.name.as_str() {
                            "on" => TokenType::EnumMember,
                            _ => TokenType::Variable,
                        };
                        self.name(label.span, fallback);
                    }
                    if let Some(value) = &block.value {
                        self.expr(value);
                    }
                    if let Some(body) = &block.body {
                        if crate::check::schema::is_escape(&block.keyword.name) {
                            self.escape(&body.items);
                        } else {
                            self.items(&body.items);
                        }
                    }
                }
                Item::Error(_) => {}
            }
        }
    }

    /// The contents of an escape block: keys are the target's, values are
    /// still `.pipe` expressions.
    fn escape(&mut self, items: &[Item]) {
        walk::for_each_expr(items, &mut |expr| self.literal(expr));
    }

    fn type_expr(&mut self, ty: &TypeExpr) {
        match &ty.kind {
            TypeExprKind::Named { name, arguments } => {
                self.plain(name.span, TokenType::Type);
                for argument in arguments {
                    self.type_expr(argument);
                }
            }
            TypeExprKind::Enum { variants } => {
                self.plain(
                    Span::new(ty.span.start as usize, ty.span.start as usize + 4),
                    TokenType::Type,
                );
                for variant in variants {
                    self.plain(variant.span, TokenType::String);
                }
            }
        }
    }

    fn expr(&mut self, expr: &Expr) {
        let mut nodes: Vec<&Expr> = Vec::new();
        walk::expr(expr, &mut |node| nodes.push(node));
        for node in nodes {
            match &node.kind {
                ExprKind::Path(path) => self.path_segments(path, TokenType::Variable),
                ExprKind::Call { callee, arguments } => {
                    self.path_segments(callee, TokenType::Function);
                    for argument in arguments {
                        if let Some(name) = &argument.name {
                            self.name(name.span, TokenType::Parameter);
                        }
                    }
                }
                ExprKind::Constructor { name, fields } => {
                    self.path_segments(name, TokenType::Function);
                    for field in fields {
                        self.plain(field.key.span, TokenType::Property);
                    }
                }
                ExprKind::Record(fields) => {
                    for field in fields {
                        self.plain(field.key.span, TokenType::Property);
                    }
                }
                _ => self.literal(node),
            }
        }
    }

    /// Literals only: numbers, booleans and the text of strings.
    fn literal(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Int(_) | ExprKind::Duration(_) | ExprKind::Percent(_) => {
                self.plain(expr.span, TokenType::Number);
            }
            ExprKind::Bool(_) => self.plain(expr.span, TokenType::Keyword),
            ExprKind::String(string) => {
                // The text between interpolations; the quotes go with the
                // first and last piece so that a plain string is one token.
                let mut start = string.span.start;
                for part in &string.parts {
                    if let StringPart::Interpolation { span, .. } = part {
                        self.plain(
                            Span::new(start as usize, span.start as usize),
                            TokenType::String,
                        );
                        start = span.end;
                    }
                }
                self.plain(
                    Span::new(start as usize, string.span.end as usize),
                    TokenType::String,
                );
            }
            _ => {}
        }
    }

    /// The segments of a path: the runtime context's roots and fields, an
    /// import alias and what it names, or `fallback` for the first segment.
    fn path_segments(&mut self, path: &crate::syntax::ast::Path, fallback: TokenType) {
        let segments = &path.segments;
        let Some(first) = segments.first() else {
            return;
        };
        let is_context = segments.len() > 1 && context::ROOTS.contains(&first.name.as_str())
            || first.name == "event";
        if is_context {
            self.tokens.push(SemanticToken {
                span: first.span,
                token_type: TokenType::Variable,
                modifiers: vec![TokenModifier::DefaultLibrary, TokenModifier::Readonly],
            });
        } else {
            self.name(first.span, fallback);
        }
        let last = segments.len().saturating_sub(1);
        for (position, segment) in segments.iter().enumerate().skip(1) {
            let fallback = if position == last && fallback == TokenType::Function {
                TokenType::Function
            } else {
                TokenType::Property
            };
            self.name(segment.span, fallback);
        }
    }
}
