//! The open documents and their analyses. A document is named by its path
//! (the compiler's source name), or by its URI when it is not a file; the
//! standard library's files, written out so that an editor can open them
//! from "go to definition", are named `std/…` as the compiler names them.
//!
//! Each open document has an analysis of itself and what it imports, read
//! through [`OverlayLoader`]: open buffers first, then the disk. After an
//! edit, the edited document and every open document whose analysis read it
//! are analysed again from scratch (no incremental framework is needed at
//! this scale: a 2,000-line file checks in a few milliseconds).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pipec::ide::Analysis;
use pipec::resolve::ModuleLoader;
use tower_lsp_server::ls_types::Uri;

/// One open document.
#[derive(Debug)]
pub struct Document {
    pub uri: Uri,
    pub text: String,
    pub version: i32,
    /// `None` only while the analysis panicked (the panic was logged).
    pub analysis: Option<Arc<Analysis>>,
}

/// Reads relative imports: an open buffer wins over the file on disk.
#[derive(Debug)]
pub struct OverlayLoader<'a> {
    pub documents: &'a BTreeMap<String, Document>,
}

impl ModuleLoader for OverlayLoader<'_> {
    fn load(&self, path: &str) -> Result<String, String> {
        if let Some(document) = self.documents.get(path) {
            return Ok(document.text.clone());
        }
        std::fs::read_to_string(path).map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_owned(),
            std::io::ErrorKind::InvalidData => "the file is not UTF-8 text".to_owned(),
            _ => error.to_string(),
        })
    }

    /// The files on disk and the open buffers of `directory`.
    fn pipe_files_in(&self, directory: &str) -> Vec<String> {
        use pipec::check::success_triggers::{directory_of, join};
        let listed = if directory.is_empty() { "." } else { directory };
        let mut files: Vec<String> = std::fs::read_dir(listed)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter_map(|entry| entry.file_name().into_string().ok())
                    .filter(|name| name.ends_with(".pipe"))
                    .map(|name| join(directory, &name))
                    .collect()
            })
            .unwrap_or_default();
        files.extend(
            self.documents
                .keys()
                .filter(|path| path.ends_with(".pipe") && directory_of(path) == directory)
                .cloned(),
        );
        files.sort();
        files.dedup();
        files
    }
}

/// Where the standard library's sources are written for editors to open.
#[derive(Debug)]
pub struct StdlibFiles {
    directory: PathBuf,
    written: bool,
}

impl StdlibFiles {
    pub fn new() -> StdlibFiles {
        StdlibFiles {
            directory: std::env::temp_dir()
                .join(format!("pipec-std-{}", env!("CARGO_PKG_VERSION"))),
            written: false,
        }
    }

    /// Writes the embedded texts, once per server, where a file is missing
    /// or differs; failures leave "go to definition" without a target file,
    /// nothing worse.
    pub fn ensure_written(&mut self) {
        if self.written {
            return;
        }
        self.written = true;
        let _ = std::fs::create_dir_all(&self.directory);
        for (module, text) in pipec::stdlib::MODULES {
            let path = self.directory.join(format!("{module}.pipe"));
            if std::fs::read_to_string(&path).ok().as_deref() != Some(*text) {
                let _ = std::fs::write(&path, text);
            }
        }
    }

    /// The file of `std/NAME`.
    pub fn path_of(&self, name: &str) -> Option<PathBuf> {
        let module = name.strip_prefix("std/")?;
        pipec::stdlib::module(module)?;
        Some(self.directory.join(format!("{module}.pipe")))
    }

    /// `std/NAME` for a path inside the directory.
    pub fn name_of(&self, path: &Path) -> Option<String> {
        let module = path
            .strip_prefix(&self.directory)
            .ok()?
            .to_str()?
            .strip_suffix(".pipe")?;
        pipec::stdlib::module(module).map(|_| format!("std/{module}"))
    }
}

/// The compiler's name for the document at `uri`.
pub fn name_of(uri: &Uri, stdlib: &StdlibFiles) -> String {
    if let Some(path) = uri.to_file_path() {
        if let Some(name) = stdlib.name_of(&path) {
            return name;
        }
        if let Some(text) = path.to_str() {
            return text.to_owned();
        }
    }
    uri.as_str().to_owned()
}

/// The open documents, by name.
#[derive(Debug, Default)]
pub struct Documents {
    pub by_name: BTreeMap<String, Document>,
}

impl Documents {
    /// Analyses `name` again from its current text.
    pub fn analyse(&mut self, name: &str) -> Option<Arc<Analysis>> {
        let text = self.by_name.get(name)?.text.clone();
        let loader = OverlayLoader {
            documents: &self.by_name,
        };
        let analysis = crate::guard::guarded(|| Analysis::new(name, &text, &loader))
            .ok()
            .map(Arc::new);
        if let Some(document) = self.by_name.get_mut(name) {
            document.analysis = analysis.clone();
        }
        analysis
    }

    /// The open documents other than `name` whose last analysis read `name`:
    /// they import it, directly or through another module.
    pub fn importers_of(&self, name: &str) -> Vec<String> {
        self.by_name
            .iter()
            .filter(|(other, document)| {
                other.as_str() != name
                    && document
                        .analysis
                        .as_ref()
                        .is_some_and(|analysis| analysis.source_names().any(|read| read == name))
            })
            .map(|(other, _)| other.clone())
            .collect()
    }

    /// The latest analysis of every open document.
    pub fn analyses(&self) -> Vec<Arc<Analysis>> {
        self.by_name
            .values()
            .filter_map(|document| document.analysis.clone())
            .collect()
    }
}
