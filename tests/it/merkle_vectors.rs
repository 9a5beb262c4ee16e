//! The Merkle proof verifier against every published vector of transparency-dev/merkle
//! (RFC 6962/9162 with SHA-256), copied into
//! tests/data/merkle (origin and licence in its README): happy paths must verify,
//! every deliberately broken proof must be rejected.

use crate::common;

use std::path::{Path, PathBuf};

use base64::Engine;
use planledger::ledger::merkle::{verify_consistency, verify_inclusion, Sha256Hash};
use serde_json::Value;

fn json_files(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(json_files(&path));
        } else if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn bytes(value: &Value) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(value.as_str().unwrap_or(""))
        .ok()
}

fn proof(value: &Value) -> Option<Vec<Vec<u8>>> {
    match value {
        Value::Null => Some(Vec::new()),
        Value::Array(items) => items.iter().map(bytes).collect(),
        _ => None,
    }
}

#[test]
fn every_published_inclusion_vector() {
    let files = json_files(&common::test_data().join("merkle").join("inclusion"));
    assert!(files.len() > 50, "vectors present: {}", files.len());
    for file in files {
        let case: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        let want_error = case["wantErr"].as_bool().unwrap();
        let result = match (
            bytes(&case["leafHash"]),
            bytes(&case["root"]),
            proof(&case["proof"]),
        ) {
            (Some(leaf), Some(root), Some(proof)) => verify_inclusion::<Sha256Hash>(
                case["leafIdx"].as_u64().unwrap(),
                case["treeSize"].as_u64().unwrap(),
                &leaf,
                &proof,
                &root,
            )
            .is_ok(),
            _ => false,
        };
        assert_eq!(result, !want_error, "{}", file.display());
    }
}

#[test]
fn every_published_consistency_vector() {
    let files = json_files(&common::test_data().join("merkle").join("consistency"));
    assert!(files.len() > 50, "vectors present: {}", files.len());
    for file in files {
        let case: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        let want_error = case["wantErr"].as_bool().unwrap();
        let result = match (
            bytes(&case["root1"]),
            bytes(&case["root2"]),
            proof(&case["proof"]),
        ) {
            (Some(root1), Some(root2), Some(proof)) => verify_consistency::<Sha256Hash>(
                case["size1"].as_u64().unwrap(),
                case["size2"].as_u64().unwrap(),
                &root1,
                &root2,
                &proof,
            )
            .is_ok(),
            _ => false,
        };
        assert_eq!(result, !want_error, "{}", file.display());
    }
}
