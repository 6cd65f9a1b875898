//! Unified diffs of generated files, for `pipec build --check`.

/// A unified diff from `old` to `new`, three lines of context, headed with
/// `path`. The common start and end are trimmed first; the rest is compared
/// line by line (longest common subsequence) when small enough, and shown
/// as replaced wholesale otherwise, which keeps the cost bounded.
pub fn unified(old: &str, new: &str, path: &str) -> String {
    let old_lines: Vec<&str> = old.lines().collect();
    let new_lines: Vec<&str> = new.lines().collect();
    let prefix = old_lines
        .iter()
        .zip(&new_lines)
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = old_lines[prefix..]
        .iter()
        .rev()
        .zip(new_lines[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let old_middle = &old_lines[prefix..old_lines.len() - suffix];
    let new_middle = &new_lines[prefix..new_lines.len() - suffix];
    let mut edits: Vec<(char, &str)> = Vec::new();
    if old_middle.len().saturating_mul(new_middle.len()) <= 4_000_000 {
        lcs_edits(old_middle, new_middle, &mut edits);
    } else {
        edits.extend(old_middle.iter().map(|line| ('-', *line)));
        edits.extend(new_middle.iter().map(|line| ('+', *line)));
    }
    let context_before = &old_lines[prefix.saturating_sub(3)..prefix];
    let context_after =
        &old_lines[old_lines.len() - suffix..(old_lines.len() - suffix + 3).min(old_lines.len())];
    let removed = edits.iter().filter(|(kind, _)| *kind != '+').count()
        + context_before.len()
        + context_after.len();
    let added = edits.iter().filter(|(kind, _)| *kind != '-').count()
        + context_before.len()
        + context_after.len();
    let start = prefix - context_before.len() + 1;
    let mut out =
        format!("--- {path}\n+++ {path} (generated)\n@@ -{start},{removed} +{start},{added} @@\n");
    for line in context_before {
        out.push_str(&format!(" {line}\n"));
    }
    for (kind, line) in edits {
        out.push_str(&format!("{kind}{line}\n"));
    }
    for line in context_after {
        out.push_str(&format!(" {line}\n"));
    }
    out
}

fn lcs_edits<'a>(old: &[&'a str], new: &[&'a str], edits: &mut Vec<(char, &'a str)>) {
    let width = new.len() + 1;
    let mut lengths = vec![0u32; (old.len() + 1) * width];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            lengths[i * width + j] = if old[i] == new[j] {
                lengths[(i + 1) * width + j + 1] + 1
            } else {
                lengths[(i + 1) * width + j].max(lengths[i * width + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            edits.push((' ', old[i]));
            i += 1;
            j += 1;
        } else if i < old.len()
            && (j == new.len() || lengths[(i + 1) * width + j] >= lengths[i * width + j + 1])
        {
            edits.push(('-', old[i]));
            i += 1;
        } else {
            edits.push(('+', new[j]));
            j += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn a_changed_line_shows_with_its_context() {
        let old = "a\nb\nc\nd\ne\n";
        let new = "a\nb\nX\nd\ne\n";
        assert_eq!(
            unified(old, new, "f.yml"),
            "--- f.yml\n+++ f.yml (generated)\n@@ -1,5 +1,5 @@\n a\n b\n-c\n+X\n d\n e\n"
        );
    }
}
