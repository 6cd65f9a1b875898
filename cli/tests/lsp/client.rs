//! A minimal language-server client for tests and the latency benchmark:
//! it starts the real `pipec lsp`, frames JSON-RPC messages with
//! `Content-Length`, and collects what the server sends on a reader thread.

#![allow(dead_code)] // Each test binary uses a different part.

use std::collections::VecDeque;
use std::io::BufReader;
use std::io::{BufRead, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any one answer may take before a test fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

#[derive(Debug)]
pub struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Notifications and server requests read while waiting for something else.
    pending: VecDeque<Value>,
    next_id: i64,
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    /// Starts `binary lsp` and completes the handshake; `capabilities` are
    /// the client's.
    pub fn start(binary: &str, capabilities: Value) -> (Client, Value) {
        let mut child = Command::new(binary)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("pipec lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            pending: VecDeque::new(),
            next_id: 1,
        };
        let result = client.request(
            "initialize",
            json!({ "processId": null, "rootUri": null, "capabilities": capabilities }),
        );
        client.notify("initialized", json!({}));
        (client, result.expect("initialize succeeds"))
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn receive(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        self.messages.recv_timeout(left).ok()
    }

    /// Sends a request and waits for its answer: `Ok(result)` or
    /// `Err(error object)`.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let deadline = Instant::now() + PATIENCE;
        loop {
            let Some(message) = self.receive(deadline) else {
                panic!("no answer to {method} within {PATIENCE:?}");
            };
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return match message.get("error") {
                    Some(error) => Err(error.clone()),
                    None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
                };
            }
            self.pending.push_back(message);
        }
    }

    /// The next `publishDiagnostics` for `uri` (read before or after this
    /// call), as the params object.
    pub fn diagnostics_for(&mut self, uri: &str) -> Value {
        self.diagnostics_matching(uri, |_| true)
    }

    /// Waits for the diagnostics of `uri` at `version`, skipping older ones.
    pub fn diagnostics_at_version(&mut self, uri: &str, version: i64) -> Value {
        self.diagnostics_matching(uri, |params| params["version"] == json!(version))
    }

    /// Waits for diagnostics of `uri` whose params satisfy `wanted`.
    pub fn diagnostics_matching(&mut self, uri: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let is_wanted = |message: &Value| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
                && wanted(&message["params"])
        };
        let is_for_uri = |message: &Value| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
        };
        if let Some(position) = self.pending.iter().position(is_wanted) {
            // Older publications for the same document are superseded.
            let message = self.pending.remove(position).unwrap_or(Value::Null);
            self.pending.retain(|other| !is_for_uri(other));
            return message["params"].clone();
        }
        self.pending.retain(|other| !is_for_uri(other));
        let deadline = Instant::now() + PATIENCE;
        loop {
            let Some(message) = self.receive(deadline) else {
                panic!("no diagnostics for {uri} within {PATIENCE:?}");
            };
            if is_wanted(&message) {
                return message["params"].clone();
            }
            if !is_for_uri(&message) {
                self.pending.push_back(message);
            }
        }
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "pipe", "version": 1, "text": text } }),
        );
    }

    /// Replaces the whole text (a change without a range).
    pub fn replace(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    /// The CPU time the server process has used so far (user and system),
    /// from `/proc`; `None` where that is not available.
    pub fn cpu_time(&self) -> Option<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        // The fields after the parenthesised command name; utime and stime
        // are fields 14 and 15 of the whole line, in clock ticks (100 Hz).
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        let ticks: u64 =
            fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        Some(Duration::from_millis(ticks * 10))
    }

    /// Sends `shutdown` and `exit`; returns whether the server exited with 0.
    pub fn shut_down(mut self) -> bool {
        let answered = self.request("shutdown", Value::Null).is_ok();
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return answered && status.success();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        false
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The UTF-16 position of byte `offset` in `text`.
pub fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let character = before[line_start..].encode_utf16().count();
    json!({ "line": line, "character": character })
}

/// A fixture's text without its `$0` marker, and the marker's position.
pub fn cursor(text_with_marker: &str) -> (String, Value) {
    let offset = text_with_marker.find("$0").expect("a $0 marker");
    let text = text_with_marker.replacen("$0", "", 1);
    let at = position(&text, offset);
    (text, at)
}
