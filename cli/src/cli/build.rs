//! `pipec build`: compile `.pipe` files and write (or compare) the output.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use pipec::backend::{OutputFile, Target};
use pipec::diagnostic::Summary;

use super::{ColorChoice, OutputFormat, eprintln_safely, inputs};

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Files or directories (searched recursively for `*.pipe`); default `.`.
    paths: Vec<PathBuf>,
    /// The targets to write.
    #[arg(long, value_enum, default_value_t = TargetChoice::All)]
    target: TargetChoice,
    /// The directory the output goes under; default: the repository root
    /// holding the first `.pipe` file (found by walking up to `.git`), or
    /// the current directory.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write nothing; exit 1 and name every generated file that is missing
    /// or differs (for pre-commit hooks and CI drift checks).
    #[arg(long)]
    check: bool,
    /// With `--check`, list file names only, without differences.
    #[arg(long)]
    quiet: bool,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TargetChoice {
    Github,
    Gitlab,
    K8s,
    All,
}

impl TargetChoice {
    fn targets(self) -> Vec<Target> {
        match self {
            TargetChoice::Github => vec![Target::Github],
            TargetChoice::Gitlab => vec![Target::Gitlab],
            TargetChoice::K8s => vec![Target::K8s],
            TargetChoice::All => Target::ALL.to_vec(),
        }
    }
}

