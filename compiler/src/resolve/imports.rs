//! Loading a program's modules. The library does no IO: the caller's
//! [`ModuleLoader`] reads relative imports; `std/…` comes from the binary.

use foldhash::{HashMap, HashMapExt};
use std::sync::Arc;

use crate::check::suggest;
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::source::Sources;
use crate::span::{SourceId, Span};
use crate::syntax::{self, ParsedFile, ast::Item};

/// Reads the text of a relative import, given its normalised path.
pub trait ModuleLoader {
    /// The text at `path`, or a short reason (such as "no such file").
    fn load(&self, path: &str) -> Result<String, String>;

    /// The `.pipe` files directly in `directory` (`""` for the current
    /// one), as paths `load` takes, in a stable order. The pipeline an `on
    /// success` follows is looked for there when it is not among the files
    /// given, so that one file of a project checks on its own. A loader
    /// without files has none.
    fn pipe_files_in(&self, _directory: &str) -> Vec<String> {
        Vec::new()
    }
}

/// A loader for callers without files (tests of single texts, the fuzzers):
/// every relative import is missing.
#[derive(Debug)]
pub struct NoFiles;

impl ModuleLoader for NoFiles {
    fn load(&self, _path: &str) -> Result<String, String> {
        Err("no files are available".to_owned())
    }
}

/// One parsed module and what its imports resolved to.
#[derive(Debug)]
pub struct Module {
    pub source: SourceId,
    /// Shared with other compilations for the standard library's modules.
    pub parsed: Arc<ParsedFile>,
    /// `(alias, import span, module index)` for each import that loaded.
    pub imports: Vec<(String, Span, usize)>,
    /// Aliases of imports that failed (and were reported): references
    /// through them are not reported again.
    pub failed_aliases: Vec<String>,
    /// The module whose import first loaded this one; `None` for roots.
    pub imported_by: Option<usize>,
}

/// Every module of a compilation; the first `roots` are the files named.
#[derive(Debug)]
pub struct Program {
    pub modules: Vec<Module>,
    pub roots: usize,
}

/// Parses `sources` (the roots) and every module they import, adding the
/// imported texts to `sources`.
pub fn load_program(
    sources: &mut Sources,
    loader: &dyn ModuleLoader,
    diagnostics: &mut Vec<Diagnostic>,
) -> Program {
    let mut modules: Vec<Module> = Vec::new();
    let mut index_by_name: HashMap<String, usize> = HashMap::new();
    let roots: Vec<SourceId> = sources.iter().map(|file| file.id).collect();
    for &id in &roots {
        let Some(file) = sources.get(id) else {
            continue;
        };
        index_by_name.insert(normalise(&file.name), modules.len());
        let parsed = Arc::new(syntax::parse(&file.text, id));
        modules.push(Module {
            source: id,
            parsed,
            imports: Vec::new(),
            failed_aliases: Vec::new(),
            imported_by: None,
        });
    }
    // Breadth-first: each module's imports are resolved once, in order.
    let mut next = 0;
    while next < modules.len() {
        let importer = next;
        next += 1;
        let importer_name = sources
            .get(modules[importer].source)
            .map(|file| file.name.clone())
            .unwrap_or_default();
        let requests: Vec<(String, Span, Option<String>)> = modules[importer]
            .parsed
            .file
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Import(import) => Some((
                    import.path.clone(),
                    import.path_span,
                    import.alias.as_ref().map(|alias| alias.name.clone()),
                )),
                _ => None,
            })
            .collect();
        let first_new_diagnostic = diagnostics.len();
        for (path, span, alias) in requests {
            let source = modules[importer].source;
            let resolved = if let Some(name) = path.strip_prefix("std/") {
                match crate::stdlib::module(name) {
                    Some(text) => Ok::<_, ()>((format!("std/{name}"), text.to_owned())),
                    None => {
                        diagnostics.push(unknown_std_module(source, span, name));
                        modules[importer]
                            .failed_aliases
                            .push(alias.unwrap_or_else(|| default_alias(&path)));
                        continue;
                    }
                }
            } else if path.starts_with("./") || path.starts_with("../") {
                if importer_name.starts_with("std/") {
                    diagnostics.push(missing_module(
                        source,
                        span,
                        &path,
                        "the standard library imports only `std/…` modules",
                    ));
                    modules[importer]
                        .failed_aliases
                        .push(alias.unwrap_or_else(|| default_alias(&path)));
                    continue;
                }
                let target = normalise(&join(&importer_name, &path));
                if let Some(&index) = index_by_name.get(&target) {
                    let alias = alias.unwrap_or_else(|| default_alias(&path));
                    modules[importer].imports.push((alias, span, index));
                    continue;
                }
                match loader.load(&target) {
                    Ok(text) => Ok::<_, ()>((target, text)),
                    Err(reason) => {
                        diagnostics.push(missing_module(source, span, &path, &reason));
                        modules[importer]
                            .failed_aliases
                            .push(alias.unwrap_or_else(|| default_alias(&path)));
                        continue;
                    }
                }
            } else {
                diagnostics.push(
                    Diagnostic::new(
                        Code::UnknownModule,
                        format!("import path `{path}` is neither `std/…` nor relative"),
                        Label::new(source, span, "cannot tell where this module is"),
                    )
                    .with_help(format!("write `\"std/{path}\"` for the standard library or `\"./{path}\"` for a file beside this one")),
                );
                modules[importer]
                    .failed_aliases
                    .push(alias.unwrap_or_else(|| default_alias(&path)));
                continue;
            };
            let Ok((name, text)) = resolved else { continue };
            let index = match index_by_name.get(&name) {
                Some(&index) => index,
                None => {
                    let shared = name
                        .strip_prefix("std/")
                        .and_then(|module| crate::stdlib::preparsed(module, &text));
                    let id = sources.add(name.clone(), text);
                    let parsed = match (shared, sources.get(id)) {
                        (Some(shared), _) => shared,
                        (None, Some(file)) => Arc::new(syntax::parse(&file.text, id)),
                        (None, None) => continue,
                    };
                    index_by_name.insert(name.clone(), modules.len());
                    modules.push(Module {
                        source: id,
                        parsed,
                        imports: Vec::new(),
                        failed_aliases: Vec::new(),
                        imported_by: Some(importer),
                    });
                    modules.len() - 1
                }
            };
            let alias = alias.unwrap_or_else(|| default_alias(&path));
            modules[importer].imports.push((alias, span, index));
        }
        if diagnostics.len() > first_new_diagnostic
            && let Some(chain) = import_chain(&modules, sources, importer)
        {
            for diagnostic in &mut diagnostics[first_new_diagnostic..] {
                diagnostic.notes.push(format!("import chain: {chain}"));
            }
        }
    }
    report_import_cycles(&modules, diagnostics);
    Program {
        modules,
        roots: roots.len(),
    }
}

