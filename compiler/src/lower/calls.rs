//! Lowering calls: the functions (`hash_files`, `http`, …), the status
//! predicates and the text methods (`git.branch.starts_with("release/")`).

use crate::diagnostic::{Code, Diagnostic, Edit, Label};
use crate::ir::{Expr, ExprKind, Origin, Status, StringTest};
use crate::lower::builtins::BuiltinKind;
use crate::lower::expr::{not_constant, unknown_function};
use crate::lower::scope::Scope;
use crate::lower::{Lowerer, fold};
use crate::syntax::ast;
use crate::types::Type;

impl Lowerer<'_> {
    pub(super) fn lower_call(
        &mut self,
        callee: &ast::Path,
        arguments: &[ast::Argument],
        scope: &Scope,
        origin: Origin,
    ) -> Expr {
        let names: Vec<&str> = callee
            .segments
            .iter()
            .map(|segment| segment.name.as_str())
            .collect();
        match names.as_slice() {
            [status @ ("success" | "failure" | "always" | "cancelled")] => {
                self.expect_no_arguments(arguments, status, scope);
                Expr::new(ExprKind::Status(status_named(status)), Type::Bool, origin)
            }
            ["hash_files"] => {
                let mut globs = Vec::new();
                for argument in arguments {
                    let value = self.lower_expr(&argument.value, scope, Some(&Type::Glob));
                    match value.as_str() {
                        Some(text) => globs.push(text.to_owned()),
                        None if value.ty == Type::Error || value.mentions_parameter() => {}
                        None => self.report(not_constant(&value, "a `hash_files` pattern")),
                    }
                }
                if arguments.is_empty() {
                    self.report(
                        Diagnostic::new(
                            Code::MissingArgument,
                            "`hash_files` needs at least one file pattern",
                            Label::new(scope.source, origin.span, "no pattern"),
                        )
                        .with_help("name the files the key depends on: `hash_files(\"requirements*.txt\")`"),
                    );
                }
                Expr::new(ExprKind::HashFiles(globs), Type::String, origin)
            }
            [crate::lower::strategy_choice::CHOOSE] => self.lower_choose(arguments, scope, origin),
            ["http" | "tcp" | "exec"] => {
                let lowered = arguments
                    .iter()
                    .map(|argument| {
                        let value = self.lower_expr(&argument.value, scope, None);
                        match &argument.name {
                            Some(name) => Expr::new(
                                ExprKind::Record(vec![(name.name.clone(), value)]),
                                Type::Record,
                                Origin::new(scope.source, argument.span),
                            ),
                            None => value,
                        }
                    })
                    .collect();
                Expr::new(
                    ExprKind::Call {
                        function: names[0].to_owned(),
                        arguments: lowered,
                    },
                    Type::Health,
                    origin,
                )
            }
            [.., method] if names.len() >= 2 => {
                let Some(test) = string_test(method) else {
                    self.report(unknown_function(scope, callee, BuiltinKind::Method));
                    return Expr::error(origin);
                };
                let receiver_path = ast::Path {
                    segments: callee.segments[..callee.segments.len() - 1].to_vec(),
                    span: callee.segments[0]
                        .span
                        .to(callee.segments[callee.segments.len() - 2].span),
                };
                let receiver_origin = Origin::new(scope.source, receiver_path.span);
                let receiver = self.lower_path(&receiver_path, scope, None, receiver_origin);
                self.expect_operand(&receiver, &Type::String, test.method_name());
                let [argument] = arguments else {
                    self.report(
                        Diagnostic::new(
                            Code::MissingArgument,
                            format!("`{method}` takes one argument"),
                            Label::new(
                                scope.source,
                                origin.span,
                                format!("{} given", arguments.len()),
                            ),
                        )
                        .with_help(format!(
                            "write `{}.{method}(\"…\")`",
                            receiver_path.dotted()
                        )),
                    );
                    return Expr::error(origin);
                };
                let pattern = self.lower_expr(&argument.value, scope, Some(&Type::String));
                self.expect_operand(&pattern, &Type::String, test.method_name());
                if test == StringTest::Matches
                    && pattern.as_str().is_none()
                    && pattern.ty != Type::Error
                    && !pattern.mentions_parameter()
                {
                    self.report(not_constant(&pattern, "the pattern of `matches`"));
                }
                fold::test(test, receiver, pattern, origin)
            }
            _ => {
                self.report(unknown_function(scope, callee, BuiltinKind::Function));
                Expr::error(origin)
            }
        }
    }

    fn expect_no_arguments(&mut self, arguments: &[ast::Argument], name: &str, scope: &Scope) {
        if let (Some(first), Some(last)) = (arguments.first(), arguments.last()) {
            self.report(
                Diagnostic::new(
                    Code::UnknownArgument,
                    format!("`{name}()` takes no arguments"),
                    Label::new(scope.source, first.span.to(last.span), "remove these"),
                )
                .with_fix(
                    "remove the arguments",
                    vec![Edit {
                        source: scope.source,
                        span: first.span.to(last.span),
                        replacement: String::new(),
                    }],
                ),
            );
        }
    }
}

pub(super) fn status_named(name: &str) -> Status {
    match name {
        "failure" => Status::Failure,
        "always" => Status::Always,
        "cancelled" => Status::Cancelled,
        _ => Status::Success,
    }
}

fn string_test(method: &str) -> Option<StringTest> {
    Some(match method {
        "starts_with" => StringTest::StartsWith,
        "ends_with" => StringTest::EndsWith,
        "contains" => StringTest::Contains,
        "matches" => StringTest::Matches,
        _ => return None,
    })
}
