//! The types of `.pipe` values, shared by the checker, the IR and the
//! language server.
//!
//! Types are structural and small: scalars, `list<T>`, records, `enum(…)`
//! and a few kinds that exist only to say where a value may go (`secret`,
//! `job`, `status`). [`Type::Error`] stands for a value whose type could not
//! be worked out because of an error already reported; it is compatible
//! with everything, so one mistake gives one diagnostic.

use std::fmt;

use serde::Serialize;

use crate::syntax::ast::{TypeExpr, TypeExprKind};

#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    String,
    Int,
    Bool,
    Duration,
    Percent,
    /// A string checked as a five-field cron schedule.
    Cron,
    /// A string checked as a branch, tag or path pattern.
    Glob,
    /// A value the CI service keeps secret; never a literal.
    Secret,
    List(Box<Type>),
    /// A record of any fields (`with`, matrix `include`).
    Record,
    /// One of the listed strings.
    Enum(Vec<String>),
    /// The name of a job of the pipeline (`needs`).
    Job,
    /// `success`, `failure` or `always` (`notify { when }`).
    Status,
    /// `http("/health")`, `tcp(8000)`, `exec([…])`.
    Health,
    /// `rolling`, `blue_green { … }`, `canary { … }`.
    Strategy,
    /// Either of two types (`string | list<string>` for paths).
    Either(Box<Type>, Box<Type>),
    /// Unknown because of an error reported elsewhere.
    Error,
}

impl Type {
    pub fn list(element: Type) -> Type {
        Type::List(Box::new(element))
    }

    /// Whether a value of type `self` may be used where `expected` is
    /// wanted. Strings flow into the string-like types (`cron`, `glob`,
    /// enums are checked by value elsewhere); an enum flows into `string`.
    pub fn is_assignable_to(&self, expected: &Type) -> bool {
        match (self, expected) {
            (Type::Error, _) | (_, Type::Error) => true,
            (found, Type::Either(first, second)) => {
                found.is_assignable_to(first) || found.is_assignable_to(second)
            }
            (Type::String, Type::Cron | Type::Glob | Type::Enum(_)) => true,
            (Type::Enum(_) | Type::Cron | Type::Glob, Type::String) => true,
            (Type::Enum(found), Type::Enum(expected)) => {
                found.iter().all(|variant| expected.contains(variant))
            }
            (Type::List(found), Type::List(expected)) => found.is_assignable_to(expected),
            (found, expected) => found == expected,
        }
    }

    /// Whether values of this type are text at run time (for `==`, `in`
    /// and string methods).
    pub fn is_textual(&self) -> bool {
        matches!(
            self,
            Type::String | Type::Cron | Type::Glob | Type::Enum(_) | Type::Error
        )
    }

    /// Parses a type written in a schema table (`list<glob>`, `enum("a", "b")`,
    /// `string | list<string>`). Unknown names give `Error`, which the
    /// schema tests rule out.
    pub fn from_schema(text: &str) -> Type {
        if let Some((first, second)) = schema_alternatives(text) {
            return Type::Either(
                Box::new(Type::from_schema(first)),
                Box::new(Type::from_schema(second)),
            );
        }
        if let Some(element) = text
            .strip_prefix("list<")
            .and_then(|rest| rest.strip_suffix('>'))
        {
            return Type::list(Type::from_schema(element));
        }
        if let Some(variants) = text
            .strip_prefix("enum(")
            .and_then(|rest| rest.strip_suffix(')'))
        {
            return Type::Enum(
                variants
                    .split(", ")
                    .map(|variant| variant.trim_matches('"').to_owned())
                    .collect(),
            );
        }
        Type::from_name(text).unwrap_or(Type::Error)
    }

    /// The type a simple name stands for in a parameter or input type.
    pub fn from_name(name: &str) -> Option<Type> {
        Some(match name {
            "string" => Type::String,
            "int" => Type::Int,
            "bool" => Type::Bool,
            "duration" => Type::Duration,
            "percent" => Type::Percent,
            "cron" => Type::Cron,
            "glob" => Type::Glob,
            "secret" => Type::Secret,
            "record" => Type::Record,
            "job" => Type::Job,
            "status" => Type::Status,
            "health" => Type::Health,
            "strategy" => Type::Strategy,
            _ => return None,
        })
    }

    /// The names `from_name` accepts, for "did you mean".
    pub const NAMES: &'static [&'static str] = &[
        "string", "int", "bool", "duration", "percent", "cron", "glob", "secret", "record", "job",
        "status", "health", "strategy",
    ];
}

