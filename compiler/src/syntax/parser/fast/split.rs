//! The fast path on two threads, for a large file: the second half of a
//! top-level body's items parsed on a helper thread while this one parses
//! the rest, into the tree one thread builds.

use super::{GiveUp, Parsed, Parser};
use crate::syntax::ast::{Body, File, Item};
use crate::syntax::token::{TokenKind, Tokens};

/// Where a file can be parsed in two halves: the first item at or after
/// the middle token that starts a line directly inside the braces of a
/// top-level item (a pipeline's jobs, almost always), and the closing brace
/// of those braces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Split {
    /// The first token of the item the second half starts with.
    pub(super) start: usize,
    /// The `}` that ends the items of the second half.
    pub(super) close: usize,
}

pub(super) fn split_point(tokens: &Tokens<'_>) -> Option<Split> {
    let middle = tokens.len() / 2;
    let mut depth = 0usize;
    let mut in_braces = false;
    let mut previous = None;
    let mut start = None;
    for (index, (kind, _)) in tokens.kinds().enumerate() {
        if kind.closer().is_some() {
            if depth == 0 {
                in_braces = kind == TokenKind::LBrace;
            }
            depth += 1;
        } else if kind.is_closer() {
            depth = depth.checked_sub(1)?;
            if depth == 0
                && let Some(start) = start
            {
                return Some(Split {
                    start,
                    close: index,
                });
            }
        }
        let starts_item = matches!(
            kind,
            TokenKind::Ident | TokenKind::Import | TokenKind::Template | TokenKind::Use
        );
        if start.is_none()
            && index >= middle
            && depth == 1
            && in_braces
            && starts_item
            && previous == Some(TokenKind::Newline)
        {
            start = Some(index);
        }
        previous = Some(kind);
    }
    None
}

/// Parses the items from `split.start` to `split.close` on a helper
/// thread while this one parses the rest, jumping over them when it reaches
/// them as the next item of a body; then puts them where they belong. When
/// it never does (the braces were a record's), this thread has parsed the
/// whole file and the helper's work is dropped. The tree is the one a
/// single thread builds: the second half starts in the state the first
/// would reach, and ends where the first resumes. `None` only if the
/// halves do not meet, and the file is parsed again on one thread.
pub(super) fn parse_file_in_two(
    source_len: usize,
    tokens: &Tokens<'_>,
    split: Split,
) -> Option<Parsed<File>> {
    let second_half = || {
        let mut parser = Parser::new(source_len, tokens);
        parser.position = split.start;
        parser.last_end = tokens.span(split.start - 1)?.end;
        let items = parser.items();
        Some((items, parser.position))
    };
    let first_half = || {
        let mut parser = Parser::new(source_len, tokens);
        parser.skip = Some(split);
        let items = parser.items();
        let skipped = parser.skipped;
        (
            items.and_then(|items| parser.file(items, source_len)),
            skipped,
        )
    };
    let (second, (first, skipped)) = crate::parallel::both(true, second_half, first_half);
    // A mistake anywhere the first half read is one a single thread meets
    // too; without the jump, the first half read the whole file.
    let mut file = match first {
        Ok(file) if skipped => file,
        first => return Some(first),
    };
    let second = match second? {
        (Ok(second), end) if end == split.close => second,
        (Err(GiveUp), _) => return Some(Err(GiveUp)),
        (Ok(_), _) => return None,
    };
    let split_at = tokens.span(split.start)?.start;
    let body = file
        .items
        .iter_mut()
        .find(|item| item.span().start <= split_at && split_at < item.span().end)
        .and_then(body_of)?;
    body.items.extend(second);
    body.items.shrink_to_fit();
    Some(Ok(file))
}

fn body_of(item: &mut Item) -> Option<&mut Body> {
    match item {
        Item::Block(block) => block.body.as_mut(),
        Item::Template(template) => Some(&mut template.body),
        Item::Input(input) => input.body.as_mut(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::SourceId;
    use crate::syntax::lexer;

    fn both_ways(text: &str) -> (Option<Parsed<File>>, Parsed<File>) {
        let tokens = lexer::lex(text, SourceId(0)).tokens;
        let split = split_point(&tokens).expect("a place to split");
        (
            parse_file_in_two(text.len(), &tokens, split),
            super::super::parse_file_on_one_thread(text.len(), &tokens),
        )
    }

    #[test]
    fn a_file_parsed_in_two_halves_is_the_file_parsed_whole() {
        let pipeline = crate::workload::benchmark_pipeline(40);
        let text =
            format!("import \"std/python\" as py\n{pipeline}\ntemplate t() : steps {{\n}}\n");
        let (in_two, whole) = both_ways(&text);
        let (in_two, whole) = (
            in_two.expect("split").expect("parses"),
            whole.expect("parses"),
        );
        assert_eq!(in_two, whole);
        let jobs = match &whole.items[1] {
            Item::Block(block) => block.body.as_ref().map_or(0, |body| body.items.len()),
            _ => 0,
        };
        assert_eq!(jobs, 42, "two triggers and forty jobs");
    }

    #[test]
    fn a_split_inside_a_record_is_parsed_by_the_first_half_alone() {
        let fields: String = (0..50).map(|index| format!("  f{index} = 1\n")).collect();
        let text = format!("x = {{\n{fields}}}\n");
        let (in_two, whole) = both_ways(&text);
        let whole = whole.expect("parses");
        assert_eq!(in_two.expect("no second pass").expect("parses"), whole);
    }

    #[test]
    fn a_mistake_in_either_half_gives_up_as_one_thread_does() {
        let pipeline = crate::workload::benchmark_pipeline(20);
        let first_job = pipeline.find("job job_1 ").expect("job_1");
        let last_job = pipeline.find("job job_19 ").expect("job_19");
        for at in [first_job, last_job] {
            let mut text = pipeline.clone();
            text.insert_str(at, "= = =\n  ");
            let (in_two, whole) = both_ways(&text);
            assert!(whole.is_err());
            assert!(matches!(in_two, Some(Err(GiveUp))), "mistake at {at}");
        }
    }
}
