//! Shared helpers of the data-driven tests: every test reads its inputs from
//! the directories beside this file, so adding a case is adding a file.

use std::path::{Path, PathBuf};

use pipec::diagnostic::Diagnostic;
use pipec::diagnostic::render::{ColorMode, render_human};
use pipec::source::Sources;

/// The `tests/` directory.
pub fn tests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The repository root.
pub fn repository_root() -> PathBuf {
    tests_dir()
        .parent()
        .map_or_else(|| PathBuf::from(".."), Path::to_path_buf)
}

/// The `.pipe` files directly in `directory`, sorted.
pub fn pipe_files(directory: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(directory)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", directory.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "pipe")
        })
        .collect();
    files.sort();
    files
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

/// The file name without directories, as diagnostics show it in snapshots.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |name| name.to_string_lossy().into_owned())
}

/// Checks one text named `name` and returns its diagnostics and the
/// rendering a user would see, without colour.
pub fn check_text(name: &str, text: &str) -> (Vec<Diagnostic>, String) {
    let mut sources = Sources::new();
    sources.add(name, text);
    // Relative imports of a lone text find nothing: the directory is empty.
    let nowhere = DirectoryLoader(tests_dir().join("errors/modules/no-such-directory"));
    let result = pipec::check(&mut sources, &nowhere);
    let rendered = render_human(&sources, &result.diagnostics, ColorMode::Never);
    (result.diagnostics, rendered)
}

/// Checks the file at `path` with its relative imports read from disk;
/// diagnostics name files relative to the file's directory.
pub fn check_path(path: &Path) -> (Vec<Diagnostic>, String) {
    let directory = path
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let mut sources = Sources::new();
    sources.add(file_name(path), read(path));
    let result = pipec::check(&mut sources, &DirectoryLoader(directory));
    let rendered = render_human(&sources, &result.diagnostics, ColorMode::Never);
    (result.diagnostics, rendered)
}

/// Fails when `snapshots` holds a snapshot whose case file is gone, or a
/// pending `.snap.new` that nobody reviewed.
pub fn assert_no_orphan_snapshots(snapshots: &Path, cases: &[PathBuf]) {
    let stems: Vec<String> = cases
        .iter()
        .filter_map(|path| {
            path.file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
        })
        .collect();
    let Ok(entries) = std::fs::read_dir(snapshots) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            !name.ends_with(".snap.new"),
            "pending snapshot {name}: review it, then accept or delete"
        );
        if let Some(stem) = name.strip_suffix(".snap") {
            assert!(
                stems.iter().any(|case| case == stem),
                "orphaned snapshot {name}: its case is gone"
            );
        }
    }
}

/// Reads relative imports under one directory.
#[derive(Debug)]
pub struct DirectoryLoader(pub PathBuf);

impl pipec::resolve::ModuleLoader for DirectoryLoader {
    fn load(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(self.0.join(path)).map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
            _ => error.to_string(),
        })
    }

    fn pipe_files_in(&self, directory: &str) -> Vec<String> {
        let mut files: Vec<String> = std::fs::read_dir(self.0.join(directory))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| name.ends_with(".pipe"))
            .map(|name| pipec::check::success_triggers::join(directory, &name))
            .collect();
        files.sort();
        files
    }
}

/// Builds the file at `path` (relative imports from its directory) for
/// `targets`; panics with the rendered diagnostics when it has errors.
pub fn build_path(
    path: &Path,
    targets: &[pipec::backend::Target],
) -> Vec<pipec::backend::OutputFile> {
    let directory = path
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let mut sources = Sources::new();
    sources.add(file_name(path), read(path));
    let result = pipec::build(&mut sources, &DirectoryLoader(directory), targets);
    let rendered = render_human(&sources, &result.diagnostics, ColorMode::Never);
    assert!(
        result
            .diagnostics
            .iter()
            .all(|diagnostic| !diagnostic.is_error()),
        "{} does not build:\n{rendered}",
        path.display()
    );
    result
        .generated
        .into_iter()
        .flat_map(|(_, generated)| generated.files)
        .collect()
}

