//! BLAKE3 of many short messages at once: `verify` hashes every event of the ledger, each a few
//! hundred bytes to two KiB — one or two BLAKE3 chunks, whose 64-byte blocks are compressed one
//! after the other, so hashing events one by one leaves the processor's vector lanes idle. Here
//! the blocks of up to sixteen messages (as many as the processor's lanes) are compressed side
//! by side through the `blake3` crate's own `hash_many` (what it uses for the chunks of one long
//! input): a two-chunk message's first chunk whole, and each message's last chunk but its last
//! block; that block is then compressed with the flags that end a chunk (and, for a message of
//! one chunk, the hash), and a two-chunk message's root is the parent of its chunks.
//!
//! Invariant: [`digests`] gives, for every message, exactly `blake3::hash` of it — whatever its
//! length (one longer than two chunks is hashed by `blake3::hash` itself) and whatever the
//! processor (tested for every length through three chunks, on the lanes this processor has and
//! on the portable code). `blake3::platform` is the crate's undocumented module (for its
//! benchmarks): the crate is pinned to one version in `Cargo.toml`, so a release that changes
//! it is taken up on purpose, and this module's tests say whether it still hashes the same.

use blake3::platform::Platform;
use blake3::IncrementCounter;

/// BLAKE3's key words for plain hashing (the IV, the first words of SHA-256's).
const IV: [u32; 8] = [
    0x6A09_E667,
    0xBB67_AE85,
    0x3C6E_F372,
    0xA54F_F53A,
    0x510E_527F,
    0x9B05_688C,
    0x1F83_D9AB,
    0x5BE0_CD19,
];

/// The domain flags of BLAKE3's compression function (its specification, section 2.1).
const CHUNK_START: u8 = 1;
const CHUNK_END: u8 = 2;
const PARENT: u8 = 4;
const ROOT: u8 = 8;

const BLOCK_LEN: usize = 64;
const CHUNK_LEN: usize = 1024;
/// The most full blocks a chunk has before its last (never empty) block.
const MAX_LEADING_BLOCKS: usize = CHUNK_LEN / BLOCK_LEN - 1;

/// `blake3::hash` of each message, in order.
pub fn digests(messages: &[&[u8]]) -> Vec<blake3::Hash> {
    digests_on(Platform::detect(), messages)
}

/// A message's last chunk: where it is in the message (its counter) and its bytes.
struct LastChunk<'m> {
    counter: u64,
    bytes: &'m [u8],
}

