//! Branch, tag and path patterns: one meaning on every target.
//!
//! `*` matches any run of characters except `/`; `**` matches any run,
//! `/` included; `?` matches one character except `/`; `[abc]` and `[a-z]`
//! match one character of the set. Everything else matches itself. This is
//! the common ground of GitHub's filter patterns and of the regular
//! expressions GitLab and Argo compare with, into which [`to_regex`]
//! translates a pattern.

/// Whether `text` matches `pattern`. Linear in practice: the matcher
/// backtracks only to the last star, as shell globbing does.
pub fn matches(pattern: &str, text: &str) -> bool {
    // Branch filters are mostly names and `prefix/*`: the job plans test
    // every job's condition against them, so these skip the matcher.
    if is_literal(pattern) {
        return pattern == text;
    }
    if let Some(prefix) = pattern.strip_suffix("**")
        && is_literal(prefix)
    {
        return text.starts_with(prefix);
    }
    if let Some(prefix) = pattern.strip_suffix('*')
        && is_literal(prefix)
    {
        return text
            .strip_prefix(prefix)
            .is_some_and(|rest| !rest.contains('/'));
    }
    matches_in_general(pattern, text)
}

fn matches_in_general(pattern: &str, text: &str) -> bool {
    let pattern: Vec<Token> = tokens(pattern);
    let text: Vec<char> = text.chars().collect();
    matches_from(&pattern, &text)
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Char(char),
    /// `?`
    One,
    /// `*`
    Segment,
    /// `**`
    Any,
    /// `[…]`: ranges `(low, high)`, negated with `!` or `^`.
    Set(Vec<(char, char)>, bool),
}

fn tokens(pattern: &str) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::with_capacity(chars.len());
    let mut index = 0;
    while let Some(&current) = chars.get(index) {
        match current {
            '*' if chars.get(index + 1) == Some(&'*') => {
                tokens.push(Token::Any);
                index += 2;
            }
            '*' => {
                tokens.push(Token::Segment);
                index += 1;
            }
            '?' => {
                tokens.push(Token::One);
                index += 1;
            }
            '[' => match set(&chars, index + 1) {
                Some((token, next)) => {
                    tokens.push(token);
                    index = next;
                }
                None => {
                    tokens.push(Token::Char('['));
                    index += 1;
                }
            },
            other => {
                tokens.push(Token::Char(other));
                index += 1;
            }
        }
    }
    tokens
}

/// Reads a set after its `[`; returns it and the index after its `]`.
fn set(chars: &[char], start: usize) -> Option<(Token, usize)> {
    let mut index = start;
    let negated = matches!(chars.get(index), Some('!' | '^'));
    if negated {
        index += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let current = *chars.get(index)?;
        if current == ']' && !first {
            return Some((Token::Set(ranges, negated), index + 1));
        }
        first = false;
        if chars.get(index + 1) == Some(&'-')
            && let Some(&high) = chars.get(index + 2)
            && high != ']'
        {
            ranges.push((current, high));
            index += 3;
        } else {
            ranges.push((current, current));
            index += 1;
        }
    }
}

fn matches_from(pattern: &[Token], text: &[char]) -> bool {
    // The classic wildcard algorithm, with one backtrack point for the last
    // `*` and one for the last `**`: a `*` may not cross a `/`; when it
    // cannot grow, the last `**` grows instead, which may cross anything.
    let (mut p, mut t) = (0, 0);
    let mut segment_star: Option<(usize, usize)> = None;
    let mut any_star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(Token::Any) => {
                any_star = Some((p, t));
                segment_star = None;
                p += 1;
            }
            Some(Token::Segment) => {
                segment_star = Some((p, t));
                p += 1;
            }
            Some(token) if single(token, text[t]) => {
                p += 1;
                t += 1;
            }
            _ => {
                if let Some((star_p, star_t)) = segment_star
                    && text[star_t] != '/'
                {
                    segment_star = Some((star_p, star_t + 1));
                    p = star_p + 1;
                    t = star_t + 1;
                } else if let Some((star_p, star_t)) = any_star {
                    any_star = Some((star_p, star_t + 1));
                    segment_star = None;
                    p = star_p + 1;
                    t = star_t + 1;
                } else {
                    return false;
                }
            }
        }
    }
    pattern[p.min(pattern.len())..]
        .iter()
        .all(|token| matches!(token, Token::Any | Token::Segment))
}

