//! Lowering a strategy chosen per run: `choose(inputs.NAME, { VALUE =
//! STRATEGY, … })`, the call that gives a deploy one strategy for each
//! value of an `enum` manual input.
//!
//! The call is checked where it is written, with the spans of its keys:
//! the input must be known when the run starts and enumerated (E0315),
//! every value needs exactly one alternative (E0314, E0203, E0313), and
//! every alternative is a strategy (E0309). The deploy then turns the
//! checked call into an [`ir::StrategyChoice`](crate::ir::StrategyChoice).

use crate::check::suggest;
use crate::diagnostic::{Code, Diagnostic, Edit, Label};
use crate::ir::{
    Context, DeployStrategy, Expr, ExprKind, Origin, StrategyAlternative, StrategyChoice,
};
use crate::lower::Lowerer;
use crate::lower::expr::{Destination, describe, quoted};
use crate::lower::scope::Scope;
use crate::syntax::ast;
use crate::types::Type;

/// The function name of the construct.
pub const CHOOSE: &str = "choose";

impl Lowerer<'_> {
    /// `choose(subject, { value = strategy, … })` → a `Call` of type
    /// `strategy` whose arguments are the subject and the alternatives as a
    /// record, or an error value once a mistake is reported.
    pub(super) fn lower_choose(
        &mut self,
        arguments: &[ast::Argument],
        scope: &Scope,
        origin: Origin,
    ) -> Expr {
        let usage = "write `choose(inputs.strategy, { blue_green = blue_green { … }, canary = canary { … } })`";
        let [subject, alternatives] = arguments else {
            self.report(
                Diagnostic::new(
                    Code::MissingArgument,
                    format!("`{CHOOSE}` takes an input and a record of strategies"),
                    Label::new(
                        scope.source,
                        origin.span,
                        format!("{} arguments given", arguments.len()),
                    ),
                )
                .with_help(usage),
            );
            return Expr::error(origin);
        };
        if let Some(name) = subject.name.as_ref().or(alternatives.name.as_ref()) {
            self.report(
                Diagnostic::new(
                    Code::UnknownArgument,
                    format!("`{CHOOSE}` has no parameter `{}`", name.name),
                    Label::new(
                        scope.source,
                        name.span,
                        "arguments of `choose` are positional",
                    ),
                )
                .with_help(usage),
            );
            return Expr::error(origin);
        }
        let ast::ExprKind::Record(fields) = &alternatives.value.kind else {
            self.report(
                Diagnostic::new(
                    Code::ArgumentTypeMismatch,
                    format!("the second argument of `{CHOOSE}` is a record of strategies"),
                    Label::new(
                        scope.source,
                        alternatives.span,
                        "expected `{ VALUE = STRATEGY, … }`",
                    ),
                )
                .with_help(usage),
            );
            return Expr::error(origin);
        };
        let subject = self.lower_expr(&subject.value, scope, None);
        let values = self.choice_values(&subject);
        let mut lowered: Vec<(String, Expr)> = Vec::new();
        let mut first_keys: Vec<&ast::Key> = Vec::new();
        let mut fits = values.is_some() || subject.ty == Type::Error;
        // The values no key names: a key for none of the input's values is
        // most likely meant for one of them.
        let missing: Vec<String> = match &values {
            Some(Choices::Enumerated(variants)) => variants
                .iter()
                .filter(|variant| !fields.iter().any(|field| field.key.name == **variant))
                .cloned()
                .collect(),
            _ => Vec::new(),
        };
        let mut misspelt = false;
        for field in fields {
            let value = self.lower_expr(&field.value, scope, Some(&Type::Strategy));
            fits &= self.expect_type(&value, &Type::Strategy, Destination::Attribute("strategy"));
            if let Some(first) = first_keys.iter().find(|key| key.name == field.key.name) {
                fits = false;
                self.report(
                    Diagnostic::new(
                        Code::DuplicateDefinition,
                        format!("two alternatives for `\"{}\"`", field.key.name),
                        Label::new(scope.source, field.key.span, "chosen again here"),
                    )
                    .with_secondary(Label::new(scope.source, first.span, "first chosen here"))
                    .with_help("keep one strategy for each value"),
                );
                continue;
            }
            first_keys.push(&field.key);
            if let Some(Choices::Enumerated(variants)) = &values
                && !variants.contains(&field.key.name)
            {
                fits = false;
                misspelt = true;
                self.report(never_chosen(
                    &subject, &field.key, variants, &missing, scope,
                ));
                continue;
            }
            lowered.push((field.key.name.clone(), value));
        }
        if !missing.is_empty() && !misspelt {
            fits = false;
            self.report(not_exhaustive(&subject, &missing, origin));
        }
        if !fits {
            return Expr::error(origin);
        }
        let record = Expr::new(
            ExprKind::Record(lowered),
            Type::Record,
            Origin::new(scope.source, alternatives.span),
        );
        Expr::new(
            ExprKind::Call {
                function: CHOOSE.to_owned(),
                arguments: vec![subject, record],
            },
            Type::Strategy,
            origin,
        )
    }

    /// The values the subject of a choice can have, or `None` (reported)
    /// when it is not a value to choose by.
    fn choice_values(&mut self, subject: &Expr) -> Option<Choices> {
        match (&subject.kind, &subject.ty) {
            (_, Type::Error) => None,
            // A template checked on its own: the argument decides.
            (ExprKind::Parameter(_), _) => Some(Choices::Open),
            // A constant (a template's argument): the deploy takes its
            // alternative when compiling, as if it were written alone.
            (ExprKind::String(_), _) => Some(Choices::Open),
            (ExprKind::Context(Context::Input(_)), Type::Enum(variants)) => {
                Some(Choices::Enumerated(variants.clone()))
            }
            _ => {
                self.report(not_an_enum_input(subject));
                None
            }
        }
    }

    /// A deploy's `strategy` value: one strategy, or the choice `choose`
    /// made of it.
    pub(super) fn deploy_strategy(&mut self, value: &Expr) -> Option<DeployStrategy> {
        let ExprKind::Call {
            function,
            arguments,
        } = &value.kind
        else {
            return self.strategy(value).map(DeployStrategy::Fixed);
        };
        let (true, [subject, alternatives]) = (function == CHOOSE, arguments.as_slice()) else {
            return None;
        };
        let ExprKind::Record(fields) = &alternatives.kind else {
            return None;
        };
        match &subject.kind {
            ExprKind::Context(Context::Input(input)) => {
                let alternatives = fields
                    .iter()
                    .filter_map(|(key, alternative)| {
                        Some(StrategyAlternative {
                            value: key.clone(),
                            strategy: self.strategy(alternative)?,
                            origin: alternative.origin,
                        })
                    })
                    .collect::<Vec<_>>();
                // An alternative whose strategy had a mistake was reported;
                // a choice missing it would deploy nothing for that value,
                // and one without any (of an input without values) nothing.
                (!alternatives.is_empty() && alternatives.len() == fields.len()).then(|| {
                    DeployStrategy::Chosen(StrategyChoice {
                        input: input.clone(),
                        alternatives,
                        origin: value.origin,
                    })
                })
            }
            // Known when compiling (a template's argument): chosen now.
            ExprKind::String(chosen) => match fields.iter().find(|(key, _)| key == chosen) {
                Some((_, alternative)) => self.strategy(alternative).map(DeployStrategy::Fixed),
                None => {
                    self.report(not_exhaustive(
                        subject,
                        std::slice::from_ref(chosen),
                        value.origin,
                    ));
                    None
                }
            },
            _ => None,
        }
    }
}

