//! The language server: protocol messages in, calls of `pipec::ide` out.
//!
//! Every handler converts positions to byte offsets, calls one plain
//! function of the compiler inside `guarded` (`catch_unwind`), and converts
//! the result back; a panic is logged and answered as an internal error,
//! and the server goes on. State is one mutex that no handler holds across an
//! `await`, and messages are handled one at a time (see `lib.rs`), so edits,
//! diagnostics and requests are seen in the order the client sent them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use pipec::ide::{self, Analysis};
use pipec::span::{LineIndex, SourceId};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::convert::{self, Encoding, Text};
use crate::documents::{Document, Documents, StdlibFiles, name_of};
use crate::guard::guarded;

#[derive(Debug)]
struct State {
    documents: Documents,
    encoding: Encoding,
    stdlib: StdlibFiles,
}

#[derive(Debug)]
pub struct Backend {
    client: Client,
    state: Mutex<State>,
}

/// Diagnostics to publish for one document.
type Publication = (Uri, Vec<Diagnostic>, Option<i32>);

/// The outcome of analysing documents again.
#[derive(Debug, Default)]
struct Reanalysis {
    publications: Vec<Publication>,
    /// Documents whose analysis panicked.
    failures: Vec<String>,
    /// The analyses replaced, dropped only after the new diagnostics are
    /// sent: freeing a large tree takes a millisecond or two that the user
    /// would otherwise wait for.
    superseded: Vec<Arc<Analysis>>,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend {
            client,
            state: Mutex::new(State {
                documents: Documents::default(),
                encoding: Encoding::Utf16,
                stdlib: StdlibFiles::new(),
            }),
        }
    }

    /// The state; a panic while it was held cannot leave it half-updated in
    /// a way that matters (each document is replaced whole), so a poisoned
    /// lock is taken over.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `feature` on the analysis of the document at `uri`, catching a
    /// panic; `None` when the document is not open.
    async fn with_analysis<T>(
        &self,
        uri: &Uri,
        feature: impl FnOnce(&mut State, &Analysis, Text<'_>) -> T,
    ) -> Result<Option<T>> {
        let outcome = {
            let mut state = self.state();
            let name = name_of(uri, &state.stdlib);
            let Some(analysis) = state
                .documents
                .by_name
                .get(&name)
                .and_then(|document| document.analysis.clone())
            else {
                return Ok(None);
            };
            let Some(text) = convert::text_of(&analysis, analysis.root) else {
                return Ok(None);
            };
            guarded(|| feature(&mut state, &analysis, text))
        };
        match outcome {
            Ok(value) => Ok(Some(value)),
            Err(message) => {
                self.client
                    .log_message(
                        MessageType::ERROR,
                        format!("pipec: internal error in a request: {message}"),
                    )
                    .await;
                let mut error = Error::internal_error();
                error.message = format!("internal error: {message}").into();
                Err(error)
            }
        }
    }

    /// Analyses `names` again and returns what to publish for each.
    fn reanalyse(state: &mut State, names: &[String]) -> Reanalysis {
        let mut outcome = Reanalysis::default();
        for name in names {
            if let Some(old) = state
                .documents
                .by_name
                .get_mut(name)
                .and_then(|document| document.analysis.take())
            {
                outcome.superseded.push(old);
            }
            let analysis = state.documents.analyse(name);
            let Some(document) = state.documents.by_name.get(name) else {
                continue;
            };
            let (uri, version) = (document.uri.clone(), document.version);
            let diagnostics = match analysis {
                Some(analysis) => {
                    let uri_of = |source: SourceId| uri_for(state, analysis.source_name(source));
                    ide::diagnostics(&analysis, analysis.root)
                        .into_iter()
                        .filter_map(|diagnostic| {
                            convert::diagnostic(&analysis, diagnostic, state.encoding, &uri_of)
                        })
                        .collect()
                }
                None => {
                    outcome.failures.push(name.clone());
                    Vec::new()
                }
            };
            outcome.publications.push((uri, diagnostics, Some(version)));
        }
        outcome
    }

    async fn publish(&self, outcome: Reanalysis) {
        let Reanalysis {
            publications,
            failures,
            superseded,
        } = outcome;
        for name in failures {
            self.client
                .log_message(
                    MessageType::ERROR,
                    format!(
                        "pipec: internal error while checking {name}; its diagnostics are cleared"
                    ),
                )
                .await;
        }
        for (uri, diagnostics, version) in publications {
            self.client
                .publish_diagnostics(uri, diagnostics, version)
                .await;
        }
        drop(superseded);
    }
}

/// The URI of the source named `name`: an open document's, a file's, or the
/// written-out file of a standard library module.
fn uri_for(state: &State, name: &str) -> Option<Uri> {
    if let Some(document) = state.documents.by_name.get(name) {
        return Some(document.uri.clone());
    }
    if let Some(path) = state.stdlib.path_of(name) {
        return Uri::from_file_path(path);
    }
    if name.starts_with('/') {
        return Uri::from_file_path(name);
    }
    name.parse().ok()
}

