//! The actions the GitHub backend writes itself (for checkout, caches,
//! artifacts and deploys), pinned to the same commits as their bindings in
//! `stdlib/github.pipe`; a test keeps the two in step.

/// An action pinned to a full commit SHA, with the release it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PinnedAction {
    /// `owner/repo` or `owner/repo/path`.
    pub name: &'static str,
    pub sha: &'static str,
    pub version: &'static str,
}

impl PinnedAction {
    pub fn reference(&self) -> String {
        [self.name, "@", self.sha].concat()
    }

    /// The same repository at the same commit, another action in it
    /// (`actions/cache/restore`).
    pub fn sub_action(&self, path: &str) -> PinnedAction {
        let name: &'static str = match path {
            "restore" => "actions/cache/restore",
            _ => "actions/cache/save",
        };
        PinnedAction { name, ..*self }
    }
}

pub const CHECKOUT: PinnedAction = PinnedAction {
    name: "actions/checkout",
    sha: "3d3c42e5aac5ba805825da76410c181273ba90b1",
    version: "v7.0.1",
};

pub const CACHE: PinnedAction = PinnedAction {
    name: "actions/cache",
    sha: "27d5ce7f107fe9357f9df03efb73ab90386fccae",
    version: "v5.0.5",
};

pub const UPLOAD_ARTIFACT: PinnedAction = PinnedAction {
    name: "actions/upload-artifact",
    sha: "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f",
    version: "v7.0.0",
};

pub const DOWNLOAD_ARTIFACT: PinnedAction = PinnedAction {
    name: "actions/download-artifact",
    sha: "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c",
    version: "v8.0.1",
};

pub const SETUP_KUBECTL: PinnedAction = PinnedAction {
    name: "Azure/setup-kubectl",
    sha: "829323503d1be3d00ca8346e5391ca0b07a9ab0d",
    version: "v5.1.0",
};

/// Every action above, for the consistency test.
pub const ALL: &[PinnedAction] = &[
    CHECKOUT,
    CACHE,
    UPLOAD_ARTIFACT,
    DOWNLOAD_ARTIFACT,
    SETUP_KUBECTL,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pinned_action_matches_its_standard_library_binding() {
        let bindings = crate::stdlib::module("github").unwrap_or_default();
        for action in ALL {
            let line = format!("\"{}@{}\" // {}", action.name, action.sha, action.version);
            assert!(
                bindings.contains(&line),
                "std/github has no binding `{line}`"
            );
        }
    }
}
