//! `pipec explain CODE`: print a code's page from `docs/errors.md`.

use std::process::ExitCode;

use clap::Args;
use pipec::diagnostic::{Code, ExplainPage};

use super::print_safely;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The code to explain, such as `E0101`.
    #[arg(required_unless_present = "list")]
    code: Option<String>,
    /// List every code with its summary.
    #[arg(long, conflicts_with = "code")]
    list: bool,
}

pub fn run(arguments: &ExplainArgs) -> Result<ExitCode, String> {
    if arguments.list {
        let mut text = String::new();
        for code in Code::ALL {
            text.push_str(&format!("{code}  {}\n", code.summary()));
        }
        print_safely(&text);
        return Ok(ExitCode::SUCCESS);
    }
    let requested = arguments.code.as_deref().unwrap_or_default();
    let code: Code = requested.parse().map_err(|()| {
        format!("unknown code `{requested}`; `pipec explain --list` shows every code")
    })?;
    let page = ExplainPage::of(code)
        .ok_or_else(|| format!("no page for `{code}` (a bug: every code has one)"))?;
    print_safely(&format!("{}: {}\n\n{}\n", page.code, page.title, page.body));
    Ok(ExitCode::SUCCESS)
}