/// What a choice's subject may be.
enum Choices {
    /// The values of an `enum` input.
    Enumerated(Vec<String>),
    /// Not known yet (a template parameter) or a constant: checked when
    /// the deploy is lowered.
    Open,
}

/// A key naming none of the input's values, with the closest value no
/// other key names as a fix (a value named twice would be E0203).
fn never_chosen(
    subject: &Expr,
    key: &ast::Key,
    variants: &[String],
    missing: &[String],
    scope: &Scope,
) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(
        Code::ComparisonNeverTrue,
        format!("{} is never `\"{}\"`", describe(subject), key.name),
        Label::new(scope.source, key.span, "no run chooses this alternative"),
    )
    .with_note(format!("its values are {}", quoted(variants)));
    if let Some(suggestion) = suggest::closest(&key.name, missing.iter().map(String::as_str)) {
        let is_identifier = suggestion
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || character == '_')
            && suggestion.starts_with(|character: char| character.is_ascii_alphabetic());
        let replacement = if is_identifier {
            suggestion.to_owned()
        } else {
            format!("\"{suggestion}\"")
        };
        diagnostic = diagnostic
            .with_help(format!("did you mean `{replacement}`?"))
            .with_fix(
                format!("replace with `{replacement}`"),
                vec![Edit {
                    source: scope.source,
                    span: key.span,
                    replacement,
                }],
            );
    }
    diagnostic
}

