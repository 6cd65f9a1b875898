//! Finding and reading the `.pipe` files named on the command line.

use std::path::{Path, PathBuf};

use pipec::source::Sources;

/// Expands files and directories into a sorted list of `.pipe` files.
/// Directories are searched recursively, skipping hidden directories and
/// `target`/`node_modules`, which hold no sources of ours.
pub fn find_pipe_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut files = Vec::new();
    for path in paths {
        let metadata = std::fs::metadata(path).map_err(|error| {
            format!("cannot read `{}`: {}", path.display(), describe_io(&error))
        })?;
        if metadata.is_dir() {
            let before = files.len();
            collect_directory(path, &mut files)?;
            if files.len() == before {
                return Err(format!("no `.pipe` files found in `{}`", path.display()));
            }
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn collect_directory(directory: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(directory).map_err(|error| {
        format!(
            "cannot read directory `{}`: {}",
            directory.display(),
            describe_io(&error)
        )
    })?;
    let mut entries: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("");
        if path.is_dir() {
            if !(name.starts_with('.') || name == "target" || name == "node_modules") {
                collect_directory(&path, files)?;
            }
        } else if path
            .extension()
            .is_some_and(|extension| extension == "pipe")
        {
            files.push(path);
        }
    }
    Ok(())
}

/// Reads every file into `sources`, refusing texts that are not UTF-8.
pub fn load(files: &[PathBuf]) -> Result<Sources, String> {
    let mut sources = Sources::new();
    for path in files {
        let bytes = std::fs::read(path).map_err(|error| {
            format!("cannot read `{}`: {}", path.display(), describe_io(&error))
        })?;
        if u32::try_from(bytes.len()).is_err() {
            return Err(format!("`{}` is larger than 4 GiB", path.display()));
        }
        let text = String::from_utf8(bytes).map_err(|error| {
            format!(
                "`{}` is not valid UTF-8 (invalid byte at offset {})",
                path.display(),
                error.utf8_error().valid_up_to()
            )
        })?;
        sources.add(display_name(path), text);
    }
    Ok(sources)
}

fn display_name(path: &Path) -> String {
    let text = path.display().to_string();
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
}

pub fn describe_io(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => error.to_string(),
    }
}

/// Reads relative imports from disk for the library, which does no IO.
#[derive(Debug)]
pub struct FileLoader;

impl pipec::resolve::ModuleLoader for FileLoader {
    fn load(&self, path: &str) -> Result<String, String> {
        match std::fs::read(path) {
            Ok(bytes) => {
                String::from_utf8(bytes).map_err(|_| "the file is not valid UTF-8".to_owned())
            }
            Err(error) => Err(describe_io(&error)),
        }
    }

    fn pipe_files_in(&self, directory: &str) -> Vec<String> {
        pipe_files_in(directory)
    }
}

/// The `.pipe` files directly in `directory`, sorted; none when it cannot
/// be read (the pipeline looked for is then reported as unknown).
pub fn pipe_files_in(directory: &str) -> Vec<String> {
    let listed = if directory.is_empty() { "." } else { directory };
    let Ok(entries) = std::fs::read_dir(listed) else {
        return Vec::new();
    };
    let mut files: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_file()))
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| name.ends_with(".pipe"))
        .map(|name| pipec::check::success_triggers::join(directory, &name))
        .collect();
    files.sort();
    files
}