fn single(token: &Token, character: char) -> bool {
    match token {
        Token::Char(expected) => *expected == character,
        Token::One => character != '/',
        Token::Set(ranges, negated) => {
            ranges
                .iter()
                .any(|(low, high)| (*low..=*high).contains(&character))
                != *negated
        }
        Token::Segment | Token::Any => false,
    }
}

/// The pattern as an anchored regular expression (RE2 and Go syntax, which
/// GitLab and Argo use): `feature/*` is `^feature/[^/]*$`.
pub fn to_regex(pattern: &str) -> String {
    let mut regex = String::from("^");
    for token in tokens(pattern) {
        match token {
            Token::Char(character) => {
                if "\\.+*?()|[]{}^$/".contains(character) {
                    regex.push('\\');
                }
                regex.push(character);
            }
            Token::One => regex.push_str("[^/]"),
            Token::Segment => regex.push_str("[^/]*"),
            Token::Any => regex.push_str(".*"),
            Token::Set(ranges, negated) => {
                regex.push('[');
                if negated {
                    regex.push('^');
                }
                for (low, high) in ranges {
                    push_set_char(&mut regex, low);
                    if low != high {
                        regex.push('-');
                        push_set_char(&mut regex, high);
                    }
                }
                regex.push(']');
            }
        }
    }
    regex.push('$');
    regex
}

fn push_set_char(regex: &mut String, character: char) {
    if "\\]^-[".contains(character) {
        regex.push('\\');
    }
    regex.push(character);
}

/// The literal text before the first wildcard, and whether the rest is a
/// single `**` (so that the pattern is a plain prefix test).
pub fn as_prefix(pattern: &str) -> Option<&str> {
    let prefix = pattern.strip_suffix("**")?;
    (!prefix.contains(['*', '?', '['])).then_some(prefix)
}

/// Whether the pattern has no wildcard at all.
pub fn is_literal(pattern: &str) -> bool {
    !pattern.contains(['*', '?', '['])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shortcuts_for_names_and_prefixes_agree_with_the_matcher() {
        let patterns = [
            "main",
            "release/*",
            "release/**",
            "*",
            "**",
            "v*",
            "",
            "a*b",
            "a/*/c",
            "[ab]*",
        ];
        let texts = [
            "main",
            "mainline",
            "release/1.0",
            "release/1.0/hotfix",
            "release",
            "release/",
            "",
            "v1",
            "v1/x",
            "ab",
            "a/b/c",
            "b",
        ];
        for pattern in patterns {
            for text in texts {
                assert_eq!(
                    matches(pattern, text),
                    matches_in_general(pattern, text),
                    "`{pattern}` against `{text}`"
                );
            }
        }
    }

    #[test]
    fn a_single_star_stops_at_a_slash_and_a_double_star_does_not() {
        assert!(matches("feature/*", "feature/login"));
        assert!(!matches("feature/*", "feature/a/b"));
        assert!(matches("feature/**", "feature/a/b"));
        assert!(matches("**/*.py", "src/app/main.py"));
        assert!(matches("v*", "v1.2.3"));
        assert!(!matches("v*", "release"));
        assert!(matches("main", "main"));
        assert!(!matches("main", "maint"));
        assert!(matches("**/x/*", "a/x/b/x/c"));
        assert!(!matches("*/x", "a/b/x"));
    }

    #[test]
    fn sets_and_single_characters_match_one_character() {
        assert!(matches("v[0-9].*", "v1.2"));
        assert!(!matches("v[0-9].*", "vx.2"));
        assert!(matches("release-?", "release-1"));
        assert!(!matches("release-?", "release-/"));
        assert!(matches("[!a]bc", "xbc"));
    }

    #[test]
    fn regular_expressions_agree_with_the_matcher() {
        assert_eq!(to_regex("feature/*"), "^feature\\/[^/]*$");
        assert_eq!(to_regex("v*.*"), "^v[^/]*\\.[^/]*$");
        assert_eq!(to_regex("src/**"), "^src\\/.*$");
        assert_eq!(to_regex("[a-c]x"), "^[a-c]x$");
    }

    #[test]
    fn prefixes_are_recognised_only_for_a_trailing_double_star() {
        assert_eq!(as_prefix("release/**"), Some("release/"));
        assert_eq!(as_prefix("release/*"), None);
        assert_eq!(as_prefix("r*/**"), None);
    }
}
