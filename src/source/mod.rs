//! Everything about a source document before extraction: decoding bytes into text, the text
//! normalization used to compare statements, meetings and meeting references, and the manifest
//! that describes a folder of documents.
//!
//! Invariant: nothing here knows about events or the store.

pub mod bounded;
pub mod date;
pub mod decode;
mod ideograph_table;
pub mod manifest;
pub mod meeting;
pub mod normalize;
