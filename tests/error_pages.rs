//! Keeps the diagnostic codes and their pages in `docs/errors.md` one to
//! one, and keeps each page true: its example must produce its code, and its
//! "Error" block must be exactly what pipec prints for the example.
//!
//! After changing a message, run with `PIPEC_BLESS=1` to rewrite the
//! rendered blocks, then review the diff of `docs/errors.md`.

use pipec::diagnostic::{Code, ExplainPage};
use pipec_tests::{check_text, read, repository_root};

#[test]
fn codes_and_pages_are_one_to_one() {
    let pages = ExplainPage::all();
    for code in Code::ALL {
        let matching = pages
            .iter()
            .filter(|page| page.code == code.as_str())
            .count();
        assert_eq!(
            matching, 1,
            "{code} needs exactly one page in docs/errors.md"
        );
    }
    for page in &pages {
        assert!(
            page.code.parse::<Code>().is_ok(),
            "docs/errors.md has a page for `{}`, which is not a registered code",
            page.code
        );
        let code: Code = page.code.parse().unwrap_or(Code::ALL[0]);
        assert_eq!(page.title, code.summary(), "title of the {code} page");
    }
}

#[test]
fn every_page_has_its_sections() {
    for page in ExplainPage::all() {
        for section in ["### Example", "### Error", "### Fix"] {
            assert!(
                page.body.contains(section),
                "{} lacks `{section}`",
                page.code
            );
        }
    }
}

/// The byte range of the first fenced block of `language` after `heading`.
fn fenced_block_range(body: &str, heading: &str, language: &str) -> Option<std::ops::Range<usize>> {
    let heading_end = body.find(heading)? + heading.len();
    let fence = format!("```{language}\n");
    let start = heading_end + body[heading_end..].find(&fence)? + fence.len();
    let rest = &body[start..];
    let length = if rest.starts_with("```") {
        0
    } else {
        rest.find("\n```")? + 1
    };
    Some(start..start + length)
}

fn fenced_block<'a>(body: &'a str, heading: &str, language: &str) -> Option<&'a str> {
    fenced_block_range(body, heading, language).map(|range| &body[range])
}

#[test]
fn page_examples_produce_their_code_and_render_as_documented() {
    let path = repository_root().join("docs/errors.md");
    let mut document = read(&path);
    let bless = std::env::var_os("PIPEC_BLESS").is_some();
    let mut stale = Vec::new();
    for page in ExplainPage::all() {
        let example = fenced_block(page.body, "### Example", "pipe")
            .unwrap_or_else(|| panic!("{}: no ```pipe block under ### Example", page.code));
        let (diagnostics, rendered) = check_text("example.pipe", example);
        let rendered = format!("{}\n", rendered.trim_end());
        assert!(
            diagnostics
                .iter()
                .any(|diagnostic| diagnostic.code.as_str() == page.code),
            "the {} example does not produce {}:\n{rendered}",
            page.code,
            page.code
        );
        let documented = fenced_block(page.body, "### Error", "text")
            .unwrap_or_else(|| panic!("{}: no ```text block under ### Error", page.code));
        if documented != rendered {
            if bless {
                let page_start = document
                    .find(&format!("## {}:", page.code))
                    .unwrap_or_else(|| panic!("no {} page in {}", page.code, path.display()));
                let range = fenced_block_range(&document[page_start..], "### Error", "text")
                    .unwrap_or_else(|| panic!("{}: no ```text block under ### Error", page.code));
                document.replace_range(page_start + range.start..page_start + range.end, &rendered);
            } else {
                stale.push(page.code);
            }
        }
    }
    if bless {
        std::fs::write(&path, document)
            .unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
    }
    assert!(
        stale.is_empty(),
        "the Error blocks of {stale:?} in docs/errors.md differ from pipec's output; rerun with PIPEC_BLESS=1 and review"
    );
}
