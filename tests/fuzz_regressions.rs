//! Replays the fuzzers' regression corpus (`fuzz-regressions/<target>/`,
//! one input per file: every crash found, minimised, and seeds) through the
//! same properties the fuzz targets check, so a fixed crash stays fixed.

#[test]
fn every_regression_input_keeps_its_property() {
    let root = pipec_tests::tests_dir().join("fuzz-regressions");
    let mut replayed = 0;
    for (target, property) in pipec_tests::properties::ALL {
        let directory = root.join(target);
        let Ok(entries) = std::fs::read_dir(&directory) else {
            continue;
        };
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .collect();
        paths.sort();
        for path in paths {
            let data = std::fs::read(&path)
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
            property(&data);
            replayed += 1;
        }
    }
    assert!(replayed > 0, "the regression corpus is empty");
}
