//! The language server as editors run it: the real `pipec lsp` process,
//! spoken to in JSON-RPC over its standard input and output. Fixtures are
//! small `.pipe` texts; `$0` marks the cursor of a request.

#[path = "lsp/client.rs"]
mod client;

use std::path::PathBuf;

use client::{Client, cursor};
use serde_json::{Value, json};

fn start() -> Client {
    Client::start(env!("CARGO_BIN_EXE_pipec"), json!({})).0
}

/// A `file://` URI of `name` in a fresh directory for `test`; the files are
/// written only when `on_disk` holds them.
fn scratch(test: &str, on_disk: &[(&str, &str)]) -> PathBuf {
    let directory = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("lsp")
        .join(test);
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).expect("scratch directory");
    for (name, text) in on_disk {
        std::fs::write(directory.join(name), text).expect("write");
    }
    directory
}

fn uri(directory: &std::path::Path, name: &str) -> String {
    format!("file://{}", directory.join(name).display())
}

fn codes(diagnostics: &Value) -> Vec<String> {
    diagnostics["diagnostics"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|diagnostic| diagnostic["code"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn at(uri: &str, position: &Value) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": position })
}

const VALID: &str = "pipeline ci {
  secret TOKEN
  job build {
    step make { run = \"make\" }
    output tag = \"v1\"
  }
  job test {
    needs = [build]
    env { T = secrets.TOKEN, TAG = jobs.build.outputs.tag }
    step check { run = \"make check\" }
  }
}
";

#[test]
fn initialize_advertises_only_what_is_implemented() {
    let (client, result) = Client::start(env!("CARGO_BIN_EXE_pipec"), json!({}));
    let capabilities = &result["capabilities"];
    for implemented in [
        "hoverProvider",
        "completionProvider",
        "definitionProvider",
        "referencesProvider",
        "renameProvider",
        "documentSymbolProvider",
        "codeActionProvider",
        "semanticTokensProvider",
        "documentFormattingProvider",
    ] {
        assert!(!capabilities[implemented].is_null(), "{implemented}");
    }
    for not_implemented in [
        "documentRangeFormattingProvider",
        "documentOnTypeFormattingProvider",
        "inlayHintProvider",
    ] {
        assert!(capabilities[not_implemented].is_null(), "{not_implemented}");
    }
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    assert_eq!(capabilities["textDocumentSync"]["change"], 2, "incremental");
    assert_eq!(result["serverInfo"]["name"], "pipec");
    assert!(
        client.shut_down(),
        "shutdown and exit end the process with 0"
    );
}

#[test]
fn utf8_positions_are_used_when_the_client_offers_them() {
    let (client, result) = Client::start(
        env!("CARGO_BIN_EXE_pipec"),
        json!({ "general": { "positionEncodings": ["utf-8", "utf-16"] } }),
    );
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    drop(client);
}

#[test]
fn diagnostics_arrive_on_open_and_are_cleared_when_fixed() {
    let directory = scratch("diagnostics", &[]);
    let uri = uri(&directory, "ci.pipe");
    let mut client = start();
    let broken = VALID
        .replace("needs = [build]", "needs = [biuld]")
        .replace(", TAG = jobs.build.outputs.tag", "");
    client.open(&uri, &broken);
    let published = client.diagnostics_at_version(&uri, 1);
    assert_eq!(codes(&published), ["E0204"]);
    let diagnostic = &published["diagnostics"][0];
    assert_eq!(diagnostic["severity"], 1);
    assert_eq!(diagnostic["source"], "pipec");
    assert_eq!(
        diagnostic["range"]["start"],
        json!({ "line": 7, "character": 13 })
    );
    assert!(
        diagnostic["codeDescription"]["href"]
            .as_str()
            .is_some_and(|href| href.ends_with("docs/errors.md#e0204-unknown-job")),
        "{diagnostic}"
    );

    client.replace(&uri, 2, VALID);
    assert_eq!(
        codes(&client.diagnostics_at_version(&uri, 2)),
        Vec::<String>::new()
    );
    assert!(client.shut_down());
}

#[test]
fn incremental_changes_in_utf16_positions_are_applied() {
    let directory = scratch("incremental", &[]);
    let uri = uri(&directory, "ci.pipe");
    let mut client = start();
    // A non-ASCII comment before the edit makes byte and UTF-16 columns differ.
    let text = "// ünïcødé 😀\npipeline ci {\n  job a { needs = [b], step s { run = \"x\" } }\n  job b { step s { run = \"x\" } }\n}\n";
    client.open(&uri, text);
    let _ = client.diagnostics_at_version(&uri, 1);
    // Replace `b` in `needs = [b]` (line 2, UTF-16 column 19) with `zz`.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{
                "range": { "start": { "line": 2, "character": 19 }, "end": { "line": 2, "character": 20 } },
                "text": "zz"
            }]
        }),
    );
    let published = client.diagnostics_at_version(&uri, 2);
    assert_eq!(codes(&published), ["E0204"]);
    assert!(
        published["diagnostics"][0]["message"]
            .as_str()
            .is_some_and(|message| message.contains("`zz`"))
    );
}