/// `root.pipe → lib.pipe → this.pipe` for a module loaded by an import;
/// `None` for a root, whose diagnostics need no chain.
fn import_chain(modules: &[Module], sources: &Sources, module: usize) -> Option<String> {
    modules[module].imported_by?;
    let mut names = Vec::new();
    let mut current = Some(module);
    // Each module has one first importer, loaded before it: the walk ends.
    while let Some(index) = current {
        names.push(
            sources
                .get(modules[index].source)
                .map_or("?", |file| file.name.as_str()),
        );
        current = modules[index].imported_by;
    }
    names.reverse();
    Some(names.join(" → "))
}

/// `std/security` is imported as `security`, `./common.pipe` as `common`.
pub fn default_alias(path: &str) -> String {
    let last = path.rsplit('/').next().unwrap_or(path);
    last.strip_suffix(".pipe").unwrap_or(last).to_owned()
}

fn join(importer: &str, relative: &str) -> String {
    match importer.rfind('/') {
        Some(slash) => format!("{}/{relative}", &importer[..slash]),
        None => relative.to_owned(),
    }
}

/// Lexical normalisation of `a/./b/../c` to `a/c`; a leading `..` is kept.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    if path.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

fn unknown_std_module(source: SourceId, span: Span, name: &str) -> Diagnostic {
    let names = crate::stdlib::MODULES.iter().map(|(module, _)| *module);
    let mut diagnostic = Diagnostic::new(
        Code::UnknownModule,
        format!("no standard library module `std/{name}`"),
        Label::new(source, span, "unknown module"),
    );
    let list: Vec<String> = crate::stdlib::MODULES
        .iter()
        .map(|(module, _)| format!("`std/{module}`"))
        .collect();
    if let Some(suggestion) = suggest::closest(name, names) {
        diagnostic = diagnostic.with_help(format!("did you mean `std/{suggestion}`?"));
    }
    diagnostic.with_note(format!("the standard library has {}", list.join(", ")))
}

fn missing_module(source: SourceId, span: Span, path: &str, reason: &str) -> Diagnostic {
    Diagnostic::new(
        Code::MissingModule,
        format!("cannot load module `{path}`"),
        Label::new(source, span, reason.to_owned()),
    )
    .with_help("relative imports are resolved from the directory of the importing file")
}

/// A cycle of imports, reported once at the import that closes it, with
/// every import of the chain as a label.
fn report_import_cycles(modules: &[Module], diagnostics: &mut Vec<Diagnostic>) {
    let edges: Vec<Vec<(usize, Span)>> = modules
        .iter()
        .map(|module| {
            module
                .imports
                .iter()
                .map(|&(_, span, target)| (target, span))
                .collect()
        })
        .collect();
    for cycle in crate::cycles::find_cycles(modules.len(), |module| &edges[module]) {
        let Some((&(closer, closing_span), chain)) = cycle.steps.split_last() else {
            continue;
        };
        let mut diagnostic = Diagnostic::new(
            Code::ImportCycle,
            "modules import each other in a cycle".to_owned(),
            Label::new(
                modules[closer].source,
                closing_span,
                "this import closes the cycle",
            ),
        )
        .with_help("move what both modules need into a third module that imports neither");
        for &(member, import_span) in chain {
            diagnostic = diagnostic.with_secondary(Label::new(
                modules[member].source,
                import_span,
                "imported here",
            ));
        }
        diagnostics.push(diagnostic);
    }
}
