//! Runtime values inside a workflow's pods.
//!
//! Argo fills in `{{…}}` tags in the pod spec before a pod starts, so a
//! value known when the workflow runs (a git parameter, a manual input, a
//! matrix value, another job's output) reaches a container as the value of
//! an environment variable, and scripts read the variable: nothing is
//! pasted into shell text. Secrets come from the pipeline's Secret and
//! `vars` from its ConfigMap through `valueFrom`, and text that embeds
//! them uses Kubernetes' own `$(NAME)` expansion of earlier variables.

use crate::backend::k8s::naming;
use crate::backend::names::env_name;
use crate::backend::yaml::Yaml;
use crate::ir::{Context, EnvVar, Expr, ExprKind, Job, Pipeline, TextPart};

/// How deep `env.X` references are followed before giving up (a cycle).
const MAX_ENV_DEPTH: u32 = 8;

/// The pipeline and job whose values are being written.
#[derive(Clone, Copy, Debug)]
pub struct Values<'a> {
    pub pipeline: &'a Pipeline,
    pub job: Option<&'a Job>,
}

impl<'a> Values<'a> {
    pub fn new(pipeline: &'a Pipeline, job: Option<&'a Job>) -> Values<'a> {
        Values { pipeline, job }
    }

    /// A value in Argo's substitution syntax, for fields Argo fills in
    /// before the pod starts: images, node selectors, mutex names.
    pub fn argo(&self, expr: &Expr) -> String {
        self.text(expr, false, 0)
    }

    /// A value as an environment variable's `value`: runtime parts as Argo
    /// tags, secrets and variables as `$(NAME)` of variables defined earlier.
    fn env_text(&self, expr: &Expr) -> String {
        self.text(expr, true, 0)
    }

    fn text(&self, expr: &Expr, in_env: bool, depth: u32) -> String {
        let literal = |text: &str| {
            if in_env {
                // `$(` would be read as a reference to another variable.
                text.replace("$(", "$$(")
            } else {
                text.to_owned()
            }
        };
        match &expr.kind {
            ExprKind::String(text) => literal(text),
            ExprKind::Int(number) => number.to_string(),
            ExprKind::Bool(flag) => flag.to_string(),
            ExprKind::Text(parts) => parts
                .iter()
                .map(|part| match part {
                    TextPart::Literal(text) => literal(text),
                    TextPart::Expr(inner) => self.text(inner, in_env, depth),
                })
                .collect(),
            ExprKind::Context(context) => self.context(context, in_env, depth),
            _ => String::new(),
        }
    }

    fn context(&self, context: &Context, in_env: bool, depth: u32) -> String {
        if let Some(parameter) = naming::git_parameter(context) {
            return format!("{{{{workflow.parameters.{parameter}}}}}");
        }
        match context {
            Context::Input(name) => format!("{{{{workflow.parameters.{name}}}}}"),
            Context::Matrix(key) => format!("{{{{inputs.parameters.{key}}}}}"),
            Context::JobOutput { job, output } => format!(
                "{{{{inputs.parameters.{}}}}}",
                naming::output_parameter(job, output)
            ),
            Context::Env(name) if in_env => format!("$({name})"),
            Context::Env(name) if depth < MAX_ENV_DEPTH => self
                .env_value(name)
                .map(|value| self.text(value, false, depth + 1))
                .unwrap_or_default(),
            Context::Secret(_) | Context::Var(_) if in_env => format!("$({})", env_name(context)),
            _ => String::new(),
        }
    }

    /// The value of `env.NAME`: the job's variable, else the pipeline's.
    pub fn env_value(&self, name: &str) -> Option<&'a Expr> {
        let job_env = self.job.map_or(&[][..], |job| &job.env);
        job_env
            .iter()
            .chain(&self.pipeline.env)
            .find(|var| var.name == name)
            .map(|var| &var.value)
    }

    /// One entry of a container's `env`.
    fn entry(&self, name: &str, value: &Expr) -> Yaml {
        match &value.kind {
            ExprKind::Context(Context::Secret(secret)) => self.secret_entry(name, secret),
            ExprKind::Context(Context::Var(var)) => self.var_entry(name, var),
            _ => plain(name, &self.env_text(value)),
        }
    }

    pub fn secret_entry(&self, name: &str, secret: &str) -> Yaml {
        secret_variable(name, &naming::secret_name(self.pipeline), secret)
    }

    pub fn var_entry(&self, name: &str, var: &str) -> Yaml {
        let mut reference = Yaml::map();
        reference.insert("name", Yaml::str(naming::vars_name(self.pipeline)));
        reference.insert("key", Yaml::str(var.to_owned()));
        // Like an unset CI variable, a missing key reads as empty.
        reference.insert("optional", Yaml::Bool(true));
        value_from(name, "configMapKeyRef", reference)
    }

    /// A container's `env`: first one variable per runtime value the
    /// container reads (`contexts`), then `fixed`, then `own` lists of
    /// variables in order, a later one replacing an earlier one of the
    /// same name.
    pub fn container_env(
        &self,
        contexts: &[Context],
        fixed: &[(&str, &str)],
        own: &[&[EnvVar]],
    ) -> Yaml {
        let mut entries: Vec<(String, Yaml)> = Vec::new();
        let mut put = |name: String, entry: Yaml| match entries
            .iter_mut()
            .find(|(existing, _)| *existing == name)
        {
            Some((_, slot)) => *slot = entry,
            None => entries.push((name, entry)),
        };
        for context in contexts {
            let name = env_name(context);
            match context {
                Context::Secret(secret) => put(name.clone(), self.secret_entry(&name, secret)),
                Context::Var(var) => put(name.clone(), self.var_entry(&name, var)),
                // Defined by the variables of the pipeline and the job, or
                // exported by the job's script between steps.
                Context::Env(_) | Context::StepOutput { .. } => {}
                _ => put(name.clone(), plain(&name, &self.context(context, false, 0))),
            }
        }
        for (name, value) in fixed {
            put((*name).to_owned(), plain(name, value));
        }
        for list in own {
            for var in *list {
                put(var.name.clone(), self.entry(&var.name, &var.value));
            }
        }
        Yaml::Seq(entries.into_iter().map(|(_, entry)| entry).collect())
    }
}