#[test]
fn related_information_carries_the_secondary_labels() {
    let directory = scratch("related", &[]);
    let uri = uri(&directory, "ci.pipe");
    let mut client = start();
    client.open(
        &uri,
        "pipeline ci {\n  job a { needs = [b]\n    step s { run = \"x\" } }\n  job b { needs = [a]\n    step s { run = \"x\" } }\n}\n",
    );
    let published = client.diagnostics_at_version(&uri, 1);
    let cycle = published["diagnostics"]
        .as_array()
        .and_then(|list| list.iter().find(|diagnostic| diagnostic["code"] == "E0301"))
        .expect("a cycle")
        .clone();
    let related = cycle["relatedInformation"]
        .as_array()
        .expect("related information");
    assert!(!related.is_empty());
    assert_eq!(related[0]["location"]["uri"], uri);
}

#[test]
fn importers_are_checked_again_when_an_open_module_changes() {
    let common = "template lint() : steps {\n  step l { run = \"lint\" }\n}\n";
    let directory = scratch("importers", &[("common.pipe", common)]);
    let main_uri = uri(&directory, "main.pipe");
    let common_uri = uri(&directory, "common.pipe");
    let mut client = start();
    client.open(
        &main_uri,
        "import \"./common.pipe\"\npipeline ci {\n  job a { use common.lint() }\n}\n",
    );
    assert_eq!(
        codes(&client.diagnostics_at_version(&main_uri, 1)),
        Vec::<String>::new()
    );
    client.open(&common_uri, common);
    let _ = client.diagnostics_at_version(&common_uri, 1);
    // Renaming the template in the unsaved buffer breaks the importer.
    client.replace(&common_uri, 2, &common.replace("lint()", "check()"));
    let main = client.diagnostics_matching(&main_uri, |params| {
        !params["diagnostics"].as_array().is_some_and(Vec::is_empty)
    });
    assert!(
        codes(&main).iter().any(|code| code.starts_with("E02")),
        "{main}"
    );
    // And fixing it clears the importer's diagnostics.
    client.replace(&common_uri, 3, common);
    let main = client.diagnostics_matching(&main_uri, |params| {
        params["diagnostics"].as_array().is_some_and(Vec::is_empty)
    });
    assert_eq!(codes(&main), Vec::<String>::new());
}