/// [`digests`] on a given platform (the portable code, in the tests). A message of one chunk
/// is that chunk, its last block compressed as the root; one of two chunks (events up to
/// 2 KiB) is the parent of its two chunks' chaining values; a longer one is hashed by
/// `blake3::hash`.
fn digests_on(platform: Platform, messages: &[&[u8]]) -> Vec<blake3::Hash> {
    // The first chunks of the messages of two, all whole: their chaining values side by side.
    let two: Vec<usize> = (0..messages.len())
        .filter(|&at| messages.get(at).is_some_and(|m| chunks(m) == Some(2)))
        .collect();
    let mut first_chunks = vec![0u8; two.len() * 32];
    let firsts: Vec<&[u8]> = two
        .iter()
        .filter_map(|&at| messages.get(at).copied())
        .collect();
    lanes::<CHUNK_LEN>(
        platform,
        &firsts,
        0,
        CHUNK_START | CHUNK_END,
        &mut first_chunks,
    );
    let mut first_of: Vec<Option<[u32; 8]>> = vec![None; messages.len()];
    for (&at, value) in two.iter().zip(first_chunks.chunks_exact(32)) {
        if let (Some(slot), Ok(value)) = (first_of.get_mut(at), <&[u8; 32]>::try_from(value)) {
            *slot = Some(blake3::platform::words_from_le_bytes_32(value));
        }
    }
    let last: Vec<Option<LastChunk>> = messages
        .iter()
        .map(|message| match chunks(message)? {
            1 => Some(LastChunk {
                counter: 0,
                bytes: message,
            }),
            _ => Some(LastChunk {
                counter: 1,
                bytes: message.get(CHUNK_LEN..)?,
            }),
        })
        .collect();
    // Each last chunk's chaining value after its leading blocks, by groups of chunks with as
    // many leading blocks and the same counter (the lanes take inputs of one length).
    let mut chaining: Vec<[u32; 8]> = vec![IV; messages.len()];
    let mut out = Vec::new();
    for counter in [0, 1] {
        let mut by_blocks: Vec<Vec<usize>> = vec![Vec::new(); MAX_LEADING_BLOCKS + 1];
        for (at, chunk) in last.iter().enumerate() {
            if let Some(chunk) = chunk.as_ref().filter(|chunk| chunk.counter == counter) {
                if let Some(group) = by_blocks.get_mut(leading_blocks(chunk.bytes)) {
                    group.push(at);
                }
            }
        }
        for (blocks, group) in by_blocks.iter().enumerate().skip(1) {
            if group.is_empty() {
                continue;
            }
            let inputs: Vec<&[u8]> = group
                .iter()
                .filter_map(|&at| last.get(at)?.as_ref().map(|chunk| chunk.bytes))
                .collect();
            out.clear();
            out.resize(inputs.len() * 32, 0);
            leading_chaining_values(platform, blocks, &inputs, counter, &mut out);
            for (&at, value) in group.iter().zip(out.chunks_exact(32)) {
                if let (Some(slot), Ok(value)) =
                    (chaining.get_mut(at), <&[u8; 32]>::try_from(value))
                {
                    *slot = blake3::platform::words_from_le_bytes_32(value);
                }
            }
        }
    }
    messages
        .iter()
        .zip(last)
        .zip(chaining.into_iter().zip(first_of))
        .map(|((message, last), (mut chaining, first))| {
            let Some(last) = last else {
                return blake3::hash(message);
            };
            let blocks = leading_blocks(last.bytes);
            let tail = last.bytes.get(blocks * BLOCK_LEN..).unwrap_or_default();
            let mut block = [0u8; BLOCK_LEN];
            if let Some(start) = block.get_mut(..tail.len()) {
                start.copy_from_slice(tail);
            }
            let start = if blocks == 0 { CHUNK_START } else { 0 };
            // A block's length is at most 64: it fits its byte.
            let length = u8::try_from(tail.len()).unwrap_or(u8::MAX);
            match first {
                None => {
                    let flags = start | CHUNK_END | ROOT;
                    platform.compress_in_place(&mut chaining, &block, length, 0, flags);
                    blake3::Hash::from(blake3::platform::le_bytes_from_words_32(&chaining))
                }
                Some(first) => {
                    let flags = start | CHUNK_END;
                    platform.compress_in_place(&mut chaining, &block, length, last.counter, flags);
                    // The root: the parent of the two chunks' chaining values.
                    let mut parent = [0u8; BLOCK_LEN];
                    let halves = parent.split_at_mut(32);
                    halves
                        .0
                        .copy_from_slice(&blake3::platform::le_bytes_from_words_32(&first));
                    halves
                        .1
                        .copy_from_slice(&blake3::platform::le_bytes_from_words_32(&chaining));
                    let mut root = IV;
                    platform.compress_in_place(&mut root, &parent, 64, 0, PARENT | ROOT);
                    blake3::Hash::from(blake3::platform::le_bytes_from_words_32(&root))
                }
            }
        })
        .collect()
}

/// How many chunks a message of at most two has (an empty message is one empty chunk); `None`
/// for a longer one (hashed by `blake3::hash`).
fn chunks(message: &[u8]) -> Option<usize> {
    match message.len() {
        0..=CHUNK_LEN => Some(1),
        len if len <= 2 * CHUNK_LEN => Some(2),
        _ => None,
    }
}

/// How many full blocks precede a chunk's last block.
fn leading_blocks(chunk: &[u8]) -> usize {
    chunk.len().saturating_sub(1) / BLOCK_LEN
}

