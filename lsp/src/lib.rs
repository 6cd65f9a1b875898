//! Language server: added by the LSP issue.
