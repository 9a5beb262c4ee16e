//! No panic is reachable from a document, a flag or an export: every parser and reader is run
//! on arbitrary input and must return a value or an error. (The mutation fuzzer,
//! `fuzz/mutate_seeds.rs`, does the same for long runs over mutated seeds.)

use std::collections::BTreeMap;

use planledger::extract::{check_format, extract};
use planledger::ledger::exchange::check_import;
use planledger::source::date::{find_dates, parse_day};
use planledger::source::decode::decode;
use planledger::source::manifest::DocumentFormat;
use planledger::source::meeting::MeetingRef;
use proptest::prelude::*;

/// Strings that look like what the parsers read, and anything at all.
fn texty() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        "[第回年月日令和平成元0-9０-９〇一二三四五六七八九十.／/\\-～~()（）時点現在度末以内 ]{0,30}",
        "[【】○〇・①⑴（ア）\\u{3000}\\u{000C}\\r\\n国は、。0-9]{0,80}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn meeting_references_and_dates_never_panic(text in texty()) {
        let _ = MeetingRef::parse(&text);
        let _ = parse_day(&text);
        for found in find_dates(&text) {
            prop_assert!(found.start <= found.end);
        }
    }

    #[test]
    fn decoding_and_extraction_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400), text in texty()) {
        if let Ok((decoded, _)) = decode(&bytes) {
            for format in [DocumentFormat::Torikumi, DocumentFormat::Slides] {
                let version = extract(format, &decoded);
                let _ = check_format(format, &decoded, &version);
            }
        }
        for format in [DocumentFormat::Torikumi, DocumentFormat::Slides] {
            let version = extract(format, &text);
            let _ = check_format(format, &text, &version);
        }
    }

    #[test]
    fn an_import_of_arbitrary_lines_is_refused_not_a_panic(
        lines in prop::collection::vec(prop_oneof![
            "\\PC{0,60}",
            Just(r#"{"seq":0,"prev":"0000000000000000000000000000000000000000000000000000000000000000","kind":"DocumentIngested"}"#.to_owned()),
            "\\{\"seq\":[0-9]{1,3},\"hash\":\"[0-9a-f]{0,64}\"\\}",
        ], 0..6)
    ) {
        let text = lines.join("\n");
        prop_assert!(check_import(text.as_bytes(), &BTreeMap::new()).is_err() || text.trim().is_empty());
    }
}