fn not_exhaustive(subject: &Expr, missing: &[String], origin: Origin) -> Diagnostic {
    let first = missing.first().map_or("", String::as_str);
    Diagnostic::new(
        Code::ChoiceNotExhaustive,
        format!(
            "no strategy is chosen when {} is {}",
            describe(subject),
            quoted(missing).replace(", ", " or ")
        ),
        Label::new(
            origin.source,
            crate::check::deploys::keyword(origin.span, CHOOSE),
            "not every value has an alternative",
        ),
    )
    .with_note(
        "a run may start with any of the input's values, and its deploy needs a strategy for each",
    )
    .with_help(format!(
        "add `{first} = …` with the strategy a run started with `\"{first}\"` deploys with"
    ))
}

fn not_an_enum_input(subject: &Expr) -> Diagnostic {
    let why = match &subject.kind {
        ExprKind::Context(Context::Input(_)) => format!(
            "an input of type `{}` has no fixed list of values to choose from",
            subject.ty
        ),
        ExprKind::Context(Context::StepOutput { .. } | Context::JobOutput { .. }) => {
            "an output is known only once the run is under way, after the manifests were chosen"
                .to_owned()
        }
        ExprKind::Context(_) => {
            "only a manual input is both known when the run starts and limited to listed values"
                .to_owned()
        }
        _ => "the value is not a manual input".to_owned(),
    };
    Diagnostic::new(
        Code::ChoiceNotByInput,
        format!("a strategy cannot be chosen by {}", describe(subject)),
        Label::new(subject.origin.source, subject.origin.span, "not an `enum` manual input"),
    )
    .with_note(why)
    .with_help("declare `input strategy: enum(\"blue_green\", \"canary\") = \"blue_green\"` in `on manual` and write `choose(inputs.strategy, { … })`")
}

#[cfg(test)]
mod tests {
    use crate::ir::{DeployStrategy, Strategy};
    use crate::source::Sources;

    const TEMPLATE: &str = r#"
template service(strategy: enum("blue_green", "canary")) : job {
  environment production {}
  deploy api {
    image    = "ghcr.io/acme/api:1.0"
    port     = 8000
    strategy = choose(strategy, {
      blue_green = blue_green {}
      canary     = canary { steps = [20%, 100%] }
    })
  }
}
pipeline ci {
  on manual { input strategy: enum("blue_green", "canary") = "blue_green" }
  job production = service(strategy = ARGUMENT)
}
"#;

    fn deploy_strategy(argument: &str) -> DeployStrategy {
        let text = TEMPLATE.replace("ARGUMENT", argument);
        let mut sources = Sources::new();
        sources.add("test.pipe", text);
        let result = crate::check(&mut sources, &crate::resolve::NoFiles);
        let errors: Vec<&str> = result
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.is_error())
            .map(|diagnostic| diagnostic.message.as_str())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        result.project.pipelines[0].jobs[0].deploys[0]
            .strategy
            .clone()
    }

    #[test]
    fn a_template_argument_that_is_an_input_chooses_per_run() {
        let DeployStrategy::Chosen(choice) = deploy_strategy("inputs.strategy") else {
            panic!("expected a choice");
        };
        assert_eq!(choice.input, "strategy");
        let values: Vec<&str> = choice
            .alternatives
            .iter()
            .map(|alternative| alternative.value.as_str())
            .collect();
        assert_eq!(values, ["blue_green", "canary"]);
    }

    #[test]
    fn a_constant_template_argument_chooses_when_compiling() {
        assert!(matches!(
            deploy_strategy("\"canary\""),
            DeployStrategy::Fixed(Strategy::Canary { .. })
        ));
    }
}
