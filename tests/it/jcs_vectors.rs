//! RFC 8785 canonicalization against the published vectors of an independent implementation
//! (cyberphone/json-canonicalization), copied into tests/data/jcs (origin and licence in its README).

use crate::common;

use planledger::ledger::jcs::canonicalize;

#[test]
fn every_published_jcs_vector_canonicalizes_byte_for_byte() {
    let folder = common::test_data().join("jcs");
    let mut names: Vec<String> = std::fs::read_dir(folder.join("input"))
        .expect("tests/data/jcs/input is in the repository")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "arrays.json",
            "french.json",
            "structures.json",
            "unicode.json",
            "values.json",
            "weird.json"
        ]
    );
    for name in names {
        let input = std::fs::read(folder.join("input").join(&name)).unwrap();
        let expected = std::fs::read(folder.join("output").join(&name)).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&input).unwrap();
        let actual = canonicalize(&value).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&actual),
            String::from_utf8_lossy(&expected),
            "{name}"
        );
        // The hex form is the same bytes, written by the vector's authors independently.
        let hex =
            std::fs::read_to_string(folder.join("outhex").join(name.replace(".json", ".txt")))
                .unwrap();
        let from_hex: Vec<u8> = hex
            .split_whitespace()
            .map(|byte| u8::from_str_radix(byte, 16).unwrap())
            .collect();
        assert_eq!(actual, from_hex, "{name} (outhex)");
    }
}
