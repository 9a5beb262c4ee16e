//! What the benchmarks share: the seed they generate their inputs from.

/// The text of seed 000 (the 取組一覧 of 第92回), from `seeds/`.
pub fn seed_000() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let path = std::fs::read_dir(&dir)
        .expect("seeds/ is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .find(|path| {
            path.file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with("000_"))
        })
        .expect("seed 000 is in seeds/");
    std::fs::read_to_string(path).expect("seed 000 reads")
}
