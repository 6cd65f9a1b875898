//! The grammar of image references (`distribution/reference`, the one the
//! Docker daemon, registries and Kubernetes share), on the atoms of a
//! literal:
//!
//! ```text
//! reference := name [ ":" tag ] [ "@" "sha256:" 64 lowercase hex digits ]
//! name      := [ host [ ":" port ] "/" ] component { "/" component }
//! component := [a-z0-9]+ { ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ }
//! tag       := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
//! ```
//!
//! The first component is a host when it holds a `.` or a `:` or is
//! `localhost`. An interpolation may stand for any run of characters of
//! the part it is in (a tag, a component or part of one), so only literal
//! characters are judged, and a rule at a part's edge is checked only where
//! the edge is literal.

use std::ops::Range;

use crate::check::literal_text::{self, Atom, Problem};

use super::host::check_host;

/// How a valid reference chooses the image's version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pin {
    /// `@sha256:…`: one image, forever.
    Digest,
    /// `:latest`, which moves with every push.
    Latest,
    /// Any other tag.
    Tag,
    /// No tag: the registry serves `latest`.
    Untagged,
    /// An interpolation may hold the tag.
    Unknown,
}

const COMPONENT_HELP: &str = "a repository name is lowercase letters and digits, separated by `/` between components and by `.`, `_`, `__` or `-` within one";
const TAG_HELP: &str = "a tag is up to 128 letters, digits, `_`, `.` and `-`, and starts with a letter, a digit or `_`";

/// Checks `atoms` as an image reference.
pub fn parse(atoms: &[Atom]) -> Result<Pin, Problem> {
    if atoms.is_empty() {
        return Err(Problem::new(
            0..0,
            "it is empty",
            "no image",
            "write an image such as `python:3.12-slim`, or remove `image`",
        ));
    }
    if let Some(space) = literal_text::first_space(atoms) {
        return Err(Problem::new(
            space..space + 1,
            "it contains a space",
            "not allowed in an image reference",
            "remove the space; names and tags join words with `-`, `_` or `.`",
        ));
    }
    let at_sign = atoms.iter().position(|atom| atom.is('@'));
    let name_end = at_sign.unwrap_or(atoms.len());
    let last_slash = atoms
        .get(..name_end)
        .unwrap_or_default()
        .iter()
        .rposition(|atom| atom.is('/'));
    let after_slash = last_slash.map_or(0, |slash| slash + 1);
    let tag_colon = atoms
        .get(after_slash..name_end)
        .unwrap_or_default()
        .iter()
        .rposition(|atom| atom.is(':'))
        .map(|offset| after_slash + offset);
    let path_end = tag_colon.unwrap_or(name_end);
    let mut uppercase = Vec::new();
    check_name(atoms, 0..path_end, &mut uppercase)?;
    if let Some(colon) = tag_colon {
        check_tag(atoms, colon + 1..name_end)?;
    }
    if let Some(at_sign) = at_sign {
        check_digest(atoms, at_sign + 1..atoms.len())?;
    }
    if !uppercase.is_empty() {
        return Err(lowercase(atoms, &uppercase));
    }
    let last_component = atoms
        .get(last_slash.map_or(0, |slash| slash + 1)..path_end)
        .unwrap_or_default();
    Ok(match (at_sign, tag_colon) {
        (Some(_), _) => Pin::Digest,
        (None, Some(colon)) => {
            let tag = atoms.get(colon + 1..name_end).unwrap_or_default();
            if tag
                .iter()
                .map(|atom| atom.character)
                .eq("latest".chars().map(Some))
            {
                Pin::Latest
            } else {
                Pin::Tag
            }
        }
        (None, None) if last_component.iter().any(|atom| atom.is_opaque()) => Pin::Unknown,
        (None, None) => Pin::Untagged,
    })
}

/// The problem of capitals in the repository name (at `uppercase`, in
/// increasing order), with the fix that lowercases them.
fn lowercase(atoms: &[Atom], uppercase: &[usize]) -> Problem {
    let first = uppercase.first().copied().unwrap_or(0);
    let last = uppercase.last().copied().unwrap_or(0);
    let mut replacements = Vec::with_capacity(uppercase.len());
    let mut lowered = atoms.to_vec();
    for &index in uppercase {
        if let Some(atom) = lowered.get_mut(index)
            && let Some(character) = atom.character
        {
            let lower = character.to_ascii_lowercase();
            atom.character = Some(lower);
            replacements.push((index..index + 1, lower.to_string()));
        }
    }
    Problem::new(first..last + 1, "the repository name has uppercase letters", "repository names are lowercase", COMPONENT_HELP)
        .with_note("registries reject uppercase repository names; only the registry host and the tag may have capitals")
        .with_help(format!("write `{}`", literal_text::display(&lowered)))
        .with_fix("lowercase the repository name", replacements)
}