/// The chaining values after the first `blocks` blocks of each input (each at least that long)
/// of a chunk at `counter`, started and not ended (its last block is compressed afterwards with
/// the flags that end it), written to `out` (32 bytes each).
fn leading_chaining_values(
    platform: Platform,
    blocks: usize,
    inputs: &[&[u8]],
    counter: u64,
    out: &mut [u8],
) {
    // `hash_many` takes inputs of a length known when compiling: one instance per count of
    // blocks a chunk can lead with.
    let started = CHUNK_START;
    match blocks {
        1 => lanes::<64>(platform, inputs, counter, started, out),
        2 => lanes::<128>(platform, inputs, counter, started, out),
        3 => lanes::<192>(platform, inputs, counter, started, out),
        4 => lanes::<256>(platform, inputs, counter, started, out),
        5 => lanes::<320>(platform, inputs, counter, started, out),
        6 => lanes::<384>(platform, inputs, counter, started, out),
        7 => lanes::<448>(platform, inputs, counter, started, out),
        8 => lanes::<512>(platform, inputs, counter, started, out),
        9 => lanes::<576>(platform, inputs, counter, started, out),
        10 => lanes::<640>(platform, inputs, counter, started, out),
        11 => lanes::<704>(platform, inputs, counter, started, out),
        12 => lanes::<768>(platform, inputs, counter, started, out),
        13 => lanes::<832>(platform, inputs, counter, started, out),
        14 => lanes::<896>(platform, inputs, counter, started, out),
        15 => lanes::<960>(platform, inputs, counter, started, out),
        _ => {}
    }
}

/// The chaining values after the first `N` bytes (whole blocks) of each input, compressed as
/// the chunk at `counter` with `flags` (its start, and its end when `N` is the whole chunk),
/// written to `out` (32 bytes each), the inputs side by side on the platform's lanes.
fn lanes<const N: usize>(
    platform: Platform,
    inputs: &[&[u8]],
    counter: u64,
    flags: u8,
    out: &mut [u8],
) {
    let leading: Vec<&[u8; N]> = inputs
        .iter()
        .filter_map(|input| {
            input
                .get(..N)
                .and_then(|start| <&[u8; N]>::try_from(start).ok())
        })
        .collect();
    let (start, end) = (flags & CHUNK_START, flags & CHUNK_END);
    if leading.len() == inputs.len() && out.len() == leading.len() * 32 {
        platform.hash_many(
            &leading,
            &IV,
            counter,
            IncrementCounter::No,
            0,
            start,
            end,
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes that are no pattern (xorshift), so a block mixed up with another shows.
    fn noise(len: usize) -> Vec<u8> {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect()
    }

    #[test]
    fn every_length_through_three_chunks_hashes_as_blake3_does() {
        let bytes = noise(3 * CHUNK_LEN + 16);
        // Messages of every length from 0 to three chunks (one, two, and more than the lanes
        // take), each starting at its own offset, in one call: every group of lengths shares
        // the lanes with others.
        let messages: Vec<&[u8]> = (0..=3 * CHUNK_LEN)
            .map(|len| &bytes[len % 13..len % 13 + len])
            .collect();
        for platform in [Platform::detect(), Platform::portable()] {
            let found = digests_on(platform, &messages);
            assert_eq!(found.len(), messages.len());
            for (message, digest) in messages.iter().zip(&found) {
                assert_eq!(
                    *digest,
                    blake3::hash(message),
                    "{} bytes on {platform:?}",
                    message.len()
                );
            }
        }
    }

    #[test]
    fn messages_of_one_length_fill_the_lanes_and_keep_their_order() {
        let bytes = noise(40 * 1500);
        let messages: Vec<&[u8]> = bytes.chunks(880).chain(bytes.chunks(1500)).collect();
        let found = digests(&messages);
        let expected: Vec<blake3::Hash> = messages.iter().map(|m| blake3::hash(m)).collect();
        assert_eq!(found, expected);
        assert!(digests(&[]).is_empty());
    }
}
