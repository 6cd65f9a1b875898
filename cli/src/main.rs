//! The `pipec` command: reads files, calls the library, writes results.
//! All IO of pipec lives here and in the language server (`pipec lsp`,
//! the `pipec-lsp` crate).

mod cli;

/// A build allocates many small strings and nodes and frees them together;
/// glibc's allocator spent a third of a large build's instructions on them
/// (`docs/performance.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
