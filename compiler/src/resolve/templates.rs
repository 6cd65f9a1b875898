//! References to templates and actions: `use m.t(…)`, `job x = m.t(…)`,
//! `step s = github.checkout(…)` name something that exists, of the right
//! kind; imports that nothing uses are reported.

use foldhash::{HashSet, HashSetExt};

use crate::check::suggest;
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::resolve::imports::{Module, Program};
use crate::span::Span;
use crate::syntax::ast::{Block, ExprKind, Item, Path};

/// What a reference needs to find.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wanted {
    StepsTemplate,
    JobTemplate,
    /// A step's value: an action binding (or a steps template).
    Action,
}

impl Wanted {
    fn describe(self) -> &'static str {
        match self {
            Wanted::StepsTemplate => "a steps template",
            Wanted::JobTemplate => "a job template",
            Wanted::Action => "an action",
        }
    }
}

pub fn check_template_references(program: &Program, diagnostics: &mut Vec<Diagnostic>) {
    for module in &program.modules {
        let mut used_aliases: HashSet<&str> = HashSet::new();
        let mut references: Vec<(&Path, Wanted)> = Vec::new();
        collect_references(&module.parsed.file.items, &mut references);
        for (path, wanted) in references {
            if let Some(alias) = resolve_reference(program, module, path, wanted, diagnostics) {
                used_aliases.insert(alias);
            }
        }
        // Aliases used in any other path (e.g. `security.bandit` as a value) count too.
        crate::check::walk::for_each_expr(&module.parsed.file.items, &mut |expr| {
            if let ExprKind::Path(path) | ExprKind::Call { callee: path, .. } = &expr.kind
                && let Some(first) = path.segments.first()
            {
                used_aliases.insert(first.name.as_str());
            }
        });
        for (alias, span, _) in &module.imports {
            if !used_aliases.contains(alias.as_str()) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::UnusedImport,
                        format!("module `{alias}` is imported but never used"),
                        Label::new(module.source, *span, "imported here"),
                    )
                    .with_help("remove the import"),
                );
            }
        }
    }
}

/// The paths of the templates and actions that `items` instantiate:
/// `use t(…)`, `job x = t(…)`, `step s = a(…)`.
pub(crate) fn template_references(items: &[Item]) -> Vec<&Path> {
    let mut references = Vec::new();
    collect_references(items, &mut references);
    references.into_iter().map(|(path, _)| path).collect()
}

fn collect_references<'a>(items: &'a [Item], references: &mut Vec<(&'a Path, Wanted)>) {
    for item in items {
        match item {
            Item::Use(use_item) => references.push((&use_item.template, Wanted::StepsTemplate)),
            Item::Block(block) => {
                if let Some(wanted) = wanted_by(block)
                    && let Some(value) = &block.value
                    && let ExprKind::Call { callee: path, .. } | ExprKind::Path(path) = &value.kind
                {
                    references.push((path, wanted));
                }
                if let Some(body) = &block.body {
                    collect_references(&body.items, references);
                }
            }
            Item::Template(template) => collect_references(&template.body.items, references),
            _ => {}
        }
    }
}

fn wanted_by(block: &Block) -> Option<Wanted> {
    match block.keyword.name.as_str() {
        "job" => Some(Wanted::JobTemplate),
        "step" => Some(Wanted::Action),
        _ => None,
    }
}

/// Checks one reference; returns the import alias it went through.
fn resolve_reference<'a>(
    program: &'a Program,
    module: &'a Module,
    path: &'a Path,
    wanted: Wanted,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<&'a str> {
    let (target, name, alias) = match path.segments.as_slice() {
        [name] => (module, name, None),
        [alias, _] if module.failed_aliases.contains(&alias.name) => {
            return Some(alias.name.as_str());
        }
        [alias, name] => {
            let Some((_, _, index)) = module
                .imports
                .iter()
                .find(|(known, _, _)| *known == alias.name)
            else {
                let aliases = module.imports.iter().map(|(known, _, _)| known.as_str());
                let mut diagnostic = Diagnostic::new(
                    Code::UnknownTemplate,
                    format!("`{}` is not an imported module", alias.name),
                    Label::new(module.source, alias.span, "no import of this name"),
                );
                diagnostic = match suggest::closest(&alias.name, aliases) {
                    Some(suggestion) => {
                        diagnostic.with_help(format!("did you mean `{suggestion}`?"))
                    }
                    None => diagnostic.with_help(format!(
                        "import it first, e.g. `import \"std/{}\"`",
                        alias.name
                    )),
                };
                diagnostics.push(diagnostic);
                return None;
            };
            (&program.modules[*index], name, Some(alias.name.as_str()))
        }
        // Longer paths are values (`inputs.x`), checked with the types.
        _ => return None,
    };
    let definitions = definitions_of(target);
    match definitions.iter().find(|(defined, _, _)| *defined == name.name) {
        Some((_, kind, _)) if accepts(wanted, *kind) => {}
        Some((_, kind, _)) => diagnostics.push(
            Diagnostic::new(
                Code::TemplateKindMismatch,
                format!("`{}` is {}, but {} is expected here", path.dotted(), kind.describe(), wanted.describe()),
                Label::new(module.source, path.span, format!("expected {}", wanted.describe())),
            )
            .with_help(match wanted {
                Wanted::StepsTemplate => "`use` splices a steps template; a job template is instantiated with `job NAME = template(…)`",
                Wanted::JobTemplate => "a job is instantiated from a job template; a steps template is spliced with `use template(…)` inside a job",
                Wanted::Action => "a step's value is an action binding or a steps template",
            }),
        ),
        None => {
            let where_ = alias.map_or_else(|| "in this file".to_owned(), |alias| format!("in module `{alias}`"));
            let mut diagnostic = Diagnostic::new(
                Code::UnknownTemplate,
                format!("no template or action `{}` {where_}", name.name),
                Label::new(module.source, name.span, "not defined there"),
            );
            let candidates = definitions.iter().filter(|(_, kind, _)| accepts(wanted, *kind)).map(|(defined, _, _)| *defined);
            suggest::offer(&mut diagnostic, &name.name, candidates, module.source, name.span);
            diagnostics.push(diagnostic);
        }
    }
    alias
}

fn accepts(wanted: Wanted, kind: Wanted) -> bool {
    wanted == kind || (wanted == Wanted::Action && kind == Wanted::StepsTemplate)
}

/// The templates and actions a module defines at its top level.
fn definitions_of(module: &Module) -> Vec<(&str, Wanted, Span)> {
    module
        .parsed
        .file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Template(template) => {
                let kind = if template.kind.name == "job" {
                    Wanted::JobTemplate
                } else {
                    Wanted::StepsTemplate
                };
                Some((template.name.name.as_str(), kind, template.name.span))
            }
            Item::Block(block) if block.keyword.name == "action" => block
                .label
                .as_ref()
                .map(|label| (label.name.as_str(), Wanted::Action, label.span)),
            _ => None,
        })
        .collect()
}