#[test]
fn a_module_changed_on_disk_is_read_again_when_the_client_says_so() {
    let common = "template lint() : steps {\n  step l { run = \"lint\" }\n}\n";
    let directory = scratch("watched", &[("common.pipe", common)]);
    let main_uri = uri(&directory, "main.pipe");
    let mut client = start();
    client.open(
        &main_uri,
        "import \"./common.pipe\"\npipeline ci {\n  job a { use common.lint() }\n}\n",
    );
    assert_eq!(
        codes(&client.diagnostics_at_version(&main_uri, 1)),
        Vec::<String>::new()
    );
    std::fs::write(
        directory.join("common.pipe"),
        common.replace("lint()", "check()"),
    )
    .expect("write");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&directory, "common.pipe"), "type": 2 }] }),
    );
    let main = client.diagnostics_for(&main_uri);
    assert!(
        codes(&main).iter().any(|code| code.starts_with("E02")),
        "{main}"
    );
}

#[test]
fn hover_shows_attribute_types_and_what_references_resolve_to() {
    let directory = scratch("hover", &[]);
    let uri = uri(&directory, "ci.pipe");
    let mut client = start();
    let (text, position) = cursor(&VALID.replace("needs = [build]", "needs = [bu$0ild]"));
    client.open(&uri, &text);
    let hover = client
        .request("textDocument/hover", at(&uri, &position))
        .expect("hover");
    let markdown = hover["contents"]["value"].as_str().unwrap_or("");
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert!(markdown.contains("job build"), "{markdown}");
    assert!(markdown.contains("outputs: `tag`"), "{markdown}");
    assert_eq!(
        hover["range"]["start"],
        json!({ "line": 7, "character": 13 })
    );

    let (text, position) = cursor(&VALID.replace("step make { run", "step make { r$0un"));
    client.replace(&uri, 2, &text);
    let hover = client
        .request("textDocument/hover", at(&uri, &position))
        .expect("hover");
    assert!(
        hover["contents"]["value"]
            .as_str()
            .is_some_and(|value| value.contains("run: string"))
    );
}

#[test]
fn completion_offers_jobs_in_needs_and_replaces_the_typed_word() {
    let directory = scratch("completion", &[]);
    let uri = uri(&directory, "ci.pipe");
    let mut client = start();
    let (text, position) = cursor(&VALID.replace("needs = [build]", "needs = [b$0]"));
    client.open(&uri, &text);
    let result = client
        .request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": uri }, "position": position }),
        )
        .expect("completion");
    let items = result.as_array().expect("a list");
    let labels: Vec<&str> = items
        .iter()
        .filter_map(|item| item["label"].as_str())
        .collect();
    assert_eq!(labels, ["build"]);
    assert_eq!(
        items[0]["textEdit"]["range"]["start"],
        json!({ "line": 7, "character": 13 })
    );
    assert_eq!(items[0]["textEdit"]["newText"], "build");
}

#[test]
fn definition_and_references_of_a_job() {
    let directory = scratch("navigation", &[]);
    let uri = uri(&directory, "ci.pipe");
    let mut client = start();
    let (text, position) = cursor(&VALID.replace("needs = [build]", "needs = [bu$0ild]"));
    client.open(&uri, &text);
    let definition = client
        .request("textDocument/definition", at(&uri, &position))
        .expect("definition");
    assert_eq!(definition["uri"], uri);
    assert_eq!(
        definition["range"]["start"],
        json!({ "line": 2, "character": 6 })
    );

    let mut params = at(&uri, &position);
    params["context"] = json!({ "includeDeclaration": true });
    let references = client
        .request("textDocument/references", params)
        .expect("references");
    let lines: Vec<i64> = references
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|location| location["range"]["start"]["line"].as_i64())
        .collect();
    assert_eq!(
        lines,
        [2, 7, 8],
        "the label, `needs` and `jobs.build.outputs.tag`"
    );
}