pub fn run(arguments: &BuildArgs) -> Result<ExitCode, String> {
    let files = inputs::find_pipe_files(&arguments.paths)?;
    let mut sources = inputs::load(&files)?;
    let targets = arguments.target.targets();
    // The command exits once it has written: the trees and the IR are left
    // for the end of the process to reclaim.
    let result = pipec::build_releasing(
        &mut sources,
        &inputs::FileLoader,
        &targets,
        pipec::Release::AtExit,
    );
    super::check::report(
        &sources,
        &result.diagnostics,
        arguments.format,
        arguments.color,
    );
    let summary = Summary::of(&result.diagnostics);
    if summary.errors > 0 {
        eprintln_safely(&format!(
            "build failed: {}; nothing was written",
            plural(summary.errors, "error")
        ));
        return Ok(ExitCode::from(1));
    }
    let out = match &arguments.out {
        Some(directory) => directory.clone(),
        None => default_output_directory(files.first().map(PathBuf::as_path))?,
    };
    let outputs: Vec<&OutputFile> = result
        .generated
        .iter()
        .flat_map(|(_, generated)| &generated.files)
        .collect();
    if arguments.check {
        return Ok(check_outputs(&out, &outputs, arguments.quiet));
    }
    let written = write_changed(&out, &outputs)?;
    for (_, generated) in &result.generated {
        for note in &generated.notes {
            eprintln_safely(&format!("note: {note}"));
        }
    }
    if arguments.format == OutputFormat::Human {
        let unchanged = outputs.len() - written;
        eprintln_safely(&format!(
            "built {} for {}: {} written, {} unchanged, under {}",
            plural(outputs.len(), "file"),
            targets
                .iter()
                .map(|target| target.name())
                .collect::<Vec<_>>()
                .join(", "),
            written,
            unchanged,
            out.display()
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// The repository root above `first` (the directory holding `.git`), or
/// the current directory when there is none.
fn default_output_directory(first: Option<&Path>) -> Result<PathBuf, String> {
    let current = std::env::current_dir()
        .map_err(|error| format!("cannot read the current directory: {error}"))?;
    let Some(first) = first else {
        return Ok(current);
    };
    let start = current.join(first);
    let mut directory = start.parent().map(Path::to_path_buf);
    while let Some(candidate) = directory {
        if candidate.join(".git").exists() {
            return Ok(candidate);
        }
        directory = candidate.parent().map(Path::to_path_buf);
    }
    Ok(current)
}

/// Compares instead of writing; exit 1 when anything is missing or differs.
fn check_outputs(out: &Path, outputs: &[&OutputFile], quiet: bool) -> ExitCode {
    let mut stale = 0;
    for file in outputs {
        let path = out.join(&file.path);
        if holds_exactly(&path, file.contents.as_bytes()) {
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(existing) if existing == file.contents => {}
            Ok(existing) => {
                stale += 1;
                eprintln_safely(&format!("stale: {}", path.display()));
                if !quiet {
                    eprintln_safely(&super::diff::unified(&existing, &file.contents, &file.path));
                }
            }
            Err(_) => {
                stale += 1;
                eprintln_safely(&format!("missing: {}", path.display()));
            }
        }
    }
    if stale == 0 {
        eprintln_safely(&format!(
            "{} up to date",
            plural(outputs.len(), "generated file")
        ));
        ExitCode::SUCCESS
    } else {
        eprintln_safely(&format!(
            "{} out of date: run `pipec build` and commit the result",
            plural(stale, "generated file")
        ));
        ExitCode::from(1)
    }
}

/// Writes the files whose contents changed, all or none: each goes to a
/// temporary file beside its destination first, and only when every one
/// is written are they renamed into place, so that a failure (a full disk,
/// a directory where a file should be) leaves every existing file as it
/// was and readers never see half a file. Returns how many were written.
fn write_changed(out: &Path, outputs: &[&OutputFile]) -> Result<usize, String> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let staging = outputs.iter().try_for_each(|file| {
        let path = out.join(&file.path);
        if holds_exactly(&path, file.contents.as_bytes()) {
            return Ok(());
        }
        if path.is_dir() {
            // Found before anything is renamed, so that nothing is.
            return Err(format!(
                "cannot replace `{}`: it is a directory",
                path.display()
            ));
        }
        let temporary = stage(&path, &file.contents)?;
        staged.push((temporary, path));
        Ok(())
    });
    let renaming = staging.and_then(|()| {
        staged.iter().try_for_each(|(temporary, path)| {
            std::fs::rename(temporary, path).map_err(|error| {
                format!(
                    "cannot replace `{}`: {}",
                    path.display(),
                    inputs::describe_io(&error)
                )
            })
        })
    });
    match renaming {
        Ok(()) => Ok(staged.len()),
        Err(message) => {
            for (temporary, _) in &staged {
                let _ = std::fs::remove_file(temporary);
            }
            Err(message)
        }
    }
}

/// Whether the file at `path` holds exactly `contents`: compared by length
/// first, then a block at a time, so that checking a large generated file
/// reads it into no buffer of its own size (at 5,000 jobs, 6.5 MB of fresh
/// memory the kernel would have to clear).
fn holds_exactly(path: &Path, contents: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let same_length = file.metadata().is_ok_and(|metadata| {
        usize::try_from(metadata.len()).is_ok_and(|length| length == contents.len())
    });
    if !same_length {
        return false;
    }
    let mut block = vec![0u8; 64 * 1024];
    let mut rest = contents;
    loop {
        match file.read(&mut block) {
            Ok(0) => return rest.is_empty(),
            Ok(read) => {
                if rest.len() < read || rest[..read] != block[..read] {
                    return false;
                }
                rest = &rest[read..];
            }
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// Writes `contents` to a temporary file in the directory of `path`.
fn stage(path: &Path, contents: &str) -> Result<PathBuf, String> {
    let directory = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(directory).map_err(|error| {
        format!(
            "cannot create `{}`: {}",
            directory.display(),
            inputs::describe_io(&error)
        )
    })?;
    let file_name = path
        .file_name()
        .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
    let temporary = directory.join(format!(".{file_name}.pipec-{}.tmp", std::process::id()));
    std::fs::write(&temporary, contents).map_err(|error| {
        let _ = std::fs::remove_file(&temporary);
        // Named by the file the user asked for, not the temporary one.
        format!(
            "cannot write `{}`: {}",
            path.display(),
            inputs::describe_io(&error)
        )
    })?;
    Ok(temporary)
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::holds_exactly;

    #[test]
    fn a_file_holds_exactly_its_contents_and_nothing_else() {
        let directory = std::env::temp_dir().join(format!("pipec-holds-{}", std::process::id()));
        std::fs::create_dir_all(&directory).expect("a temporary directory");
        let path = directory.join("workflow.yml");
        // Longer than one block, so that the comparison crosses blocks.
        let contents: Vec<u8> = (0..200_000u32)
            .map(|index| b"abcdefgh"[index as usize % 8])
            .collect();
        std::fs::write(&path, &contents).expect("a temporary file");

        assert!(holds_exactly(&path, &contents));
        let mut changed = contents.clone();
        changed[150_000] = b'x';
        assert!(!holds_exactly(&path, &changed), "one byte differs");
        assert!(
            !holds_exactly(&path, &contents[..contents.len() - 1]),
            "shorter"
        );
        let mut longer = contents.clone();
        longer.push(b'\n');
        assert!(!holds_exactly(&path, &longer), "longer");
        assert!(
            !holds_exactly(&directory.join("missing.yml"), &contents),
            "missing"
        );
        assert!(!holds_exactly(&directory, b""), "a directory");

        std::fs::remove_dir_all(&directory).expect("removed");
    }
}