/// A variable holding key `key` of the Secret `secret`.
pub fn secret_variable(name: &str, secret: &str, key: &str) -> Yaml {
    let mut reference = Yaml::map();
    reference.insert("name", Yaml::str(secret.to_owned()));
    reference.insert("key", Yaml::str(key.to_owned()));
    value_from(name, "secretKeyRef", reference)
}

fn value_from(name: &str, source: &str, reference: Yaml) -> Yaml {
    let mut from = Yaml::map();
    from.insert(source.to_owned(), reference);
    let mut entry = Yaml::map();
    entry.insert("name", Yaml::str(name.to_owned()));
    entry.insert("valueFrom", from);
    entry
}

fn plain(name: &str, value: &str) -> Yaml {
    let mut entry = Yaml::map();
    entry.insert("name", Yaml::str(name.to_owned()));
    entry.insert("value", Yaml::str(value.to_owned()));
    entry
}

/// The secrets and `vars` that variables' text embeds (`"url:${secrets.X}"`):
/// each needs a variable of its own for `$(NAME)` to refer to. A variable
/// that is just a secret reads it directly.
pub fn embedded_references<'e>(lists: impl IntoIterator<Item = &'e [EnvVar]>) -> Vec<Context> {
    let mut found: Vec<Context> = Vec::new();
    for var in lists.into_iter().flatten() {
        if matches!(
            var.value.kind,
            ExprKind::Context(Context::Secret(_) | Context::Var(_))
        ) {
            continue;
        }
        for context in var.value.contexts() {
            if matches!(context, Context::Secret(_) | Context::Var(_)) && !found.contains(context) {
                found.push(context.clone());
            }
        }
    }
    found
}

/// The runtime values the expressions read, each once, in first-seen order.
pub fn contexts_of<'e>(expressions: impl IntoIterator<Item = &'e Expr>) -> Vec<Context> {
    let mut found: Vec<Context> = Vec::new();
    for expression in expressions {
        for context in expression.contexts() {
            if !found.contains(context) {
                found.push(context.clone());
            }
        }
    }
    found
}
