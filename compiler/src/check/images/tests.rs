//! Unit tests of the image reference grammar.

use super::reference::{Pin, parse};
use crate::check::literal_text::Atom;

/// Atoms of `text`, where `{}` stands for an interpolation.
fn atoms(text: &str) -> Vec<Atom> {
    let mut atoms = Vec::new();
    let mut rest = text;
    while let Some(character) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("{}") {
            atoms.push(Atom {
                character: None,
                span: None,
            });
            rest = after;
        } else {
            atoms.push(Atom {
                character: Some(character),
                span: None,
            });
            rest = rest.get(character.len_utf8()..).unwrap_or_default();
        }
    }
    atoms
}

fn pin(text: &str) -> Result<Pin, String> {
    parse(&atoms(text)).map_err(|problem| problem.what)
}

#[test]
fn valid_references_pass_with_their_pin() {
    let digest = format!("alpine@sha256:{}", "a".repeat(64));
    for (text, expected) in [
        ("python:3.12-slim", Pin::Tag),
        ("rust", Pin::Untagged),
        ("timescale/timescaledb:2.14.2-pg15", Pin::Tag),
        ("ghcr.io/acme/api:{}", Pin::Tag),
        ("localhost:5000/team/app:v1", Pin::Tag),
        ("[::1]:5000/app:1", Pin::Tag),
        ("registry.example.com/team/app:latest", Pin::Latest),
        ("Registry.Example.com/app:V1", Pin::Tag),
        ("python:{}", Pin::Tag),
        ("node:{}-slim", Pin::Tag),
        ("{}/{}:{}", Pin::Tag),
        ("{}/app", Pin::Untagged),
        ("ghcr.io/acme/{}", Pin::Unknown),
        ("{}", Pin::Unknown),
        ("a__b/c-d---e.f:Tag_1", Pin::Tag),
        (digest.as_str(), Pin::Digest),
        ("app@{}", Pin::Digest),
        ("app:1.0@sha256:{}", Pin::Digest),
    ] {
        assert_eq!(pin(text), Ok(expected), "{text}");
    }
}

#[test]
fn invalid_references_fail() {
    for text in [
        "",
        "python 3",
        "python:",
        "python:-x",
        "python:a/b",
        "ghcr.io//api",
        "/api",
        "api/",
        "-api",
        "a..b",
        "a___b",
        "a_-b",
        "ghcr.io/acme/api!",
        "ghcr-.io/api",
        "localhost:port/api",
        "app@sha256:abc",
        "app@md5:0",
        "app@sha256:{}X",
        "Acme/api",
        "python:{}-slim!",
    ] {
        assert!(pin(text).is_err(), "{text} should be invalid");
    }
    let long_tag = format!("app:{}", "a".repeat(129));
    assert!(pin(&long_tag).is_err());
}

#[test]
fn uppercase_in_the_repository_is_lowercased_by_the_fix() {
    let lowercased = |text: &str| {
        let fix = parse(&atoms(text)).err()?.fix?;
        let ranges: Vec<_> = fix.replacements.iter().map(|(at, _)| at.start).collect();
        Some(ranges)
    };
    assert_eq!(
        lowercased("ghcr.io/Acme/API:1.0"),
        Some(vec![8, 13, 14, 15])
    );
    // Another problem comes first, so lowercasing would not be enough.
    assert_eq!(lowercased("ghcr.io/Acme//api"), None);
}
