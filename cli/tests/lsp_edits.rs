//! Random edit sequences against the real server: whatever is typed,
//! deleted or pasted (in UTF-16 positions, with non-ASCII text), the server
//! keeps answering, and the diagnostics it last published are exactly
//! those of the final text checked afresh, so none are stale.

#[path = "lsp/client.rs"]
mod client;

use client::{Client, position};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Pieces of `.pipe` text and of typing mistakes.
const FRAGMENTS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "\"",
    "\"\"\"",
    "${",
    "\n",
    " ",
    "=",
    ",",
    ".",
    "é",
    "😀",
    "job x ",
    "needs = [",
    "secrets.",
    "inputs.",
    "matrix.",
    "jobs.a.outputs.",
    "step s { run = \"echo ${secrets.T}\" }",
    "secret T\n",
    "import \"std/python\" as py\n",
    "use py.setup()\n",
    "matrix { os = [\"a\", \"b\"] }\n",
    "on manual { input t: string }\n",
    "timeout = 5m\n",
    "timout = 5\n",
    "template t() : steps { step a { run = \"a\" } }\n",
];

const START: &str = "pipeline ci {\n  secret T\n  job a {\n    step s { run = \"make\" }\n    output o = \"x\"\n  }\n  job b {\n    needs = [a]\n    env { V = jobs.a.outputs.o }\n    step t { run = \"test\" }\n  }\n}\n";

/// One edit: where (a fraction of the text), how many characters to
/// delete, and which fragment to insert.
#[derive(Clone, Debug)]
struct Edit {
    at: u16,
    delete: usize,
    fragment: usize,
}

fn edit() -> impl Strategy<Value = Edit> {
    (any::<u16>(), 0usize..6, 0..FRAGMENTS.len()).prop_map(|(at, delete, fragment)| Edit {
        at,
        delete,
        fragment,
    })
}

fn boundary_at_or_before(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// `(code, range)` of each published diagnostic.
fn summary(published: &Value) -> Vec<(String, String)> {
    published["diagnostics"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|diagnostic| {
                    (
                        diagnostic["code"].to_string(),
                        diagnostic["range"].to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn random_edits_never_crash_the_server_nor_leave_stale_diagnostics(edits in prop::collection::vec(edit(), 1..40)) {
        let directory = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lsp-edits");
        std::fs::create_dir_all(&directory).expect("directory");
        let uri = format!("file://{}", directory.join("edited.pipe").display());
        let fresh = format!("file://{}", directory.join("fresh.pipe").display());
        let (mut client, _) = Client::start(env!("CARGO_BIN_EXE_pipec"), json!({}));
        let mut text = START.to_owned();
        client.open(&uri, &text);
        let mut version = 1;
        for (index, edit) in edits.iter().enumerate() {
            let start = boundary_at_or_before(&text, text.len() * usize::from(edit.at) / usize::from(u16::MAX));
            let end = text[start..]
                .char_indices()
                .nth(edit.delete)
                .map_or(text.len(), |(offset, _)| start + offset);
            let range = json!({ "start": position(&text, start), "end": position(&text, end) });
            let fragment = FRAGMENTS[edit.fragment];
            text.replace_range(start..end, fragment);
            version += 1;
            client.notify(
                "textDocument/didChange",
                json!({
                    "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{ "range": range, "text": fragment }]
                }),
            );
            if index % 5 == 0 {
                let at = json!({ "textDocument": { "uri": uri }, "position": position(&text, start) });
                prop_assert!(client.request("textDocument/hover", at.clone()).is_ok());
                prop_assert!(client.request("textDocument/completion", at.clone()).is_ok());
                prop_assert!(client.request("textDocument/definition", at).is_ok());
                let document = json!({ "textDocument": { "uri": uri } });
                let tokens = client.request("textDocument/semanticTokens/full", document);
                prop_assert!(tokens.is_ok());
            }
        }
        let last = client.diagnostics_at_version(&uri, version);
        client.open(&fresh, &text);
        let expected = client.diagnostics_at_version(&fresh, 1);
        prop_assert_eq!(summary(&last), summary(&expected), "final text:\n{}", text);
        prop_assert!(client.shut_down());
    }
}