/// Places as protocol locations, in the order given, without repeats.
fn locations(places: Vec<(Arc<Analysis>, ide::FileSpan)>, state: &State) -> Vec<Location> {
    let mut found: Vec<Location> = Vec::new();
    for (analysis, place) in places {
        let Some(uri) = uri_for(state, analysis.source_name(place.source)) else {
            continue;
        };
        let Some(text) = convert::text_of(&analysis, place.source) else {
            continue;
        };
        let location = Location {
            uri,
            range: text.range(place.span, state.encoding),
        };
        if !found.contains(&location) {
            found.push(location);
        }
    }
    found
}

/// Every occurrence of `symbol` in the analyses of all open documents: a
/// job of a shared file is referenced from each file that imports it.
fn occurrences_everywhere(
    state: &State,
    analysis: &Analysis,
    symbol: &ide::Symbol,
    include_declaration: bool,
) -> Vec<(Arc<Analysis>, ide::FileSpan)> {
    let definition_name = analysis.source_name(symbol.definition.source).to_owned();
    let mut places = Vec::new();
    for other in state.documents.analyses() {
        for place in ide::occurrences_of(
            &other,
            symbol.kind,
            &definition_name,
            symbol.definition.span,
            include_declaration,
        ) {
            places.push((other.clone(), place));
        }
    }
    places
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offers_utf8 = params
            .capabilities
            .general
            .as_ref()
            .and_then(|general| general.position_encodings.as_ref())
            .is_some_and(|encodings| encodings.contains(&PositionEncodingKind::UTF8));
        let encoding = if offers_utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        self.state().encoding = encoding;
        Ok(InitializeResult {
            capabilities: crate::capabilities::capabilities(encoding),
            server_info: Some(ServerInfo {
                name: "pipec".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            ..InitializeResult::default()
        })
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        let publications = {
            let mut state = self.state();
            let name = name_of(&document.uri, &state.stdlib);
            state.documents.by_name.insert(
                name,
                Document {
                    uri: document.uri,
                    text: document.text,
                    version: document.version,
                    analysis: None,
                },
            );
            // Any open document may import the new one (even one whose
            // import failed before it was open): check them all.
            let names: Vec<String> = state.documents.by_name.keys().cloned().collect();
            Backend::reanalyse(&mut state, &names)
        };
        self.publish(publications).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let publications = {
            let mut state = self.state();
            let encoding = state.encoding;
            let name = name_of(&params.text_document.uri, &state.stdlib);
            let Some(document) = state.documents.by_name.get_mut(&name) else {
                return;
            };
            for change in params.content_changes {
                match change.range {
                    Some(range) => {
                        let lines = LineIndex::new(&document.text);
                        let text = Text {
                            text: &document.text,
                            lines: &lines,
                        };
                        let span = text.span(range, encoding);
                        document.text.replace_range(span.range(), &change.text);
                    }
                    None => document.text = change.text,
                }
            }
            document.version = params.text_document.version;
            let mut names = vec![name.clone()];
            names.extend(state.documents.importers_of(&name));
            Backend::reanalyse(&mut state, &names)
        };
        self.publish(publications).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let (publications, uri) = {
            let mut state = self.state();
            let name = name_of(&params.text_document.uri, &state.stdlib);
            state.documents.by_name.remove(&name);
            // Importers now read the file from disk.
            let names: Vec<String> = state.documents.by_name.keys().cloned().collect();
            (
                Backend::reanalyse(&mut state, &names),
                params.text_document.uri,
            )
        };
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
        self.publish(publications).await;
    }

    /// A `.pipe` file changed on disk (the client watches them): an open
    /// document may import it, so every open document is checked again.
    async fn did_change_watched_files(&self, _: DidChangeWatchedFilesParams) {
        let publications = {
            let mut state = self.state();
            let names: Vec<String> = state.documents.by_name.keys().cloned().collect();
            Backend::reanalyse(&mut state, &names)
        };
        self.publish(publications).await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let position = params.text_document_position_params;
        Ok(self
            .with_analysis(&position.text_document.uri, |state, analysis, text| {
                let offset = text.offset(position.position, state.encoding);
                ide::hover(analysis, analysis.root, offset).map(|hover| Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: hover.markdown,
                    }),
                    range: Some(text.range(hover.span, state.encoding)),
                })
            })
            .await?
            .flatten())
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let position = params.text_document_position;
        self.with_analysis(&position.text_document.uri, |state, analysis, text| {
            let offset = text.offset(position.position, state.encoding);
            let items = ide::completions(analysis, analysis.root, offset)
                .into_iter()
                .enumerate()
                .map(|(rank, completion)| CompletionItem {
                    label: completion.label.clone(),
                    kind: Some(convert::completion_kind(completion.kind)),
                    detail: (!completion.detail.is_empty()).then_some(completion.detail),
                    documentation: (!completion.documentation.is_empty()).then_some(
                        Documentation::MarkupContent(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value: completion.documentation,
                        }),
                    ),
                    // The compiler's order: what fits best comes first.
                    sort_text: Some(format!("{rank:04}")),
                    filter_text: Some(completion.label),
                    text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                        range: text.range(completion.replace, state.encoding),
                        new_text: completion.insert_text,
                    })),
                    ..CompletionItem::default()
                })
                .collect();
            CompletionResponse::Array(items)
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let position = params.text_document_position_params;
        Ok(self
            .with_analysis(&position.text_document.uri, |state, analysis, text| {
                let offset = text.offset(position.position, state.encoding);
                let place = ide::definition(analysis, analysis.root, offset)?;
                let name = analysis.source_name(place.source);
                if name.starts_with("std/") {
                    state.stdlib.ensure_written();
                }
                let uri = uri_for(state, name)?;
                let range =
                    convert::text_of(analysis, place.source)?.range(place.span, state.encoding);
                Some(GotoDefinitionResponse::Scalar(Location { uri, range }))
            })
            .await?
            .flatten())
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let position = params.text_document_position;
        let include_declaration = params.context.include_declaration;
        Ok(self
            .with_analysis(&position.text_document.uri, |state, analysis, text| {
                let offset = text.offset(position.position, state.encoding);
                let symbol = ide::symbol_at(analysis, analysis.root, offset)?;
                let places = occurrences_everywhere(state, analysis, &symbol, include_declaration);
                Some(locations(places, state))
            })
            .await?
            .flatten())
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let position = params.text_document_position;
        let new_name = params.new_name;
        let outcome = self
            .with_analysis(&position.text_document.uri, |state, analysis, text| {
                let offset = text.offset(position.position, state.encoding);
                let symbol = ide::symbol_at(analysis, analysis.root, offset)
                    .ok_or(ide::RenameError::NothingToRename)?;
                ide::check_renamable(analysis, &symbol, &new_name)?;
                let places = occurrences_everywhere(state, analysis, &symbol, true);
                let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
                for location in locations(places, state) {
                    changes.entry(location.uri).or_default().push(TextEdit {
                        range: location.range,
                        new_text: new_name.clone(),
                    });
                }
                Ok::<_, ide::RenameError>(WorkspaceEdit {
                    changes: Some(changes),
                    ..WorkspaceEdit::default()
                })
            })
            .await?;
        match outcome {
            None => Ok(None),
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(refusal)) => Err(Error::invalid_params(refusal.to_string())),
        }
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.with_analysis(&params.text_document.uri, |state, analysis, text| {
            let symbols = ide::document_symbols(analysis, analysis.root)
                .iter()
                .map(|symbol| convert::document_symbol(symbol, text, state.encoding))
                .collect();
            DocumentSymbolResponse::Nested(symbols)
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        self.with_analysis(&uri, |state, analysis, text| {
            let span = text.span(params.range, state.encoding);
            let uri_of = |source: SourceId| uri_for(state, analysis.source_name(source));
            ide::code_actions(analysis, analysis.root, span)
                .into_iter()
                .filter_map(|action| {
                    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
                    for edit in &action.edits {
                        let edit_text = convert::text_of(analysis, edit.source)?;
                        changes
                            .entry(uri_of(edit.source)?)
                            .or_default()
                            .push(TextEdit {
                                range: edit_text.range(edit.span, state.encoding),
                                new_text: edit.replacement.clone(),
                            });
                    }
                    let diagnostic =
                        convert::diagnostic(analysis, &action.diagnostic, state.encoding, &uri_of)?;
                    Some(CodeActionOrCommand::CodeAction(CodeAction {
                        title: action.title,
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![diagnostic]),
                        edit: Some(WorkspaceEdit {
                            changes: Some(changes),
                            ..WorkspaceEdit::default()
                        }),
                        is_preferred: Some(action.is_preferred),
                        ..CodeAction::default()
                    }))
                })
                .collect()
        })
        .await
    }

    /// One edit replacing the whole text: the formatter rewrites the file
    /// from its tree, and a client keeps the cursor and folds of an edit
    /// that spans the document.
    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let edits = self
            .with_analysis(&params.text_document.uri, |state, _, text| {
                ide::formatted(text.text).map(|formatted| {
                    let end = u32::try_from(text.text.len()).unwrap_or(u32::MAX);
                    vec![TextEdit {
                        range: Range {
                            start: Position::new(0, 0),
                            end: text.position(end, state.encoding),
                        },
                        new_text: formatted,
                    }]
                })
            })
            .await?;
        Ok(edits.flatten())
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        self.with_analysis(&params.text_document.uri, |state, analysis, text| {
            let tokens = ide::semantic_tokens(analysis, analysis.root);
            SemanticTokensResult::Tokens(SemanticTokens {
                result_id: None,
                data: convert::semantic_tokens(&tokens, text, state.encoding),
            })
        })
        .await
    }
}
