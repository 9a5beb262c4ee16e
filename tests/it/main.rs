//! The integration tests, as one test binary: one build and one link for the whole suite, so
//! it stays quick as it grows. Each module is one subject; `common` holds the shared helpers.

mod common;
/// `planledger serve` run for a test (the benches' helper, one definition); tests do not time.
#[allow(dead_code)]
#[path = "../../benches/common/server.rs"]
mod server;

mod browser;
mod cli;
mod corrections;
mod dating_seeds;
mod demo;
mod diff;
mod exchange;
mod forgeries;
mod help;
mod hostile;
mod ingest_verifies;
mod integrity;
mod jcs_vectors;
mod merkle_vectors;
mod no_panic;
mod order_independence;
mod proofs;
mod slides_seeds;
mod tidy;
mod torikumi_seed;
mod variants;
mod web;
