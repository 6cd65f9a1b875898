//! Phase 2l: URL attributes hold `http://` or `https://` addresses with a
//! host and no spaces (E0333), and a production environment is not served
//! over plain `http://` (W0121). Interpolations are opaque: they may stand
//! for any part of the address, so only the literal text is judged.

use crate::check::environments;
use crate::check::literal_text::{self, Atom, Literal, Problem};
use crate::check::walk;
use crate::diagnostic::{Code, Diagnostic};
use crate::span::SourceId;
use crate::syntax::ast::{ExprKind, Item};

/// The attributes whose value is a URL, by block keyword. Secret-typed URLs
/// (`notify { webhook }`) are not here: a literal there is already E0309.
const URL_ATTRIBUTES: &[(&str, &str)] = &[("environment", "url")];

/// The scheme of a URL that passed the checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scheme {
    Http,
    Https,
    /// An interpolation may hold the scheme.
    Unknown,
}

pub fn check_urls(items: &[Item], source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    walk::for_each_body(items, &mut |body| {
        for &(keyword, name) in URL_ATTRIBUTES {
            if body.keyword != keyword {
                continue;
            }
            let Some(attribute) = body.attribute(name) else {
                continue;
            };
            let ExprKind::String(string) = &attribute.value.kind else {
                continue;
            };
            let literal = Literal::new(string, attribute.value.span, source);
            match parse(&literal.atoms) {
                Err(problem) => diagnostics.push(literal.report(Code::InvalidUrl, "url", problem)),
                Ok(Scheme::Http) => {
                    if let Some(environment) = body.block.filter(|_| keyword == "environment")
                        && environments::is_production(environment)
                    {
                        let name = environment
                            .label
                            .as_ref()
                            .map_or("", |label| label.name.as_str());
                        diagnostics.push(insecure(&literal, name));
                    }
                }
                Ok(Scheme::Https | Scheme::Unknown) => {}
            }
        }
    });
}

fn insecure(literal: &Literal, environment: &str) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        Code::InsecureEnvironmentUrl,
        format!("production environment `{environment}` has an `http://` url"),
        literal.label(0..4, "unencrypted"),
    )
    .with_note("whoever sits between the users and the service can read and change plain HTTP traffic, cookies and tokens included")
    .with_help("serve production over `https://`");
    match literal.replace(0..4, "https") {
        Some(edit) => diagnostic.with_fix("use `https://`", vec![edit]),
        None => diagnostic,
    }
}

/// Checks `atoms` as an `http(s)://host…` URL.
fn parse(atoms: &[Atom]) -> Result<Scheme, Problem> {
    const HELP: &str = "write a full address, such as `https://api.example.com`";
    if atoms.is_empty() {
        return Err(Problem::new(0..0, "it is empty", "no address", HELP));
    }
    if let Some(space) = literal_text::first_space(atoms) {
        return Err(Problem::new(
            space..space + 1,
            "it contains a space",
            "not allowed in a url",
            "write a space in a path as `%20`",
        ));
    }
    let literal_start: String = atoms.iter().map_while(|atom| atom.character).collect();
    let lower = literal_start.to_ascii_lowercase();
    let (scheme, host_start) = if lower.starts_with("https://") {
        (Scheme::Https, 8)
    } else if lower.starts_with("http://") {
        (Scheme::Http, 7)
    } else if let Some(separator) = literal_start.find("://") {
        let scheme_length = literal_start
            .get(..separator)
            .map_or(0, |scheme| scheme.chars().count());
        return Err(Problem::new(
            0..scheme_length,
            format!(
                "the scheme `{}` is not `http` or `https`",
                literal_text::display_chars(
                    literal_start.get(..separator).unwrap_or_default().chars()
                )
            ),
            "not a web address",
            HELP,
        ));
    } else if literal_start.chars().count() < atoms.len()
        && ("https://".starts_with(&lower) || "http://".starts_with(&lower))
    {
        // `${base_url}/health`: the interpolation holds the scheme.
        return Ok(Scheme::Unknown);
    } else {
        let missing = Problem::new(
            0..0,
            "it does not start with `http://` or `https://`",
            "no scheme",
            HELP,
        );
        let looks_like_host = atoms
            .first()
            .and_then(|atom| atom.character)
            .is_some_and(|c| c.is_ascii_alphanumeric());
        return Err(if looks_like_host {
            missing
                .with_help(format!("write `https://{}`", literal_text::display(atoms)))
                .with_fix("add `https://`", vec![(0..0, "https://".to_owned())])
        } else {
            missing
        });
    };
    let authority_end = atoms
        .iter()
        .enumerate()
        .skip(host_start)
        .find(|(_, atom)| atom.is('/') || atom.is('?') || atom.is('#'))
        .map_or(atoms.len(), |(index, _)| index);
    let authority = atoms.get(host_start..authority_end).unwrap_or_default();
    // `user@host:port`: the host is what lies between.
    let host_begin = authority
        .iter()
        .rposition(|atom| atom.is('@'))
        .map_or(0, |at| at + 1);
    let host = authority.get(host_begin..).unwrap_or_default();
    let host_end = if host.iter().any(|atom| atom.is('[')) {
        host.len()
    } else {
        host.iter()
            .rposition(|atom| atom.is(':'))
            .unwrap_or(host.len())
    };
    if host.get(..host_end).unwrap_or_default().is_empty() {
        let at = host_start + host_begin;
        return Err(Problem::new(
            at.saturating_sub(1)..at,
            "the host is empty",
            "no host after this",
            HELP,
        ));
    }
    Ok(scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Scheme, String> {
        let mut atoms = Vec::new();
        for (index, piece) in text.split("{}").enumerate() {
            if index > 0 {
                atoms.push(Atom {
                    character: None,
                    span: None,
                });
            }
            atoms.extend(piece.chars().map(|character| Atom {
                character: Some(character),
                span: None,
            }));
        }
        parse(&atoms).map_err(|problem| problem.what)
    }

    #[test]
    fn web_addresses_pass() {
        assert_eq!(parsed("https://api.example.com"), Ok(Scheme::Https));
        assert_eq!(parsed("HTTP://localhost:8080/health?x=1"), Ok(Scheme::Http));
        assert_eq!(parsed("https://user@[::1]:8443/"), Ok(Scheme::Https));
        assert_eq!(parsed("https://{}.example.com"), Ok(Scheme::Https));
        assert_eq!(parsed("https://{}"), Ok(Scheme::Https));
        assert_eq!(parsed("{}/health"), Ok(Scheme::Unknown));
        assert_eq!(parsed("http{}"), Ok(Scheme::Unknown));
    }

    #[test]
    fn malformed_addresses_fail() {
        for text in [
            "",
            "api.example.com",
            "ftp://files.example.com",
            "https://",
            "https:///path",
            "https://:443",
            "https://api example.com",
            "https://user@",
            "//api.example.com",
            "{}://x y",
        ] {
            assert!(parsed(text).is_err(), "{text} should be invalid");
        }
    }
}
