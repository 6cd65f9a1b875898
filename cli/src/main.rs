//! The `pipec` command: reads files, calls the library, writes results.
//! All IO of pipec lives here and in the language server (`pipec lsp`,
//! the `pipec-lsp` crate).

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
