//! Templates: finding what a reference names, binding a call's arguments
//! to the parameters (missing, unknown and wrongly typed arguments), and
//! checking every template on its own.

use std::rc::Rc;

use crate::check::suggest;
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::ir::{self, Expr, ExprKind, Origin};
use crate::lower::Lowerer;
use crate::lower::expr::Destination;
use crate::lower::scope::Scope;
use crate::syntax::ast::{self, Item};
use crate::types::{self, Type, TypeError};

/// What a template or action reference resolves to.
#[derive(Clone, Copy, Debug)]
pub(super) enum Definition<'p> {
    Template {
        module: usize,
        template: &'p ast::Template,
    },
    Action {
        module: usize,
        block: &'p ast::Block,
    },
}

impl<'p> Lowerer<'p> {
    /// Resolves `name` or `alias.name` from `module`. Unknown names and
    /// aliases were reported by the resolve phase.
    pub(super) fn find_definition(
        &self,
        module: usize,
        path: &ast::Path,
    ) -> Option<Definition<'p>> {
        let program = self.program;
        let (target, name) = match path.segments.as_slice() {
            [name] => (module, name),
            [alias, name] => {
                let (_, _, index) = program
                    .modules
                    .get(module)?
                    .imports
                    .iter()
                    .find(|(known, _, _)| *known == alias.name)?;
                (*index, name)
            }
            _ => return None,
        };
        program
            .modules
            .get(target)?
            .parsed
            .file
            .items
            .iter()
            .find_map(|item| match item {
                Item::Template(template) if template.name.name == name.name => {
                    Some(Definition::Template {
                        module: target,
                        template,
                    })
                }
                Item::Block(block)
                    if block.keyword.name == "action"
                        && block
                            .label
                            .as_ref()
                            .is_some_and(|label| label.name == name.name) =>
                {
                    Some(Definition::Action {
                        module: target,
                        block,
                    })
                }
                _ => None,
            })
    }

    /// The type of a parameter or input as written; unknown types are
    /// reported and read as `Error`.
    pub(super) fn declared_type(
        &mut self,
        written: &ast::TypeExpr,
        source: crate::span::SourceId,
    ) -> Type {
        match types::from_syntax(written) {
            Ok(ty) => ty,
            Err((TypeError::UnknownName(name), span)) => {
                let mut diagnostic = Diagnostic::new(
                    Code::UnknownType,
                    format!("unknown type `{name}`"),
                    Label::new(source, span, "not a type"),
                );
                let mut known: Vec<&str> = Type::NAMES.to_vec();
                known.push("list");
                if !suggest::offer(&mut diagnostic, &name, &known, source, span) {
                    diagnostic = diagnostic.with_note(
                        "the types are `string`, `int`, `bool`, `duration`, `percent`, `cron`, `glob`, `secret`, `record`, `list<T>` and `enum(\"a\", \"b\")`",
                    );
                }
                self.report(diagnostic);
                Type::Error
            }
            Err((TypeError::WrongArity { name, expected }, span)) => {
                self.report(
                    Diagnostic::new(
                        Code::UnknownType,
                        if expected == 0 {
                            format!("type `{name}` takes no type arguments")
                        } else {
                            format!("type `{name}` takes {expected} type argument")
                        },
                        Label::new(source, span, "malformed type"),
                    )
                    .with_help("write `list<string>` for a list of strings"),
                );
                Type::Error
            }
            Err((TypeError::NoVariants, span)) => {
                self.report(
                    Diagnostic::new(
                        Code::UnknownType,
                        "an `enum` needs at least one value",
                        Label::new(source, span, "no value has this type"),
                    )
                    .with_help("list the values it may take: `enum(\"staging\", \"production\")`"),
                );
                Type::Error
            }
        }
    }

    /// Binds the arguments of a call of `template` (defined in
    /// `template_module`) to its parameters, in the caller's `scope`.
    /// Defaults fill what the call leaves out.
    pub(super) fn bind_arguments(
        &mut self,
        template: &'p ast::Template,
        template_module: usize,
        callee: &str,
        arguments: &[ast::Argument],
        call: Origin,
        scope: &Scope,
    ) -> Vec<(String, Expr)> {
        let template_source = self.source_of(template_module);
        let parameters: Vec<(&ast::Parameter, Type)> = template
            .parameters
            .iter()
            .map(|parameter| {
                (
                    parameter,
                    self.declared_type(&parameter.ty, template_source),
                )
            })
            .collect();
        let mut bound: Vec<Option<Expr>> = vec![None; parameters.len()];
        let mut positional = 0;
        for argument in arguments {
            let index = match &argument.name {
                Some(name) => match parameters
                    .iter()
                    .position(|(parameter, _)| parameter.name.name == name.name)
                {
                    Some(index) => index,
                    None => {
                        let mut diagnostic = Diagnostic::new(
                            Code::UnknownArgument,
                            format!("`{callee}` has no parameter `{}`", name.name),
                            Label::new(call.source, name.span, "unknown parameter"),
                        )
                        .with_secondary(Label::new(
                            template_source,
                            template.name.span,
                            "the template is defined here",
                        ));
                        let names: Vec<&str> = parameters
                            .iter()
                            .map(|(parameter, _)| parameter.name.name.as_str())
                            .collect();
                        if !suggest::offer(
                            &mut diagnostic,
                            &name.name,
                            &names,
                            call.source,
                            name.span,
                        ) {
                            diagnostic = diagnostic.with_note(parameter_list(&names));
                        }
                        self.report(diagnostic);
                        continue;
                    }
                },
                None => {
                    let index = positional;
                    positional += 1;
                    if index >= parameters.len() {
                        self.report(
                            Diagnostic::new(
                                Code::UnknownArgument,
                                format!(
                                    "`{callee}` takes {} arguments, but more are given",
                                    parameters.len()
                                ),
                                Label::new(
                                    call.source,
                                    argument.span,
                                    "no parameter left for this argument",
                                ),
                            )
                            .with_secondary(Label::new(
                                template_source,
                                template.name.span,
                                "the template is defined here",
                            )),
                        );
                        continue;
                    }
                    index
                }
            };
            let (parameter, ty) = &parameters[index];
            let value = self.lower_expr(&argument.value, scope, Some(ty));
            self.expect_type(
                &value,
                ty,
                Destination::Argument {
                    callee,
                    parameter: &parameter.name.name,
                },
            );
            if bound[index].is_some() {
                self.report(
                    Diagnostic::new(
                        Code::UnknownArgument,
                        format!(
                            "argument `{}` of `{callee}` is given twice",
                            parameter.name.name
                        ),
                        Label::new(call.source, argument.span, "given again here"),
                    )
                    .with_help("give each argument once"),
                );
            }
            bound[index] = Some(value);
        }
        let mut missing = Vec::new();
        let default_scope = Scope::new(template_module, template_source, None);
        let mut values = Vec::with_capacity(parameters.len());
        for ((parameter, ty), value) in parameters.iter().zip(bound) {
            let value = match (value, &parameter.default) {
                (Some(value), _) => value,
                (None, Some(default)) => {
                    let value = self.lower_expr(default, &default_scope, Some(ty));
                    self.expect_type(
                        &value,
                        ty,
                        Destination::Argument {
                            callee,
                            parameter: &parameter.name.name,
                        },
                    );
                    value
                }
                (None, None) => {
                    missing.push(parameter.name.name.as_str());
                    Expr::error(call)
                }
            };
            values.push((parameter.name.name.clone(), value));
        }
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let added = missing
                .iter()
                .map(|name| format!("{name} = …"))
                .collect::<Vec<_>>()
                .join(", ");
            let diagnostic = Diagnostic::new(
                Code::MissingArgument,
                format!(
                    "missing argument{} {list} of `{callee}`",
                    if missing.len() == 1 { "" } else { "s" }
                ),
                Label::new(call.source, call.span, "this instance leaves it out"),
            )
            .with_secondary(Label::new(
                template_source,
                template.name.span,
                "the template is defined here",
            ))
            .with_help(format!("add `{added}`: the parameter has no default"));
            self.report(diagnostic);
        }
        values
    }

    /// Checks every template of `module` on its own: parameters stand for
    /// values of their types (or their defaults), so that mistakes in the
    /// body are found even if nothing instantiates the template.
    pub(super) fn check_templates_of(&mut self, module: usize) {
        let program = self.program;
        let Some(parsed) = program.modules.get(module).map(|module| &module.parsed) else {
            return;
        };
        let source = self.source_of(module);
        for item in &parsed.file.items {
            let Item::Template(template) = item else {
                continue;
            };
            let default_scope = Scope::new(module, source, None);
            let parameters: Vec<(String, Expr)> = template
                .parameters
                .iter()
                .map(|parameter| {
                    let ty = self.declared_type(&parameter.ty, source);
                    let origin = Origin::new(source, parameter.name.span);
                    let value = match &parameter.default {
                        Some(default) => {
                            let value = self.lower_expr(default, &default_scope, Some(&ty));
                            self.expect_type(
                                &value,
                                &ty,
                                Destination::Argument {
                                    callee: &template.name.name,
                                    parameter: &parameter.name.name,
                                },
                            );
                            // The body must work for every value, not only the default.
                            Expr::new(
                                ExprKind::Parameter(parameter.name.name.clone()),
                                value.ty,
                                origin,
                            )
                        }
                        None => {
                            Expr::new(ExprKind::Parameter(parameter.name.name.clone()), ty, origin)
                        }
                    };
                    (parameter.name.name.clone(), value)
                })
                .collect();
            let mut scope = Scope {
                parameters: Rc::new(parameters),
                in_template: true,
                ..Scope::new(module, source, None)
            };
            self.instantiating
                .push((module, template.name.name.clone()));
            let mut job = ir::Job::empty(
                template.name.name.clone(),
                Origin::new(source, template.span),
            );
            if template.kind.name == "job" {
                self.lower_matrix_of(&mut job, &template.body.items, &scope);
                scope.matrix_keys = job
                    .matrix
                    .as_ref()
                    .map(|matrix| Rc::new(matrix.keys().into_iter().map(str::to_owned).collect()));
            }
            self.lower_job_items(&mut job, &template.body.items, &scope);
            self.check_step_outputs(&job);
            self.instantiating.pop();
        }
    }

    /// Enters an instantiation of `template`; `false` (after reporting)
    /// when it is already being instantiated, which would never end.
    pub(super) fn enter_template(
        &mut self,
        module: usize,
        template: &ast::Template,
        call: Origin,
        callee: &str,
    ) -> bool {
        if let Some(start) = self
            .instantiating
            .iter()
            .position(|(known_module, name)| *known_module == module && *name == template.name.name)
        {
            // Each template of a cycle meets it when checked on its own:
            // the cycle is reported once.
            let mut members: Vec<(usize, String)> = self.instantiating[start..].to_vec();
            members.sort();
            if !self.reported_cycles.insert(members) || self.import_cycle {
                return false;
            }
            let source = self.source_of(module);
            self.report(
                Diagnostic::new(
                    Code::RecursiveTemplate,
                    format!("template `{}` instantiates itself", template.name.name),
                    Label::new(
                        call.source,
                        call.span,
                        format!("`{callee}` is already being instantiated here"),
                    ),
                )
                .with_secondary(Label::new(
                    source,
                    template.name.span,
                    "the template",
                )),
            );
            return false;
        }
        self.instantiating
            .push((module, template.name.name.clone()));
        self.instances.push((call, callee.to_owned()));
        true
    }

    pub(super) fn leave_template(&mut self) {
        self.instantiating.pop();
        self.instances.pop();
    }
}

fn parameter_list(names: &[&str]) -> String {
    if names.is_empty() {
        return "the template takes no parameters".to_owned();
    }
    format!(
        "its parameters are {}",
        names
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}
