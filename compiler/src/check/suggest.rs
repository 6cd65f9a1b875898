//! "Did you mean" suggestions by edit distance.

/// The candidate closest to `name`, if it is close enough to be a likely
/// typo: within a third of the name's length (at least one edit).
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|candidate| *candidate != name)
        .map(|candidate| (edit_distance(name, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, candidate)| candidate)
}

/// Adds "did you mean `x`?" and a fix replacing `span` with `x` when one
/// of `candidates` is close to `name`; returns whether it did.
pub fn offer(
    diagnostic: &mut crate::diagnostic::Diagnostic,
    name: &str,
    candidates: impl IntoIterator<Item = impl AsRef<str>>,
    source: crate::span::SourceId,
    span: crate::span::Span,
) -> bool {
    let candidates: Vec<_> = candidates.into_iter().collect();
    let Some(suggestion) = closest(name, candidates.iter().map(AsRef::as_ref)) else {
        return false;
    };
    diagnostic.help = Some(format!("did you mean `{suggestion}`?"));
    diagnostic.fixes.push(crate::diagnostic::Fix {
        message: format!("replace with `{suggestion}`"),
        edits: vec![crate::diagnostic::Edit {
            source,
            span,
            replacement: suggestion.to_owned(),
        }],
    });
    true
}

/// Levenshtein distance counting an adjacent transposition as one edit,
/// in `O(len(a) · len(b))` time and `O(len(b))` memory; names are short.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    let mut before_previous: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let substitution = previous[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let mut best = substitution.min(previous[j] + 1).min(current[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before_previous[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before_previous, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_target_and_strangers_do_not() {
        assert_eq!(closest("timout", ["timeout", "retry"]), Some("timeout"));
        assert_eq!(closest("nedes", ["needs", "image"]), Some("needs"));
        assert_eq!(closest("xyz", ["timeout", "retry"]), None);
        assert_eq!(edit_distance("ab", "ba"), 1);
    }
}