/// The name: an optional registry host, then path components.
fn check_name(
    atoms: &[Atom],
    name: Range<usize>,
    uppercase: &mut Vec<usize>,
) -> Result<(), Problem> {
    let literal = atoms
        .get(name.clone())
        .unwrap_or_default()
        .iter()
        .filter(|atom| !atom.is_opaque())
        .count();
    if literal > 255 {
        return Err(Problem::new(
            name,
            "the name is longer than 255 characters",
            "too long",
            COMPONENT_HELP,
        ));
    }
    let mut components = Vec::new();
    let mut start = name.start;
    for index in name.clone() {
        if atoms.get(index).is_some_and(|atom| atom.is('/')) {
            components.push(start..index);
            start = index + 1;
        }
    }
    components.push(start..name.end);
    for (position, component) in components.iter().enumerate() {
        if component.is_empty() {
            let slash = if component.start > name.start {
                component.start - 1
            } else {
                component.start
            };
            return Err(Problem::new(
                slash..slash + 1,
                "a path component is empty",
                "nothing on this side of the `/`",
                COMPONENT_HELP,
            ));
        }
        let text = atoms.get(component.clone()).unwrap_or_default();
        let is_first_of_several = position == 0 && components.len() > 1;
        let looks_like_host = text.iter().any(|atom| atom.is('.') || atom.is(':'))
            || text
                .iter()
                .map(|atom| atom.character)
                .eq("localhost".chars().map(Some));
        if is_first_of_several && looks_like_host {
            check_host(atoms, component.clone())?;
            continue;
        }
        let mut component_uppercase = Vec::new();
        let as_path = check_component(atoms, component.clone(), &mut component_uppercase);
        // `${registry}/app`: the interpolation may be a host.
        let may_be_host = is_first_of_several && text.iter().any(|atom| atom.is_opaque());
        match as_path {
            Err(_) if may_be_host && check_host(atoms, component.clone()).is_ok() => {}
            Err(found) => return Err(found),
            Ok(()) if may_be_host => {}
            Ok(()) => uppercase.extend(component_uppercase),
        }
    }
    Ok(())
}

fn check_component(
    atoms: &[Atom],
    component: Range<usize>,
    uppercase: &mut Vec<usize>,
) -> Result<(), Problem> {
    let mut separator: Option<usize> = None;
    for index in component.clone() {
        let Some(atom) = atoms.get(index) else { break };
        let Some(character) = atom.character else {
            // An interpolation ends a separator run without judging it.
            if let Some(start) = separator.take() {
                check_separator(atoms, start..index)?;
            }
            continue;
        };
        if character.is_ascii_uppercase() {
            uppercase.push(index);
        }
        let lower = character.to_ascii_lowercase();
        if matches!(lower, '.' | '_' | '-') {
            if index == component.start || index + 1 == component.end {
                return Err(Problem::new(
                    index..index + 1,
                    "a path component must start and end with a letter or digit",
                    "separator at the edge of a component",
                    COMPONENT_HELP,
                ));
            }
            separator.get_or_insert(index);
            continue;
        }
        if !lower.is_ascii_lowercase() && !lower.is_ascii_digit() {
            return Err(Problem::new(
                index..index + 1,
                format!("`{character}` is not allowed in a repository name"),
                "not allowed here",
                COMPONENT_HELP,
            ));
        }
        if let Some(start) = separator.take() {
            check_separator(atoms, start..index)?;
        }
    }
    Ok(())
}

fn check_separator(atoms: &[Atom], run: Range<usize>) -> Result<(), Problem> {
    let text: String = atoms
        .get(run.clone())
        .unwrap_or_default()
        .iter()
        .filter_map(|atom| atom.character)
        .collect();
    if matches!(text.as_str(), "." | "_" | "__") || text.chars().all(|c| c == '-') {
        return Ok(());
    }
    Err(Problem::new(
        run,
        format!("`{text}` is not a valid separator"),
        "invalid separator",
        COMPONENT_HELP,
    ))
}

fn check_tag(atoms: &[Atom], tag: Range<usize>) -> Result<(), Problem> {
    let text = atoms.get(tag.clone()).unwrap_or_default();
    if text.is_empty() {
        let colon = tag.start.saturating_sub(1);
        return Err(Problem::new(
            colon..colon + 1,
            "the tag after `:` is empty",
            "no tag after this `:`",
            TAG_HELP,
        ));
    }
    if text.iter().filter(|atom| !atom.is_opaque()).count() > 128 {
        return Err(Problem::new(
            tag,
            "the tag is longer than 128 characters",
            "too long",
            TAG_HELP,
        ));
    }
    for (offset, atom) in text.iter().enumerate() {
        let Some(character) = atom.character else {
            continue;
        };
        let allowed = character.is_ascii_alphanumeric()
            || character == '_'
            || (offset > 0 && matches!(character, '.' | '-'));
        if !allowed {
            let index = tag.start + offset;
            let what = if offset == 0 {
                format!("the tag cannot start with `{character}`")
            } else {
                format!("`{character}` is not allowed in a tag")
            };
            return Err(Problem::new(
                index..index + 1,
                what,
                "not allowed in a tag",
                TAG_HELP,
            ));
        }
    }
    Ok(())
}

/// `sha256:` and 64 lowercase hex digits; with interpolations, only the
/// literal characters are judged.
fn check_digest(atoms: &[Atom], digest: Range<usize>) -> Result<(), Problem> {
    let text = atoms.get(digest.clone()).unwrap_or_default();
    let valid = match text
        .iter()
        .map(|atom| atom.character)
        .collect::<Option<String>>()
    {
        Some(literal) => literal.strip_prefix("sha256:").is_some_and(|hex| {
            hex.len() == 64
                && hex
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        }),
        None => text
            .iter()
            .filter_map(|atom| atom.character)
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == ':'),
    };
    if valid {
        return Ok(());
    }
    let at = if text.is_empty() {
        digest.start.saturating_sub(1)..digest.start
    } else {
        digest
    };
    Err(Problem::new(
        at,
        "the digest is not `sha256:` and 64 lowercase hex digits",
        "invalid digest",
        "copy the digest from the registry or the build output: `@sha256:` and 64 hex digits",
    ))
}
