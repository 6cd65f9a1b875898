//! Names every backend derives the same way: environment variables for
//! runtime values, Kubernetes object names, the paths of deploy manifests,
//! and the placeholders a manifest holds for what is known only at run time.
//! Keeping them here is what makes the three targets agree.

use crate::ir::{Context, Deploy, Expr, ExprKind, Job, SmokeTest, Strategy, TextPart};
use crate::types::Type;

/// The environment variable a runtime value is passed to scripts in:
/// `git.sha` is `GIT_SHA`, `matrix.python` is `MATRIX_PYTHON`.
pub fn env_name(context: &Context) -> String {
    match context {
        // These already are environment variables of that name.
        Context::Env(name) | Context::Secret(name) => name.clone(),
        other => screaming(&other.describe()),
    }
}

/// `jobs.build.outputs.image-tag` → `JOBS_BUILD_OUTPUTS_IMAGE_TAG`.
pub fn screaming(text: &str) -> String {
    let mut name = String::with_capacity(text.len());
    name.extend(text.chars().map(|character| {
        if character.is_ascii_alphanumeric() {
            character.to_ascii_uppercase()
        } else {
            '_'
        }
    }));
    name
}

/// A valid DNS-1123 label from a `.pipe` name: lower case, `_` to `-`,
/// at most 63 characters, no `-` at either end.
pub fn dns_label(name: &str) -> String {
    let mut label: String = name
        .chars()
        .map(|character| match character {
            'A'..='Z' => character.to_ascii_lowercase(),
            'a'..='z' | '0'..='9' => character,
            _ => '-',
        })
        .collect();
    label.truncate(63);
    let trimmed = label.trim_matches('-');
    if trimmed.is_empty() {
        "pipe".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// The environment a deploy goes to: the job's, or `default`.
pub fn environment_of(job: &Job) -> String {
    job.environment.as_ref().map_or_else(
        || "default".to_owned(),
        |environment| dns_label(&environment.name),
    )
}

/// Where the Kubernetes backend writes a deploy's manifests, relative to
/// the output directory; the CI deploy jobs apply this file. A strategy
/// chosen per run has one file per alternative, `<service>.<value>.yaml`:
/// a service name is a DNS label and holds no `.`, so these never meet
/// another deploy's `<service>.yaml`.
pub fn manifest_path(job: &Job, deploy: &Deploy, alternative: Option<&str>) -> String {
    let environment = environment_of(job);
    let service = dns_label(&deploy.service);
    match alternative {
        None => format!("k8s/{environment}/{service}.yaml"),
        Some(value) => format!("k8s/{environment}/{service}.{}.yaml", dns_label(value)),
    }
}

/// The namespace a deploy goes to: its own, or the environment's name.
pub fn namespace_of(job: &Job, deploy: &Deploy) -> String {
    deploy
        .namespace
        .clone()
        .unwrap_or_else(|| environment_of(job))
}

/// The image of a deploy as the manifest holds it: literal text, with each
/// runtime part as a `${NAME}` placeholder, and the runtime values the
/// placeholders stand for (which the deploy step exports before applying).
pub fn image_template(image: &Expr) -> (String, Vec<(String, Expr)>) {
    let mut values = Vec::new();
    let text = manifest_text(image, &mut values, &|_| String::new());
    (text, values)
}

/// Every `${NAME}` placeholder of a deploy's manifest with the value it
/// stands for: the image's, then those of the deploy's environment
/// variables, then those of a smoke test's image. The deploy step exports
/// these before `envsubst`. Secrets are never placeholders: the manifest
/// reads them from a Kubernetes Secret.
pub fn deploy_placeholders(deploy: &Deploy) -> Vec<(String, Expr)> {
    let mut values = Vec::new();
    manifest_text(&deploy.image, &mut values, &|_| String::new());
    for var in &deploy.env {
        manifest_text(&var.value, &mut values, &|_| String::new());
    }
    for variant in deploy.strategy.variants() {
        if let Strategy::BlueGreen {
            smoke_test: Some(SmokeTest {
                image: Some(image), ..
            }),
            ..
        } = variant.strategy
        {
            manifest_text(image, &mut values, &|_| String::new());
        }
    }
    values
}

/// What a deploy step exports: the placeholders, and for a strategy chosen
/// per run the input that chooses it, which the step's script reads to
/// pick the manifest (never spliced into the script).
pub fn deploy_environment(deploy: &Deploy) -> Vec<(String, Expr)> {
    let mut values = deploy_placeholders(deploy);
    if let Some((name, value)) = choice_variable(deploy)
        && !values.iter().any(|(existing, _)| *existing == name)
    {
        values.push((name, value));
    }
    values
}

/// The variable a deploy step reads its chosen strategy from, with the
/// input it holds.
pub fn choice_variable(deploy: &Deploy) -> Option<(String, Expr)> {
    let choice = deploy.strategy.choice()?;
    let input = Context::Input(choice.input.clone());
    Some((
        env_name(&input),
        Expr::new(ExprKind::Context(input), Type::String, choice.origin),
    ))
}

/// A manifest value as text: literal parts as written, a secret part as
/// `secret(name)` returns it, any other runtime part as a `${NAME}`
/// placeholder added to `values` (once per name).
pub fn manifest_text(
    value: &Expr,
    values: &mut Vec<(String, Expr)>,
    secret: &dyn Fn(&str) -> String,
) -> String {
    let mut text = String::new();
    let mut part = |expr: &Expr, text: &mut String| {
        if let ExprKind::Context(Context::Secret(name)) = &expr.kind {
            text.push_str(&secret(name));
            return;
        }
        let name = match &expr.kind {
            ExprKind::Context(context) => env_name(context),
            _ => format!("PIPE_VALUE_{}", values.len() + 1),
        };
        text.push_str("${");
        text.push_str(&name);
        text.push('}');
        if !values.iter().any(|(existing, _)| *existing == name) {
            values.push((name, expr.clone()));
        }
    };
    match &value.kind {
        ExprKind::String(literal) => text.push_str(literal),
        ExprKind::Text(parts) => {
            for piece in parts {
                match piece {
                    TextPart::Literal(literal) => text.push_str(literal),
                    TextPart::Expr(expr) => part(expr, &mut text),
                }
            }
        }
        ExprKind::Context(_) => part(value, &mut text),
        _ => {}
    }
    text
}

/// The job of `upstream` that starts `follower` after a successful run:
/// `start-deploy`, numbered on when a job of that name exists.
pub fn start_job(upstream: &crate::ir::Pipeline, follower: &str) -> String {
    let base = format!("start-{follower}");
    let mut name = base.clone();
    let mut counter = 2;
    while upstream.job(&name).is_some() {
        name = format!("{base}-{counter}");
        counter += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_lower_case_hyphenated_and_bounded() {
        assert_eq!(dns_label("Model_API"), "model-api");
        assert_eq!(dns_label("_x_"), "x");
        assert_eq!(dns_label(&"a".repeat(80)).len(), 63);
        assert_eq!(dns_label("__"), "pipe");
    }

    #[test]
    fn runtime_values_get_screaming_snake_case_names() {
        assert_eq!(env_name(&Context::Sha), "GIT_SHA");
        assert_eq!(env_name(&Context::Matrix("python".into())), "MATRIX_PYTHON");
        assert_eq!(
            env_name(&Context::JobOutput {
                job: "build".into(),
                output: "image-tag".into()
            }),
            "JOBS_BUILD_OUTPUTS_IMAGE_TAG"
        );
        assert_eq!(env_name(&Context::Secret("TOKEN".into())), "TOKEN");
    }
}