/// Generated files as one text for a snapshot: each file under a `==> path`
/// line, with the input hash masked (it changes with every input, the
/// standard library included, which is not what these snapshots review).
pub fn snapshot_text(files: &[pipec::backend::OutputFile]) -> String {
    let mut text = String::new();
    for file in files {
        text.push_str(&format!("==> {}\n", file.path));
        for line in file.contents.lines() {
            if line.starts_with("# pipec-inputs: ") {
                text.push_str("# pipec-inputs: (masked)\n");
            } else {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    text
}

/// Builds every `.pipe` file of `directory` together, as `pipec build
/// DIRECTORY` from the repository root does: sources are named relative to
/// the root, so headers and input hashes are the ones the CLI writes.
pub fn build_project(
    directory: &Path,
    targets: &[pipec::backend::Target],
) -> Vec<pipec::backend::OutputFile> {
    let root = repository_root();
    let mut sources = Sources::new();
    for path in pipe_files(directory) {
        let name = path.strip_prefix(&root).map_or_else(
            |_| path.display().to_string(),
            |relative| relative.display().to_string(),
        );
        sources.add(name, read(&path));
    }
    let result = pipec::build(&mut sources, &DirectoryLoader(root), targets);
    let rendered = render_human(&sources, &result.diagnostics, ColorMode::Never);
    assert!(
        result
            .diagnostics
            .iter()
            .all(|diagnostic| !diagnostic.is_error()),
        "{} does not build:\n{rendered}",
        directory.display()
    );
    result
        .generated
        .into_iter()
        .flat_map(|(_, generated)| generated.files)
        .collect()
}

/// The example projects: the directories under `examples/`.
pub fn example_directories() -> Vec<PathBuf> {
    let mut directories: Vec<PathBuf> = std::fs::read_dir(repository_root().join("examples"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.is_dir())
                .collect()
        })
        .unwrap_or_default();
    directories.sort();
    directories
}

/// The properties the fuzzers check, shared by the fuzz targets (`fuzz/`)
/// and the replay of their regression corpus (`tests/fuzz_regressions.rs`).
pub mod properties {
    use pipec::backend::Target;
    use pipec::diagnostic::Diagnostic;
    use pipec::source::Sources;

    /// Parsing never panics, and the parser's fast path builds exactly the
    /// tree, and reports exactly the diagnostics, of the reference grammar.
    pub fn parse(data: &[u8]) {
        if let Ok(text) = std::str::from_utf8(data) {
            assert_parsers_agree(text);
        }
    }

    /// Panics, showing both, when [`pipec::parse_text`] and the reference
    /// grammar disagree on `text`.
    pub fn assert_parsers_agree(text: &str) {
        let parsed = pipec::parse_text(text);
        let reference = pipec::syntax::parse_with_reference_grammar(text, pipec::span::SourceId(0));
        assert!(
            parsed.file == reference.file,
            "the fast path's tree differs from the reference grammar's on:\n{text}\nfast: {:#?}\nreference: {:#?}",
            parsed.file,
            reference.file
        );
        assert_eq!(
            parsed.diagnostics, reference.diagnostics,
            "the diagnostics differ from the reference grammar's on:\n{text}"
        );
    }

    /// Parsing, resolving, checking and lowering never panic.
    pub fn check(data: &[u8]) {
        if let Ok(text) = std::str::from_utf8(data) {
            let mut sources = Sources::new();
            sources.add("fuzz.pipe", text);
            let _ = pipec::check(&mut sources, &pipec::resolve::NoFiles);
        }
    }

    /// A build for every target never panics, and writes nothing when
    /// there is an error.
    pub fn build_all(data: &[u8]) {
        if let Ok(text) = std::str::from_utf8(data) {
            let mut sources = Sources::new();
            sources.add("fuzz.pipe", text);
            let result = pipec::build(&mut sources, &pipec::resolve::NoFiles, Target::ALL);
            let failed = result.diagnostics.iter().any(Diagnostic::is_error);
            assert!(
                !failed || result.generated.is_empty(),
                "output despite errors"
            );
        }
    }

    /// Formatting is idempotent and keeps the syntax tree (without spans).
    pub fn format(data: &[u8]) {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        let Ok(formatted) = pipec::fmt::format_text(text) else {
            return;
        };
        let Ok(again) = pipec::fmt::format_text(&formatted) else {
            panic!("formatted text does not parse:\n{formatted}");
        };
        assert_eq!(formatted, again, "formatting is not idempotent");
        assert_eq!(
            pipec::syntax::dump::dump_without_spans(&pipec::parse_text(text).file),
            pipec::syntax::dump::dump_without_spans(&pipec::parse_text(&formatted).file),
            "formatting changed the tree"
        );
    }

    /// A property of an input.
    pub type Property = fn(&[u8]);

    /// The properties by fuzz target name.
    pub const ALL: &[(&str, Property)] = &[
        ("parse", parse),
        ("check", check),
        ("build_all", build_all),
        ("format", format),
    ];
}
