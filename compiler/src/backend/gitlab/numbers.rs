//! Ordering comparisons for GitLab's `rules: if:`, which compares only
//! text: `x >= 3` becomes `$X =~ /^(…)$/`, a regular expression matching
//! exactly the decimal integers (no sign for positives, no leading zeros)
//! that are at least 3. `x < 3` is the negated match of the same
//! expression, and `x > 3` is `x >= 4`.
//!
//! The expression is built digit by digit: the numbers with more digits
//! than the bound, then, for each position, the numbers that agree with
//! the bound before it and have a larger digit there.

/// One alternative: a run of digit classes, each `(low, high, times)`.
type Alternative = Vec<(u8, u8, Repeat)>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Repeat {
    Exactly(usize),
    AtLeast(usize),
    Between(usize, usize),
}

/// An anchored regex for the canonical decimal integers `>= bound`.
pub fn at_least(bound: i64) -> String {
    let alternatives = at_least_alternatives(bound);
    render(&alternatives)
}

/// `(negative, digits)` alternatives: the sign and the digit classes.
fn at_least_alternatives(bound: i64) -> Vec<(bool, Alternative)> {
    let mut out = Vec::new();
    if bound > 0 {
        for alternative in positive_at_least(&digits(bound.unsigned_abs())) {
            out.push((false, alternative));
        }
    } else {
        out.push((false, vec![(b'0', b'0', Repeat::Exactly(1))]));
        out.push((
            false,
            vec![
                (b'1', b'9', Repeat::Exactly(1)),
                (b'0', b'9', Repeat::AtLeast(0)),
            ],
        ));
        if bound < 0 {
            for alternative in positive_at_most(&digits(bound.unsigned_abs())) {
                out.push((true, alternative));
            }
        }
    }
    out
}

fn digits(number: u64) -> Vec<u8> {
    number.to_string().into_bytes()
}

/// The positive integers `>= bound` (given as its digits, no leading zero).
fn positive_at_least(bound: &[u8]) -> Vec<Alternative> {
    let length = bound.len();
    let mut out = vec![vec![
        (b'1', b'9', Repeat::Exactly(1)),
        (b'0', b'9', Repeat::AtLeast(length)),
    ]];
    out.push(bound.iter().map(|&d| (d, d, Repeat::Exactly(1))).collect());
    for (position, &digit) in bound.iter().enumerate() {
        if digit == b'9' {
            continue;
        }
        let mut alternative: Alternative = bound[..position]
            .iter()
            .map(|&d| (d, d, Repeat::Exactly(1)))
            .collect();
        alternative.push((digit + 1, b'9', Repeat::Exactly(1)));
        alternative.push((b'0', b'9', Repeat::Exactly(length - position - 1)));
        out.push(alternative);
    }
    out
}

/// The positive integers from 1 to `bound` (its digits, no leading zero).
fn positive_at_most(bound: &[u8]) -> Vec<Alternative> {
    let length = bound.len();
    let mut out = Vec::new();
    if length >= 2 {
        out.push(vec![
            (b'1', b'9', Repeat::Exactly(1)),
            (b'0', b'9', Repeat::Between(0, length - 2)),
        ]);
    }
    out.push(bound.iter().map(|&d| (d, d, Repeat::Exactly(1))).collect());
    for (position, &digit) in bound.iter().enumerate() {
        let lowest = if position == 0 { b'1' } else { b'0' };
        if digit <= lowest {
            continue;
        }
        let mut alternative: Alternative = bound[..position]
            .iter()
            .map(|&d| (d, d, Repeat::Exactly(1)))
            .collect();
        alternative.push((lowest, digit - 1, Repeat::Exactly(1)));
        alternative.push((b'0', b'9', Repeat::Exactly(length - position - 1)));
        out.push(alternative);
    }
    out
}

fn render(alternatives: &[(bool, Alternative)]) -> String {
    let parts: Vec<String> = alternatives
        .iter()
        .map(|(negative, classes)| {
            let mut text = String::new();
            if *negative {
                text.push('-');
            }
            for &(low, high, repeat) in classes {
                if matches!(repeat, Repeat::Exactly(0) | Repeat::Between(0, 0)) {
                    continue;
                }
                if low == high {
                    text.push(char::from(low));
                } else if low == b'0' && high == b'9' {
                    text.push_str("[0-9]");
                } else {
                    text.push_str(&format!("[{}-{}]", char::from(low), char::from(high)));
                }
                match repeat {
                    Repeat::Exactly(1) => {}
                    Repeat::Exactly(count) => text.push_str(&format!("{{{count}}}")),
                    Repeat::AtLeast(0) => text.push('*'),
                    Repeat::AtLeast(1) => text.push('+'),
                    Repeat::AtLeast(count) => text.push_str(&format!("{{{count},}}")),
                    Repeat::Between(low, high) => text.push_str(&format!("{{{low},{high}}}")),
                }
            }
            text
        })
        .collect();
    format!("^({})$", parts.join("|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the alternatives match `text`: a direct reading of them,
    /// to compare with integer arithmetic.
    fn matches(alternatives: &[(bool, Alternative)], text: &str) -> bool {
        alternatives.iter().any(|(negative, classes)| {
            let Some(rest) = (if *negative {
                text.strip_prefix('-')
            } else {
                (!text.starts_with('-')).then_some(text)
            }) else {
                return false;
            };
            matches_classes(classes, rest.as_bytes())
        })
    }

    fn matches_classes(classes: &[(u8, u8, Repeat)], text: &[u8]) -> bool {
        let Some((&(low, high, repeat), rest)) = classes.split_first() else {
            return text.is_empty();
        };
        let (minimum, maximum) = match repeat {
            Repeat::Exactly(count) => (count, count),
            Repeat::AtLeast(count) => (count, text.len()),
            Repeat::Between(low, high) => (low, high),
        };
        (minimum..=maximum.min(text.len())).any(|taken| {
            text[..taken].iter().all(|byte| (low..=high).contains(byte))
                && matches_classes(rest, &text[taken..])
        })
    }

    #[test]
    fn the_expression_matches_exactly_the_integers_at_least_the_bound() {
        for bound in -120..=1200 {
            let alternatives = at_least_alternatives(bound);
            for number in -1300..=1300_i64 {
                assert_eq!(
                    matches(&alternatives, &number.to_string()),
                    number >= bound,
                    "{number} >= {bound} with {}",
                    render(&alternatives)
                );
            }
            assert!(
                !matches(&alternatives, "03"),
                "leading zeros are not numbers"
            );
            assert!(!matches(&alternatives, ""));
        }
    }

    #[test]
    fn expressions_read_as_a_person_would_write_them() {
        assert_eq!(at_least(3), "^([1-9][0-9]+|3|[4-9])$");
        assert_eq!(at_least(0), "^(0|[1-9][0-9]*)$");
        assert_eq!(at_least(-5), "^(0|[1-9][0-9]*|-5|-[1-4])$");
        assert_eq!(at_least(50), "^([1-9][0-9]{2,}|50|[6-9][0-9]|5[1-9])$");
    }
}
