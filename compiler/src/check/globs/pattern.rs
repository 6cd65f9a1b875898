//! The grammar of filter patterns, on characters: the first problem of a
//! pattern, with a fix when a simple edit makes it valid. GitHub's rules are
//! those of its filter pattern cheat sheet and of actionlint's validator;
//! Git's ref rules come from `git check-ref-format`.

use std::ops::Range;

use crate::check::literal_text::{self, Problem};

/// Why a branch pattern with some character can never match.
const REF_RULES: &str = "Git forbids spaces, `~`, `^`, `:` and `\\` in branch and tag names, and a `/` or `.` at either end (`git check-ref-format`), so this pattern matches nothing";

/// What a pattern is matched against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GlobKind {
    /// Branch and tag names, which Git restricts (`man git-check-ref-format`).
    Ref,
    /// File paths relative to the repository root.
    Path,
}

/// The first problem of `pattern`; a fix is kept only when the pattern it
/// produces has no problem left.
pub fn glob_problem(pattern: &[char], kind: GlobKind) -> Option<Problem> {
    let mut problem = first_problem(pattern, kind)?;
    if let Some(fix) = &problem.fix {
        let fixed = literal_text::apply(pattern, &fix.replacements);
        problem = if first_problem(&fixed, kind).is_some() {
            Problem {
                fix: None,
                ..problem
            }
        } else {
            problem.with_help(format!("write `{}`", literal_text::display_chars(fixed)))
        };
    }
    Some(problem)
}

/// A fix that replaces the problem's characters with `replacement`.
fn replacing(problem: Problem, replacement: &str, message: impl Into<String>) -> Problem {
    let at = problem.at.clone();
    problem.with_fix(message, vec![(at, replacement.to_owned())])
}

fn first_problem(pattern: &[char], kind: GlobKind) -> Option<Problem> {
    if pattern.is_empty() {
        return Some(Problem::new(
            0..0,
            "the pattern is empty",
            "matches nothing",
            "remove it, or write a pattern such as `main` or `src/**`",
        ));
    }
    let leading = pattern.iter().take_while(|c| c.is_whitespace()).count();
    if leading > 0 {
        let found = Problem::new(
            0..leading,
            "it starts with a space",
            "leading space",
            "remove the spaces",
        )
        .with_note("CI services compare patterns as written, spaces included");
        return Some(replacing(found, "", "remove the spaces"));
    }
    let trailing = pattern
        .iter()
        .rev()
        .take_while(|c| c.is_whitespace())
        .count();
    if trailing > 0 {
        let found = Problem::new(
            pattern.len() - trailing..pattern.len(),
            "it ends with a space",
            "trailing space",
            "remove the spaces",
        )
        .with_note("CI services compare patterns as written, spaces included");
        return Some(replacing(found, "", "remove the spaces"));
    }
    let start = usize::from(pattern.first() == Some(&'!'));
    if start == pattern.len() {
        return Some(Problem::new(
            0..1,
            "`!` negates nothing",
            "a pattern must follow `!`",
            "write the pattern to exclude after `!`, as in `!docs/**`",
        ));
    }
    if let Some(found) = prefix_problem(pattern, start, kind) {
        return Some(found);
    }
    scan(pattern, start, kind)
}

/// A leading `./` or `/` of a path, or a leading `/` of a branch name.
fn prefix_problem(pattern: &[char], start: usize, kind: GlobKind) -> Option<Problem> {
    let rest = pattern.get(start..).unwrap_or_default();
    let mut length = 0;
    loop {
        match rest.get(length..) {
            Some(['.', '/', ..]) if kind == GlobKind::Path => length += 2,
            Some(['/', ..]) => length += 1,
            _ => break,
        }
    }
    if length == 0 {
        return None;
    }
    let prefix = literal_text::display_chars(rest.iter().take(length).copied());
    let found = match kind {
        GlobKind::Path => Problem::new(
            start..start + length,
            format!("a path filter cannot start with `{prefix}`"),
            "paths are matched from the repository root",
            "remove the prefix",
        )
        .with_note("GitHub and GitLab match changed paths relative to the repository root, without `./` or `/`, so this pattern matches nothing"),
        GlobKind::Ref => Problem::new(
            start..start + length,
            "branch and tag names cannot start with `/`",
            "no branch or tag starts like this",
            "remove the `/`",
        ),
    };
    Some(replacing(
        found,
        "",
        format!("remove the leading `{prefix}`"),
    ))
}