/// Why a written type is not a type.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeError {
    UnknownName(String),
    /// `list` without exactly one argument, or arguments on a scalar.
    WrongArity {
        name: String,
        expected: usize,
    },
    /// `enum()`: a type no value has.
    NoVariants,
}

/// Reads a type as written on a template parameter or an input.
pub fn from_syntax(written: &TypeExpr) -> Result<Type, (TypeError, crate::span::Span)> {
    match &written.kind {
        TypeExprKind::Enum { variants } if variants.is_empty() => {
            Err((TypeError::NoVariants, written.span))
        }
        TypeExprKind::Enum { variants } => Ok(Type::Enum(
            variants
                .iter()
                .map(|variant| variant.as_plain().unwrap_or_default())
                .collect(),
        )),
        TypeExprKind::Named { name, arguments } if name.name == "list" => {
            match arguments.as_slice() {
                [element] => Ok(Type::list(from_syntax(element)?)),
                _ => Err((
                    TypeError::WrongArity {
                        name: "list".to_owned(),
                        expected: 1,
                    },
                    written.span,
                )),
            }
        }
        TypeExprKind::Named { name, arguments } => {
            let Some(ty) = Type::from_name(&name.name) else {
                return Err((TypeError::UnknownName(name.name.clone()), name.span));
            };
            if arguments.is_empty() {
                Ok(ty)
            } else {
                Err((
                    TypeError::WrongArity {
                        name: name.name.clone(),
                        expected: 0,
                    },
                    written.span,
                ))
            }
        }
    }
}

/// Written as the type is spelt in `.pipe`: `list<string>`.
impl Serialize for Type {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::String => f.write_str("string"),
            Type::Int => f.write_str("int"),
            Type::Bool => f.write_str("bool"),
            Type::Duration => f.write_str("duration"),
            Type::Percent => f.write_str("percent"),
            Type::Cron => f.write_str("cron"),
            Type::Glob => f.write_str("glob"),
            Type::Secret => f.write_str("secret"),
            Type::List(element) => write!(f, "list<{element}>"),
            Type::Record => f.write_str("record"),
            Type::Enum(variants) => {
                f.write_str("enum(")?;
                for (index, variant) in variants.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "\"{variant}\"")?;
                }
                f.write_str(")")
            }
            Type::Job => f.write_str("job"),
            Type::Status => f.write_str("status"),
            Type::Health => f.write_str("health"),
            Type::Strategy => f.write_str("strategy"),
            Type::Either(first, second) => write!(f, "{first} | {second}"),
            Type::Error => f.write_str("unknown"),
        }
    }
}

/// `a string`, `an int`, `list<string>`: a type in running text.
pub fn with_article(ty: &Type) -> String {
    let text = ty.to_string();
    if matches!(ty, Type::List(_) | Type::Either(..) | Type::Enum(_)) {
        return text;
    }
    match text.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {text}"),
        _ => format!("a {text}"),
    }
}

/// The two sides of a schema type `a | b`. Schema types are read for every
/// attribute checked, and few are alternatives: one byte test spares the
/// others a substring search.
pub fn schema_alternatives(text: &str) -> Option<(&str, &str)> {
    if text.as_bytes().contains(&b'|') {
        text.split_once(" | ")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_types_parse_into_structured_types() {
        assert_eq!(Type::from_schema("list<glob>"), Type::list(Type::Glob));
        assert_eq!(
            Type::from_schema("enum(\"pull\", \"push\")"),
            Type::Enum(vec!["pull".to_owned(), "push".to_owned()])
        );
        assert_eq!(
            Type::from_schema("string | list<string>").to_string(),
            "string | list<string>"
        );
    }

    #[test]
    fn strings_flow_into_string_like_types_but_not_into_secrets() {
        assert!(Type::String.is_assignable_to(&Type::Cron));
        assert!(Type::Enum(vec!["a".into()]).is_assignable_to(&Type::String));
        assert!(!Type::String.is_assignable_to(&Type::Secret));
        assert!(!Type::Secret.is_assignable_to(&Type::String));
        assert!(Type::list(Type::String).is_assignable_to(&Type::list(Type::Glob)));
        assert!(!Type::Int.is_assignable_to(&Type::Duration));
        assert!(Type::String.is_assignable_to(&Type::from_schema("string | list<string>")));
    }
}