#[test]
fn definition_goes_into_the_standard_library() {
    let directory = scratch("stdlib", &[]);
    let uri = uri(&directory, "ci.pipe");
    let mut client = start();
    let (text, position) = cursor(
        "import \"std/github\"\npipeline ci {\n  job a { step c = github.check$0out() }\n}\n",
    );
    client.open(&uri, &text);
    let definition = client
        .request("textDocument/definition", at(&uri, &position))
        .expect("definition");
    let target = definition["uri"].as_str().expect("a uri");
    assert!(target.ends_with("/github.pipe"), "{target}");
    let path = target.strip_prefix("file://").expect("a file");
    let written = std::fs::read_to_string(path).expect("the stdlib file is written");
    let line = definition["range"]["start"]["line"].as_u64().expect("line") as usize;
    assert!(
        written
            .lines()
            .nth(line)
            .is_some_and(|text| text.contains("action checkout"))
    );
}

#[test]
fn rename_edits_every_reference_and_refuses_bad_names() {
    let directory = scratch("rename", &[]);
    let uri = uri(&directory, "ci.pipe");
    let mut client = start();
    let (text, position) = cursor(&VALID.replace("secret TOKEN", "secret TO$0KEN"));
    client.open(&uri, &text);
    let mut params = at(&uri, &position);
    params["newName"] = json!("API_TOKEN");
    let edit = client
        .request("textDocument/rename", params.clone())
        .expect("rename");
    let edits = edit["changes"][&uri].as_array().expect("edits in the file");
    assert_eq!(edits.len(), 2, "the declaration and `secrets.TOKEN`");
    assert!(edits.iter().all(|edit| edit["newText"] == "API_TOKEN"));

    params["newName"] = json!("not a name");
    let refusal = client
        .request("textDocument/rename", params)
        .expect_err("refused");
    assert_eq!(refusal["code"], -32602);
    assert!(
        refusal["message"]
            .as_str()
            .is_some_and(|message| message.contains("not a valid name"))
    );
}

#[test]
fn document_symbols_outline_the_pipeline() {
    let directory = scratch("symbols", &[]);
    let uri = uri(&directory, "ci.pipe");
    let mut client = start();
    client.open(&uri, VALID);
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri } }),
        )
        .expect("symbols");
    let pipeline = &symbols[0];
    assert_eq!(pipeline["name"], "ci");
    let children: Vec<&str> = pipeline["children"]
        .as_array()
        .expect("children")
        .iter()
        .filter_map(|child| child["name"].as_str())
        .collect();
    assert_eq!(children, ["TOKEN", "build", "test"]);
    assert_eq!(pipeline["children"][1]["kind"], 5, "a job is a class");
}

#[test]
fn formatting_replaces_the_text_with_what_pipec_fmt_writes() {
    let directory = scratch("formatting", &[]);
    let uri = uri(&directory, "ci.pipe");
    let mut client = start();
    let untidy = "pipeline ci {\n  job build {\n      step make {   run = \"make\" }\n  }\n}\n";
    client.open(&uri, untidy);
    let edits = client
        .request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
        )
        .expect("formatting");
    let expected = pipec::fmt::format_text(untidy).expect("formats");
    assert_ne!(expected, untidy);
    assert_eq!(edits[0]["newText"], expected.as_str());
    assert_eq!(
        edits[0]["range"]["start"],
        json!({ "line": 0, "character": 0 })
    );
    assert_eq!(
        edits[0]["range"]["end"],
        json!({ "line": 5, "character": 0 })
    );
    // Formatted text, and text with a syntax error, get no edits.
    for (version, text) in [
        (2, expected.as_str()),
        (3, "pipeline ci {\n  job build {\n"),
    ] {
        client.replace(&uri, version, text);
        let _ = client.diagnostics_at_version(&uri, version);
        let edits = client
            .request(
                "textDocument/formatting",
                json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
            )
            .expect("formatting");
        assert!(edits.is_null() || edits == json!([]), "{edits}");
    }
}

