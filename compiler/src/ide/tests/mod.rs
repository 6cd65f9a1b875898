//! The editor features on small fixtures: one or more files, `//- /name`
//! starting each, and `$0` marking the cursor (in the root, the file that
//! holds it). Each test states the behaviour an editor user sees.

use std::collections::HashMap;

use super::*;

mod completion;
mod features;
mod hover;
mod navigation;
use crate::resolve::ModuleLoader;

pub(super) struct Files(HashMap<String, String>);

impl ModuleLoader for Files {
    fn load(&self, path: &str) -> Result<String, String> {
        self.0
            .get(path)
            .cloned()
            .ok_or_else(|| "no such file".to_owned())
    }

    fn pipe_files_in(&self, directory: &str) -> Vec<String> {
        let mut files: Vec<String> = self
            .0
            .keys()
            .filter(|path| crate::check::success_triggers::directory_of(path) == directory)
            .cloned()
            .collect();
        files.sort();
        files
    }
}

/// The analysis of the fixture's root and the cursor's byte offset.
pub(super) fn fixture(text: &str) -> (Analysis, u32) {
    let mut files: Vec<(String, String)> = Vec::new();
    if text.starts_with("//- ") {
        for section in text.split("//- ").skip(1) {
            let (name, body) = section.split_once('\n').unwrap_or((section, ""));
            files.push((name.trim().to_owned(), body.to_owned()));
        }
    } else {
        files.push(("/main.pipe".to_owned(), text.to_owned()));
    }
    let root = files
        .iter()
        .position(|(_, body)| body.contains("$0"))
        .unwrap_or(0);
    let (root_name, root_text) = files[root].clone();
    let offset = root_text.find("$0").unwrap_or(root_text.len());
    let root_text = root_text.replacen("$0", "", 1);
    let loader = Files(files.into_iter().collect());
    let analysis = Analysis::new(&root_name, &root_text, &loader);
    (analysis, offset as u32)
}

pub(super) fn labels(completions: &[Completion]) -> Vec<&str> {
    completions
        .iter()
        .map(|completion| completion.label.as_str())
        .collect()
}

pub(super) fn text_at(analysis: &Analysis, place: FileSpan) -> &str {
    analysis
        .text(place.source)
        .get(place.span.range())
        .unwrap_or("")
}

pub(super) const PIPELINE: &str = "pipeline ci {
  secret TOKEN
  on manual {
    input target: enum(\"staging\", \"production\") = \"staging\" { description = \"where to deploy\" }
  }
  job build {
    matrix { os = [\"ubuntu-24.04\"] }
    step make { run = \"make\" }
    output tag = \"v1\"
  }
  job test {
    needs = [build]
    step check { run = \"echo ${jobs.build.outputs.tag}\" }
  }
}
";
