//! Pathological inputs: extraction must stay linear in the input's size. Each input is built at
//! size n and 4n and run through what ingest runs on a document's text (decode, both
//! extractors, the figures and date readers, date bounds); the ratio time(4n)/time(n) is
//! printed — about 4 is linear, 16 would be quadratic — with the throughput at 4n.
//!
//! Run: `cargo bench --bench pathological` (release build, a few seconds).

mod common;

use std::time::{Duration, Instant};

use planledger::extract::dating::infer_date_bounds;
use planledger::extract::extract;
use planledger::source::decode::decode;
use planledger::source::manifest::DocumentFormat;

use common::seed_000;

/// What ingest does with a document's bytes before anything touches the store.
fn read_document(bytes: &[u8]) -> usize {
    let (text, _) = decode(bytes).expect("the generated inputs decode");
    let torikumi = extract(DocumentFormat::Torikumi, &text);
    let slides = extract(DocumentFormat::Slides, &text);
    let bounds = infer_date_bounds(&text);
    torikumi.measures.len() + slides.measures.len() + torikumi.targets.len() + bounds.iter().count()
}

/// The best of three runs (the least disturbed by the machine's other work).
fn time(bytes: &[u8]) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(read_document(std::hint::black_box(bytes)));
            start.elapsed()
        })
        .min()
        .expect("three runs")
}

fn main() {
    let seed = seed_000();
    type Generator = Box<dyn Fn(usize) -> String>;
    let inputs: Vec<(&str, usize, Generator)> = vec![
        (
            "one long line (n × 1 MB of text, no sentence end)",
            1,
            Box::new(|n| "国は、がん対策を推進し".repeat(n * 1_000_000 / 33)),
        ),
        (
            "dates on one line (n × 25,000)",
            1,
            Box::new(|n| "令和7年10月6日時点で51.5％、".repeat(n * 25_000)),
        ),
        (
            "a long line then 10,000 × n blank lines",
            1,
            Box::new(|n| {
                let mut text = "国は、がん対策を推進し".repeat(1_000_000 / 33);
                text.push_str(&"\n".repeat(10_000 * n));
                text
            }),
        ),
        (
            "bullets (n × 1 MB)",
            1,
            Box::new(|n| "○令和６年に拠点病院等で研修を実施した。\n".repeat(n * 1_000_000 / 61)),
        ),
        (
            "bureau blocks without measures (n × 1 MB)",
            1,
            Box::new(|n| {
                "【健康・生活衛生局がん・疾病対策課】\n○実施した。\n\n".repeat(n * 1_000_000 / 80)
            }),
        ),
        (
            "seed 000 repeated (n × 8 copies)",
            8,
            Box::new(move |n| seed.repeat(n)),
        ),
    ];
    // `cargo bench --bench pathological -- dates` runs the inputs whose name contains "dates".
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    println!(
        "{:<52} {:>10} {:>10} {:>7} {:>9}",
        "input", "t(n)", "t(4n)", "ratio", "MB/s(4n)"
    );
    for (name, scale, generate) in inputs {
        if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        let small = generate(scale).into_bytes();
        let large = generate(4 * scale).into_bytes();
        let (t_small, t_large) = (time(&small), time(&large));
        let ratio = t_large.as_secs_f64() / t_small.as_secs_f64().max(1e-9);
        let rate = large.len() as f64 / 1e6 / t_large.as_secs_f64().max(1e-9);
        println!(
            "{name:<52} {:>8.1}ms {:>8.1}ms {ratio:>7.2} {rate:>9.1}",
            t_small.as_secs_f64() * 1e3,
            t_large.as_secs_f64() * 1e3,
        );
    }
}
