//! Phase 2j: the `image` of jobs (and job templates), services, deploys and
//! a blue-green deploy's smoke test is a valid image reference (E0331), and a deploy image names one version
//! (W0120): a rollback goes back to the previous tag, so `latest`, or no
//! tag at all, leaves nothing to go back to.

mod host;
mod reference;
#[cfg(test)]
mod tests;

use crate::check::literal_text::{self, Literal};
use crate::check::walk;
use crate::diagnostic::{Code, Diagnostic};
use crate::span::SourceId;
use crate::syntax::ast::{Expr, ExprKind, Item};

use reference::Pin;

pub fn check_images(items: &[Item], source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    walk::for_each_body(items, &mut |body| {
        if !matches!(body.keyword, "job" | "service" | "deploy") {
            return;
        }
        if body.keyword == "deploy"
            && let Some(image) = body
                .attribute("strategy")
                .and_then(|strategy| smoke_test_image(&strategy.value))
        {
            check_image(image, false, source, diagnostics);
        }
        if let Some(attribute) = body.attribute("image") {
            check_image(
                &attribute.value,
                body.keyword == "deploy",
                source,
                diagnostics,
            );
        }
    });
}

/// The `image` of a blue-green deploy's `smoke_test = { … }`: an image
/// like any other, though not the deploy's own, so any tag will do.
fn smoke_test_image(strategy: &Expr) -> Option<&Expr> {
    let ExprKind::Constructor { fields, .. } = &strategy.kind else {
        return None;
    };
    let smoke_test = fields.iter().find(|field| field.key.name == "smoke_test")?;
    let ExprKind::Record(fields) = &smoke_test.value.kind else {
        return None;
    };
    fields
        .iter()
        .find(|field| field.key.name == "image")
        .map(|field| &field.value)
}

/// E0331 for an invalid reference; W0120 as well for a deploy's own image
/// without a version of its own.
fn check_image(
    image: &Expr,
    is_deployed: bool,
    source: SourceId,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let ExprKind::String(string) = &image.kind else {
        return;
    };
    let literal = Literal::new(string, image.span, source);
    match reference::parse(&literal.atoms) {
        Err(problem) => {
            diagnostics.push(literal.report(
                Code::InvalidImageReference,
                "image reference",
                problem,
            ));
        }
        Ok(pin @ (Pin::Latest | Pin::Untagged)) if is_deployed => {
            diagnostics.push(unpinned(&literal, pin));
        }
        Ok(_) => {}
    }
}

fn unpinned(literal: &Literal, pin: Pin) -> Diagnostic {
    let atoms = &literal.atoms;
    let shown = literal_text::display(atoms);
    let (message, label) = if pin == Pin::Latest {
        let tag_start = atoms
            .iter()
            .rposition(|atom| atom.is(':'))
            .map_or(0, |colon| colon + 1);
        (
            format!("deploy image `{shown}` uses the moving tag `latest`"),
            literal.label(tag_start..atoms.len(), "`latest` changes with every push"),
        )
    } else {
        (
            format!("deploy image `{shown}` has no tag"),
            literal.label(0..0, "without a tag the registry serves `latest`"),
        )
    };
    Diagnostic::new(Code::UnpinnedDeployImage, message, label)
        .with_note("a rollback redeploys the previous version's image; with `latest` there is none to go back to, and restarted pods may pull a newer image than the others")
        .with_help("tag each build with a tag of its own, such as `:${git.sha}`, or pin a digest `@sha256:…`")
}
