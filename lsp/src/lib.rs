//! The pipec language server: the Language Server Protocol over standard
//! input and output, started by `pipec lsp`.
//!
//! This crate only translates. The features are plain functions of the
//! compiler (`pipec::ide`) over byte offsets; here they meet the protocol:
//! documents kept in memory (`documents.rs`), positions in the negotiated
//! encoding (`convert.rs`), and one handler per request (`server.rs`).

mod capabilities;
mod convert;
mod documents;
mod guard;
mod server;

use tower_lsp_server::{LspService, Server};

/// Serves one client on standard input and output until it exits.
///
/// Messages are handled one at a time (`concurrency_level(1)`): the
/// framework otherwise runs handlers concurrently, and an edit overtaken by
/// a request, or diagnostics of an older text published after newer ones,
/// would be stale. Each handler takes milliseconds, so nothing queues.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let (service, socket) = LspService::new(server::Backend::new);
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .concurrency_level(1)
            .serve(service)
            .await;
    });
    Ok(())
}
