//! `pipec fmt`: rewrite `.pipe` files in the canonical layout.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use pipec::diagnostic::render::{ColorMode, render_human};
use pipec::source::Sources;

use super::{eprintln_safely, inputs, print_safely};

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Files or directories (searched recursively for `*.pipe`); default `.`.
    paths: Vec<PathBuf>,
    /// Write nothing; exit 1 and name every file that is not formatted.
    #[arg(long)]
    check: bool,
    /// Read one file from standard input and write it formatted to
    /// standard output.
    #[arg(long, conflicts_with = "paths")]
    stdin: bool,
}

pub fn run(arguments: &FmtArgs) -> Result<ExitCode, String> {
    if arguments.stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|error| format!("cannot read standard input: {error}"))?;
        return Ok(match pipec::fmt::format_text(&text) {
            Ok(formatted) => {
                if arguments.check && formatted != text {
                    eprintln_safely("<stdin> is not formatted");
                    ExitCode::from(1)
                } else {
                    if !arguments.check {
                        print_safely(&formatted);
                    }
                    ExitCode::SUCCESS
                }
            }
            Err(diagnostics) => {
                report_unformattable("<stdin>", &text, &diagnostics);
                ExitCode::from(1)
            }
        });
    }
    let files = inputs::find_pipe_files(&arguments.paths)?;
    let mut failed = false;
    let mut changed = 0;
    for path in &files {
        let sources = inputs::load(std::slice::from_ref(path))?;
        let Some(source) = sources.iter().next() else {
            continue;
        };
        match pipec::fmt::format_text(&source.text) {
            Ok(formatted) if formatted == source.text => {}
            Ok(formatted) => {
                changed += 1;
                if arguments.check {
                    eprintln_safely(&format!("not formatted: {}", path.display()));
                    failed = true;
                } else {
                    std::fs::write(path, formatted).map_err(|error| {
                        format!(
                            "cannot write `{}`: {}",
                            path.display(),
                            inputs::describe_io(&error)
                        )
                    })?;
                }
            }
            Err(diagnostics) => {
                report_unformattable(&source.name, &source.text, &diagnostics);
                failed = true;
            }
        }
    }
    let verb = if arguments.check {
        "to reformat"
    } else {
        "reformatted"
    };
    eprintln_safely(&format!("{changed} of {} files {verb}", files.len()));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn report_unformattable(name: &str, text: &str, diagnostics: &[pipec::diagnostic::Diagnostic]) {
    let mut sources = Sources::new();
    sources.add(name, text);
    let rendered = render_human(&sources, diagnostics, ColorMode::Never);
    eprintln_safely(&rendered);
    eprintln_safely(&format!("{name} has syntax errors and was not reformatted"));
}