#[test]
fn code_actions_apply_the_did_you_mean_fix() {
    let directory = scratch("actions", &[]);
    let uri = uri(&directory, "ci.pipe");
    let mut client = start();
    let (text, position) =
        cursor(&VALID.replace("step make { run", "step make { timout = 5m, r$0un"));
    client.open(&uri, &text);
    let published = client.diagnostics_at_version(&uri, 1);
    assert_eq!(codes(&published), ["E0202"]);
    let diagnostic = published["diagnostics"][0].clone();
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri },
                "range": diagnostic["range"],
                "context": { "diagnostics": [diagnostic] }
            }),
        )
        .expect("actions");
    let action = &actions[0];
    assert_eq!(action["kind"], "quickfix");
    assert_eq!(action["diagnostics"][0]["code"], "E0202");
    let edits = action["edit"]["changes"][&uri].as_array().expect("edits");
    assert_eq!(edits[0]["newText"], "timeout");
    let _ = position;
}

#[test]
fn semantic_tokens_cover_the_file() {
    let directory = scratch("tokens", &[]);
    let uri = uri(&directory, "ci.pipe");
    let mut client = start();
    client.open(&uri, VALID);
    let tokens = client
        .request(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": uri } }),
        )
        .expect("tokens");
    let data = tokens["data"].as_array().expect("data");
    assert_eq!(data.len() % 5, 0);
    // The first token is `pipeline`, a keyword (index 0 of the legend).
    assert_eq!(
        &data[..5],
        &[json!(0), json!(0), json!(8), json!(0), json!(0)]
    );
}

#[test]
fn requests_on_unknown_documents_and_positions_answer_without_crashing() {
    let directory = scratch("unknown", &[]);
    let uri = uri(&directory, "ci.pipe");
    let mut client = start();
    let nowhere = json!({ "line": 999, "character": 999 });
    assert_eq!(
        client.request("textDocument/hover", at(&uri, &nowhere)),
        Ok(Value::Null)
    );
    client.open(&uri, VALID);
    let _ = client.diagnostics_at_version(&uri, 1);
    assert!(
        client
            .request("textDocument/hover", at(&uri, &nowhere))
            .is_ok()
    );
    assert!(
        client
            .request("textDocument/completion", at(&uri, &nowhere))
            .is_ok()
    );
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    let closed = client.diagnostics_for(&uri);
    assert_eq!(
        codes(&closed),
        Vec::<String>::new(),
        "closing clears the diagnostics"
    );
    assert!(client.shut_down());
}

#[test]
fn a_follower_finds_its_upstream_on_disk_goes_to_it_and_sees_it_change() {
    let ci = "pipeline ci {\n  on push { branches = [\"main\"] }\n  job test { step t { run = \"make test\" } }\n}\n";
    let directory = scratch("follower", &[("ci.pipe", ci)]);
    let deploy_uri = uri(&directory, "deploy.pipe");
    let ci_uri = uri(&directory, "ci.pipe");
    let mut client = start();
    let (text, position) = cursor(
        "pipeline deploy {\n  on success { pipeline = \"c$0i\" }\n  job release { step r { run = \"make release\" } }\n}\n",
    );
    client.open(&deploy_uri, &text);
    assert_eq!(
        codes(&client.diagnostics_at_version(&deploy_uri, 1)),
        Vec::<String>::new(),
        "ci.pipe beside it, on disk, holds the pipeline followed"
    );
    let definition = client
        .request("textDocument/definition", at(&deploy_uri, &position))
        .expect("definition");
    assert_eq!(definition["uri"], ci_uri);
    assert_eq!(
        definition["range"]["start"],
        json!({ "line": 0, "character": 9 })
    );
    // Renaming the upstream in its open buffer is reported in the follower.
    client.open(&ci_uri, ci);
    let _ = client.diagnostics_at_version(&ci_uri, 1);
    client.replace(&ci_uri, 2, &ci.replace("pipeline ci", "pipeline tests"));
    let deploy = client.diagnostics_matching(&deploy_uri, |params| {
        !params["diagnostics"].as_array().is_some_and(Vec::is_empty)
    });
    assert_eq!(codes(&deploy), ["E0226"], "{deploy}");
}
