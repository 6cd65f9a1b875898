//! What names mean at one point of a lowering: the template arguments in
//! force, the pipeline's inputs and secrets, the job's matrix keys.

use std::rc::Rc;

use crate::ir::Expr;
use crate::span::SourceId;
use crate::types::Type;

/// Facts about the pipeline being lowered that expressions refer to.
#[derive(Debug, Default)]
pub struct PipelineFacts {
    /// Manual inputs and their types.
    pub inputs: Vec<(String, Type)>,
    pub secrets: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Scope {
    /// The module whose text is being lowered: template references and
    /// spans belong to it.
    pub module: usize,
    pub source: SourceId,
    /// Template parameters bound to their arguments.
    pub parameters: Rc<Vec<(String, Expr)>>,
    /// `None` while a template is checked on its own: the pipeline that
    /// will instantiate it is not known.
    pub pipeline: Option<Rc<PipelineFacts>>,
    /// The keys of the job's matrix, once the job is known to have one.
    pub matrix_keys: Option<Rc<Vec<String>>>,
    /// Inside a template body (checked on its own or instantiated).
    pub in_template: bool,
    /// In `rollback = […]`, where metric names are values.
    pub metrics: bool,
}

impl Scope {
    pub fn new(module: usize, source: SourceId, pipeline: Option<Rc<PipelineFacts>>) -> Scope {
        Scope {
            module,
            source,
            parameters: Rc::new(Vec::new()),
            pipeline,
            matrix_keys: None,
            in_template: false,
            metrics: false,
        }
    }

    pub fn parameter(&self, name: &str) -> Option<&Expr> {
        self.parameters
            .iter()
            .find(|(parameter, _)| parameter == name)
            .map(|(_, value)| value)
    }

    pub fn with_metrics(&self) -> Scope {
        Scope {
            metrics: true,
            ..self.clone()
        }
    }
}
