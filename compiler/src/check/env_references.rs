//! Phase 2o: `env.NAME` in a pipeline names a variable declared in an
//! enclosing `env { … }`: of the pipeline, the job, the step (or any block
//! between), and in a `service` only its own, since a service container
//! does not see the job's environment. A CI service expands an undeclared
//! name to an empty string. Template bodies are not checked: the `env` of
//! the job a template lands in is not known there; nor are jobs made from a
//! job template, whose `env` may declare the name.

use foldhash::{HashSet, HashSetExt};

use crate::check::schema;
use crate::check::{suggest, walk};
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::span::SourceId;
use crate::syntax::ast::{Block, Expr, ExprKind, Item};

/// The variables one block declares in its `env`.
struct Scope<'a> {
    names: HashSet<&'a str>,
    /// A service: the scopes around it are not visible inside.
    sealed: bool,
    /// A job made from a template (`job x = t(…)`), whose `env` may declare
    /// any name: nothing is reported inside.
    open: bool,
}

struct Checker<'a, 'd> {
    scopes: Vec<Scope<'a>>,
    source: SourceId,
    diagnostics: &'d mut Vec<Diagnostic>,
}

pub fn check_env_references(pipeline: &Block, source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    let mut checker = Checker {
        scopes: Vec::new(),
        source,
        diagnostics,
    };
    checker.block(pipeline);
}

/// The names declared by the `env` blocks directly in `items`.
fn declared(items: &[Item]) -> HashSet<&str> {
    let mut names = HashSet::new();
    for item in items {
        if let Item::Block(block) = item
            && block.keyword.name == "env"
            && let Some(body) = &block.body
        {
            for inner in &body.items {
                if let Item::Attribute(attribute) = inner {
                    names.insert(attribute.key.name.as_str());
                }
            }
        }
    }
    names
}

impl<'a> Checker<'a, '_> {
    fn block(&mut self, block: &'a Block) {
        let items = block.body.as_ref().map_or(&[][..], |body| &body.items[..]);
        self.scopes.push(Scope {
            names: declared(items),
            sealed: block.keyword.name == "service",
            open: block.keyword.name == "job" && block.value.is_some(),
        });
        if let Some(value) = &block.value {
            self.expr(value);
        }
        self.items(items);
        self.scopes.pop();
    }

    fn items(&mut self, items: &'a [Item]) {
        for item in items {
            match item {
                Item::Attribute(attribute) => self.expr(&attribute.value),
                Item::Use(use_item) => {
                    for argument in &use_item.arguments {
                        self.expr(&argument.value);
                    }
                }
                Item::Input(input) => {
                    if let Some(default) = &input.default {
                        self.expr(default);
                    }
                }
                // An `env` block's names belong to the block around it; an
                // escape block's keys are the target's, its values ours.
                Item::Block(block)
                    if block.keyword.name == "env" || schema::is_escape(&block.keyword.name) =>
                {
                    if let Some(body) = &block.body {
                        walk::for_each_expr(&body.items, &mut |expr| self.reference(expr));
                    }
                }
                Item::Block(block) => self.block(block),
                Item::Template(_) | Item::Import(_) | Item::Error(_) => {}
            }
        }
    }

    fn expr(&mut self, expr: &Expr) {
        walk::expr(expr, &mut |inner| self.reference(inner));
    }

    fn reference(&mut self, expr: &Expr) {
        let ExprKind::Path(path) = &expr.kind else {
            return;
        };
        let [root, name, ..] = path.segments.as_slice() else {
            return;
        };
        if root.name != "env" {
            return;
        }
        // The scopes a reference here sees: out to the first sealed one.
        let sealed = self.scopes.iter().rev().position(|scope| scope.sealed);
        let in_service = sealed.is_some();
        let seen = sealed.map_or(self.scopes.len(), |sealed| sealed + 1);
        let visible_scopes = || self.scopes.iter().rev().take(seen);
        if visible_scopes().any(|scope| scope.open || scope.names.contains(name.name.as_str())) {
            return;
        }
        let mut visible: Vec<&str> = visible_scopes()
            .flat_map(|scope| scope.names.iter().copied())
            .collect();
        visible.sort_unstable();
        let mut diagnostic = Diagnostic::new(
            Code::UnknownEnvVariable,
            format!("unknown environment variable `{}`", name.name),
            Label::new(
                self.source,
                name.span,
                if in_service {
                    "not declared in this service's `env`"
                } else {
                    "not declared in an enclosing `env`"
                },
            ),
        );
        if !suggest::offer(
            &mut diagnostic,
            &name.name,
            &visible,
            self.source,
            name.span,
        ) {
            diagnostic = diagnostic.with_help(if in_service {
                format!("a service sees only its own environment: declare `env {{ {} = … }}` in the service", name.name)
            } else {
                format!("declare it with `env {{ {} = … }}` in the step, the job or the pipeline", name.name)
            });
        }
        self.diagnostics.push(diagnostic);
    }
}