/// Walks the pattern once: escapes, repetition operators, character
/// classes, `**` segments and the characters Git forbids in ref names.
fn scan(pattern: &[char], start: usize, kind: GlobKind) -> Option<Problem> {
    let mut index = start;
    // Whether the previous element can be repeated by `?` or `+`.
    let mut repeatable = false;
    let mut segment_start = start;
    let mut double_star: Option<Range<usize>> = None;
    while let Some(&character) = pattern.get(index) {
        match character {
            '\\' if kind == GlobKind::Ref => {
                return Some(
                    Problem::new(
                        index..index + 1,
                        "branch and tag names cannot contain `\\`",
                        "not allowed in a branch or tag name",
                        "remove it; no branch or tag name contains `\\`, `*`, `?` or `[`, so there is nothing to escape",
                    )
                    .with_note(REF_RULES),
                );
            }
            '\\' => {
                if matches!(
                    pattern.get(index + 1),
                    Some('[' | ']' | '?' | '*' | '+' | '\\' | '!')
                ) {
                    index += 1;
                }
                repeatable = true;
            }
            '?' | '+' => {
                if !repeatable {
                    return Some(Problem::new(
                        index..index + 1,
                        format!("`{character}` has nothing to repeat"),
                        "must follow a character or a `[…]` class",
                        "escape it with a backslash to match the character itself",
                    )
                    .with_note("in GitHub's patterns `?` and `+` repeat the character before them; GitHub rejects the workflow otherwise"));
                }
                repeatable = false;
            }
            '*' => {
                let run = pattern
                    .get(index..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|&&c| c == '*')
                    .count();
                if run >= 2 && double_star.is_none() {
                    double_star = Some(index..index + run);
                }
                index += run;
                repeatable = false;
                continue;
            }
            '[' => {
                match character_class(pattern, index) {
                    Ok(close) => index = close,
                    Err(found) => return Some(*found),
                }
                repeatable = true;
            }
            ']' => {
                return Some(Problem::new(
                    index..index + 1,
                    "`]` closes nothing",
                    "no `[` before it",
                    "remove it, or open the character class with `[`",
                ));
            }
            '/' => {
                if let Some(found) = glued_double_star(segment_start..index, double_star.take()) {
                    return Some(found);
                }
                segment_start = index + 1;
                repeatable = true;
            }
            '\n' | '\r' => {
                return Some(Problem::new(
                    index..index + 1,
                    "it contains a line break",
                    "line break",
                    "write one pattern per list element",
                ));
            }
            ' ' | '\t' | '~' | '^' | ':' if kind == GlobKind::Ref => {
                let what = if character.is_whitespace() {
                    "spaces".to_owned()
                } else {
                    format!("`{character}`")
                };
                return Some(
                    Problem::new(
                        index..index + 1,
                        format!("branch and tag names cannot contain {what}"),
                        "not allowed in a branch or tag name",
                        "remove the character",
                    )
                    .with_note(REF_RULES),
                );
            }
            _ => repeatable = true,
        }
        index += 1;
    }
    if let Some(found) = glued_double_star(segment_start..pattern.len(), double_star) {
        return Some(found);
    }
    match (kind, pattern.last()) {
        (GlobKind::Ref, Some(last @ ('/' | '.'))) => Some(
            Problem::new(
                pattern.len() - 1..pattern.len(),
                format!("branch and tag names cannot end with `{last}`"),
                "no branch or tag ends like this",
                "remove the last character, or end the pattern with `*`",
            )
            .with_note(REF_RULES),
        ),
        _ => None,
    }
}

/// Checks the character class opening at `open`; returns the position of
/// its closing `]`.
fn character_class(pattern: &[char], open: usize) -> Result<usize, Box<Problem>> {
    const HELP: &str = "a class such as `[0-9]` or `[abc]` matches one of its characters";
    if pattern.get(open + 1) == Some(&']') {
        return Err(Box::new(Problem::new(
            open..open + 2,
            "the character class `[]` is empty",
            "matches no character",
            HELP,
        )));
    }
    let mut index = open + 1;
    while let Some(&character) = pattern.get(index) {
        match (character, pattern.get(index + 1), pattern.get(index + 2)) {
            (']', _, _) => return Ok(index),
            (first, Some('-'), Some(']')) => {
                return Err(Box::new(Problem::new(
                    index..index + 2,
                    format!("the range `{first}-` has no end"),
                    "range without an end",
                    HELP,
                )));
            }
            (first, Some('-'), Some(&last)) => {
                if first > last {
                    return Err(Box::new(Problem::new(
                        index..index + 3,
                        format!("the range `{first}-{last}` runs backwards"),
                        "start after end",
                        HELP,
                    )));
                }
                index += 3;
            }
            _ => index += 1,
        }
    }
    Err(Box::new(Problem::new(
        open..open + 1,
        "`[` is never closed",
        "this class has no `]`",
        "close the character class with `]`",
    )))
}

/// A `**` that shares its path segment with other characters: GitHub reads
/// `**.js` as any `.js` file at any depth, GitLab (`fnmatch`) as one in the
/// top directory. At the start of a segment the fix spells out GitHub's
/// meaning, `**/*.js`, which both read alike.
fn glued_double_star(segment: Range<usize>, double_star: Option<Range<usize>>) -> Option<Problem> {
    let run = double_star?;
    if run == segment {
        return None;
    }
    let found = Problem::new(
        run.clone(),
        "`**` is glued to other characters",
        "`**` must be a whole path segment",
        "write `**` alone between slashes, or `*` to stay within one directory",
    )
    .with_note("GitHub lets a glued `**` match across directories, GitLab reads it as `*`: the pattern would select different files on each");
    if run.start == segment.start {
        return Some(replacing(found, "**/*", "match at any depth with `**/*`"));
    }
    Some(found)
}
