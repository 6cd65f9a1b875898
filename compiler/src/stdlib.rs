//! The standard library, embedded in the binary so that `import "std/…"`
//! works from any directory with no files at run time.

/// `(name, source)` of every module, importable as `std/<name>`.
pub const MODULES: &[(&str, &str)] = &[
    ("docker", include_str!("../../stdlib/docker.pipe")),
    ("github", include_str!("../../stdlib/github.pipe")),
    ("node", include_str!("../../stdlib/node.pipe")),
    ("notify", include_str!("../../stdlib/notify.pipe")),
    ("python", include_str!("../../stdlib/python.pipe")),
    ("security", include_str!("../../stdlib/security.pipe")),
];

/// The source of `std/<name>`.
pub fn module(name: &str) -> Option<&'static str> {
    MODULES
        .iter()
        .find(|(module_name, _)| *module_name == name)
        .map(|(_, source)| *source)
}
