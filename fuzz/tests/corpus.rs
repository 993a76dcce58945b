//! The corpus regression test: every file of every stored corpus (`corpus/<target>/`: seeds from
//! the project's fixtures and sandbox pages, and what fuzzing found, minimised) through its
//! target's oracles. Runs on stable Rust without libFuzzer:
//! `cargo test --manifest-path fuzz/Cargo.toml --no-default-features`.

use std::fs;
use std::panic;
use std::path::{Path, PathBuf};

use task_profiles_fuzz::targets::TARGETS;

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target)
}

#[test]
fn every_target_has_a_corpus_and_every_corpus_a_target() {
    for (target, _) in TARGETS {
        let files = fs::read_dir(corpus_dir(target)).map_or(0, |d| d.count());
        assert!(files > 0, "corpus/{target}/ is missing or empty");
    }
    for entry in fs::read_dir(corpus_dir("")).expect("corpus/") {
        let name = entry.expect("a corpus entry").file_name();
        let name = name.to_string_lossy();
        assert!(
            TARGETS.iter().any(|(t, _)| *t == name),
            "corpus/{name}/ has no target"
        );
    }
}

#[test]
fn every_stored_input_passes_its_oracles() {
    let mut failures = Vec::new();
    let mut replayed = 0;
    for (target, run) in TARGETS {
        let mut files: Vec<PathBuf> = fs::read_dir(corpus_dir(target))
            .into_iter()
            .flatten()
            .map(|e| e.expect("a corpus file").path())
            .collect();
        files.sort();
        for file in files {
            let data = fs::read(&file).expect("a corpus file");
            // Each input on its own: one failure does not hide the others.
            if panic::catch_unwind(|| run(&data)).is_err() {
                failures.push(format!("{target}: {}", file.display()));
            }
            replayed += 1;
        }
    }
    assert!(replayed > 0);
    assert!(
        failures.is_empty(),
        "inputs failing their oracles:\n{}",
        failures.join("\n")
    );
}
