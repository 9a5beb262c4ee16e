//! Checkpoints and proofs over the Merkle tree of event hashes, in text formats an outsider can
//! check without the store.
//!
//! A checkpoint follows C2SP tlog-checkpoint: origin line, tree size, base64 root, then
//! extension lines (`head <seq> <event hash>`, and `meeting …` when taken at a meeting). It may
//! be signed as a C2SP signed note: a blank line, then `— <key name> <base64(key id ‖ Ed25519
//! signature)>` lines, where key id = SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key)[..4]. Keys use
//! the signed-note text forms: `PRIVATE+KEY+<name>+<id hex>+<base64(0x01 ‖ seed)>` and
//! `<name>+<id hex>+<base64(0x01 ‖ public key)>`.
//!
//! The tree's leaves are the events' hashes in seq order: leaf i = BLAKE3(0x00 ‖ hash of event
//! i as 32 bytes). Invariant: parsing and verification never panic; every malformed input is an
//! error that says which line is wrong.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use sha2::Digest;

use super::merkle::{self, Blake3Hash, ProofError};
use super::Event;

const ED25519_TYPE: u8 = 0x01;
const SIGNATURE_PREFIX: &str = "\u{2014} ";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CheckpointError {
    #[error("checkpoint line {line}: {what}")]
    Malformed { line: usize, what: String },
    #[error("proof line {line}: {what}")]
    MalformedProof { line: usize, what: String },
    #[error("key: {0}")]
    Key(String),
    #[error("the checkpoint has no valid signature by key {name}")]
    Unsigned { name: String },
    #[error("the proof is for a tree of {proof} events but the checkpoint is of {checkpoint}")]
    SizeMismatch { proof: u64, checkpoint: u64 },
    #[error("the proof does not check out: {0}")]
    Proof(#[from] ProofError),
    #[error("event {seq} has a hash that is not 64 hex digits")]
    EventHash { seq: u64 },
    #[error("a tree of {size} events is beyond the ledger's {events} events")]
    BeyondLedger { size: u64, events: u64 },
    #[error("the ledger holds no events of {meeting}")]
    NoEventsOf { meeting: String },
}

impl CheckpointError {
    /// Whether the error is in what was given (a checkpoint, proof or key that does not parse)
    /// rather than a verdict that a well-formed proof or signature does not hold.
    pub fn is_malformed(&self) -> bool {
        matches!(
            self,
            CheckpointError::Malformed { .. }
                | CheckpointError::MalformedProof { .. }
                | CheckpointError::Key(_)
        )
    }
}

/// The first `size` events, or an error when the ledger has fewer.
fn prefix(events: &[Event], size: u64) -> Result<&[Event], CheckpointError> {
    usize::try_from(size)
        .ok()
        .and_then(|size| events.get(..size))
        .ok_or(CheckpointError::BeyondLedger {
            size,
            events: events.len() as u64,
        })
}

/// The leaf hashes of the tree over `events` (in seq order).
pub fn leaves(events: &[Event]) -> Result<Vec<Vec<u8>>, CheckpointError> {
    events.iter().map(leaf_of).collect()
}

/// An event's leaf hash: the RFC 9162 leaf over the bytes of its hash.
pub fn leaf_of(event: &Event) -> Result<Vec<u8>, CheckpointError> {
    let bytes = decode_hex(&event.hash).ok_or(CheckpointError::EventHash { seq: event.seq })?;
    Ok(merkle::leaf_hash::<Blake3Hash>(&bytes))
}

/// The 32 bytes of a hash written as 64 hex digits (either case); `None` for anything else.
/// (`verify` reads every event's leaf: a digit at a time, not a parse of each pair.)
fn decode_hex(text: &str) -> Option<Vec<u8>> {
    fn digit(byte: u8) -> Option<u8> {
        match byte {
            b'0'..=b'9' => Some(byte - b'0'),
            b'a'..=b'f' => Some(byte - b'a' + 10),
            b'A'..=b'F' => Some(byte - b'A' + 10),
            _ => None,
        }
    }
    if text.len() != 64 {
        return None;
    }
    let mut bytes = Vec::with_capacity(32);
    for pair in text.as_bytes().chunks_exact(2) {
        let [high, low] = pair else { return None };
        bytes.push(digit(*high)? << 4 | digit(*low)?);
    }
    Some(bytes)
}

/// The origin line naming this ledger when the user names none (`checkpoint --origin`, the
/// web view's downloads).
pub const DEFAULT_ORIGIN: &str = "planledger";

/// A tree head: origin, size, root, extension lines, signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Vec<u8>,
    pub extensions: Vec<String>,
    /// (key name, key id, signature).
    pub signatures: Vec<(String, [u8; 4], Vec<u8>)>,
}

impl Checkpoint {
    /// The checkpoint of the first `size` events.
    pub fn of_events(
        origin: &str,
        events: &[Event],
        size: u64,
    ) -> Result<Checkpoint, CheckpointError> {
        let prefix = prefix(events, size)?;
        let root = merkle::root::<Blake3Hash>(&leaves(prefix)?);
        let mut extensions = Vec::new();
        if let Some(last) = prefix.last() {
            extensions.push(format!("head {} {}", last.seq, last.hash));
        }
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size: prefix.len() as u64,
            root,
            extensions,
            signatures: Vec::new(),
        })
    }

    /// The checkpoint of the first `frontier.size()` events from their Merkle frontier, `last`
    /// being the last of them (for the `head` extension line).
    pub fn of_frontier(
        origin: &str,
        frontier: &merkle::Frontier<Blake3Hash>,
        last: Option<&Event>,
    ) -> Checkpoint {
        Checkpoint {
            origin: origin.to_owned(),
            size: frontier.size(),
            root: frontier.root(),
            extensions: last
                .map(|last| format!("head {} {}", last.seq, last.hash))
                .into_iter()
                .collect(),
            signatures: Vec::new(),
        }
    }

    /// The checkpoint of the ledger as it stood through `meeting`'s last event (a prefix of the
    /// log), with a `meeting` extension line naming it.
    pub fn through_meeting(
        origin: &str,
        events: &[Event],
        meeting: &crate::source::meeting::Meeting,
    ) -> Result<Checkpoint, CheckpointError> {
        let last = events
            .iter()
            .filter(|e| &e.meeting == meeting)
            .map(|e| e.seq)
            .max()
            .ok_or_else(|| CheckpointError::NoEventsOf {
                meeting: meeting.to_string(),
            })?;
        let mut checkpoint = Checkpoint::of_events(origin, events, last + 1)?;
        checkpoint.extensions.push(format!("meeting {meeting}"));
        Ok(checkpoint)
    }

    /// The signed part: origin, size, root, extensions, each ending in a newline.
    pub fn body(&self) -> String {
        let mut body = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            BASE64.encode(&self.root)
        );
        for extension in &self.extensions {
            body.push_str(extension);
            body.push('\n');
        }
        body
    }

    pub fn to_text(&self) -> String {
        let mut text = self.body();
        if !self.signatures.is_empty() {
            text.push('\n');
            for (name, id, signature) in &self.signatures {
                let mut blob = id.to_vec();
                blob.extend_from_slice(signature);
                text.push_str(&format!(
                    "{SIGNATURE_PREFIX}{name} {}\n",
                    BASE64.encode(blob)
                ));
            }
        }
        text
    }

    pub fn parse(text: &str) -> Result<Checkpoint, CheckpointError> {
        let malformed = |line: usize, what: &str| CheckpointError::Malformed {
            line,
            what: what.to_owned(),
        };
        let (body, signature_block) = match text.split_once("\n\n") {
            Some((body, rest)) => (body, Some(rest)),
            None => (text.trim_end_matches('\n'), None),
        };
        let lines: Vec<&str> = body.split('\n').collect();
        let [origin, size, root, extensions @ ..] = lines.as_slice() else {
            return Err(malformed(
                lines.len() + 1,
                "a checkpoint has an origin, a size and a root",
            ));
        };
        if origin.is_empty() {
            return Err(malformed(1, "the origin is empty"));
        }
        let size = size
            .parse::<u64>()
            .map_err(|_| malformed(2, "the tree size is not a whole number"))?;
        let root = BASE64
            .decode(root)
            .map_err(|_| malformed(3, "the root is not base64"))?;
        let mut signatures = Vec::new();
        if let Some(block) = signature_block {
            for (offset, line) in block.lines().enumerate() {
                let number = lines.len() + 2 + offset;
                let rest = line.strip_prefix(SIGNATURE_PREFIX).ok_or_else(|| {
                    malformed(number, "a signature line starts with \u{2014} and a space")
                })?;
                let (name, encoded) = rest.rsplit_once(' ').ok_or_else(|| {
                    malformed(number, "a signature line is: \u{2014} <name> <base64>")
                })?;
                let blob = BASE64
                    .decode(encoded)
                    .map_err(|_| malformed(number, "the signature is not base64"))?;
                let Some((id, signature)) = blob
                    .split_first_chunk::<4>()
                    .filter(|(_, signature)| !signature.is_empty())
                else {
                    return Err(malformed(number, "the signature is too short"));
                };
                signatures.push((name.to_owned(), *id, signature.to_vec()));
            }
        }
        Ok(Checkpoint {
            origin: (*origin).to_owned(),
            size,
            root,
            extensions: extensions.iter().map(|l| (*l).to_owned()).collect(),
            signatures,
        })
    }

    pub fn sign(&mut self, key: &SignerKey) {
        let signature = key.signing.sign(self.body().as_bytes());
        self.signatures
            .push((key.name.clone(), key.id, signature.to_bytes().to_vec()));
    }

    /// Succeeds when some signature is by `key` and verifies over the body.
    pub fn verify_signature(&self, key: &VerifierKey) -> Result<(), CheckpointError> {
        let body = self.body();
        let valid = self.signatures.iter().any(|(name, id, signature)| {
            name == &key.name
                && *id == key.id
                && ed25519_dalek::Signature::from_slice(signature).is_ok_and(|signature| {
                    key.verifying.verify(body.as_bytes(), &signature).is_ok()
                })
        });
        if valid {
            Ok(())
        } else {
            Err(CheckpointError::Unsigned {
                name: key.name.clone(),
            })
        }
    }
}

fn key_id(name: &str, public_key: &[u8; 32]) -> [u8; 4] {
    let mut hasher = sha2::Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update(b"\n");
    hasher.update([ED25519_TYPE]);
    hasher.update(public_key);
    let digest: [u8; 32] = hasher.finalize().into();
    let [a, b, c, d, ..] = digest;
    [a, b, c, d]
}

fn valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['+', ' ', '\n']) && !name.chars().any(char::is_control)
}

/// An Ed25519 signing key with its signed-note name.
pub struct SignerKey {
    pub name: String,
    id: [u8; 4],
    signing: SigningKey,
}

/// An Ed25519 verifying key with its signed-note name.
#[derive(Debug, Clone)]
pub struct VerifierKey {
    pub name: String,
    id: [u8; 4],
    verifying: VerifyingKey,
}

impl SignerKey {
    /// A new key from 32 random bytes.
    pub fn generate(name: &str, seed: [u8; 32]) -> Result<SignerKey, CheckpointError> {
        if !valid_key_name(name) {
            return Err(CheckpointError::Key(format!(
                "{name:?} cannot name a key: no spaces, '+' or control characters"
            )));
        }
        let signing = SigningKey::from_bytes(&seed);
        Ok(SignerKey {
            name: name.to_owned(),
            id: key_id(name, signing.verifying_key().as_bytes()),
            signing,
        })
    }

    pub fn to_text(&self) -> String {
        let mut blob = vec![ED25519_TYPE];
        blob.extend_from_slice(self.signing.as_bytes());
        format!(
            "PRIVATE+KEY+{}+{}+{}",
            self.name,
            hex(&self.id),
            BASE64.encode(blob)
        )
    }

    pub fn parse(text: &str) -> Result<SignerKey, CheckpointError> {
        let rest = text
            .trim()
            .strip_prefix("PRIVATE+KEY+")
            .ok_or_else(|| CheckpointError::Key("a signing key starts with PRIVATE+KEY+".into()))?;
        let (name, blob) = split_key(rest)?;
        let seed: [u8; 32] = blob
            .try_into()
            .map_err(|_| CheckpointError::Key("the key is not 32 bytes".into()))?;
        SignerKey::generate(&name, seed)
    }

    pub fn verifier(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            id: self.id,
            verifying: self.signing.verifying_key(),
        }
    }
}

impl VerifierKey {
    pub fn to_text(&self) -> String {
        let mut blob = vec![ED25519_TYPE];
        blob.extend_from_slice(self.verifying.as_bytes());
        format!("{}+{}+{}", self.name, hex(&self.id), BASE64.encode(blob))
    }

    pub fn parse(text: &str) -> Result<VerifierKey, CheckpointError> {
        let (name, blob) = split_key(text.trim())?;
        let public: [u8; 32] = blob
            .try_into()
            .map_err(|_| CheckpointError::Key("the public key is not 32 bytes".into()))?;
        let verifying = VerifyingKey::from_bytes(&public)
            .map_err(|_| CheckpointError::Key("not an Ed25519 public key".into()))?;
        Ok(VerifierKey {
            id: key_id(&name, &public),
            name,
            verifying,
        })
    }
}

/// `<name>+<id hex>+<base64(0x01 ‖ key)>` → (name, key bytes), checking type and id.
fn split_key(text: &str) -> Result<(String, Vec<u8>), CheckpointError> {
    let bad = |what: &str| CheckpointError::Key(what.to_owned());
    // From the left: name and id cannot contain '+', base64 can.
    let mut parts = text.splitn(3, '+');
    let (Some(name), Some(id_hex), Some(encoded)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("a key is <name>+<id>+<base64>"));
    };
    let blob = BASE64
        .decode(encoded)
        .map_err(|_| bad("the key is not base64"))?;
    let Some((&ED25519_TYPE, key)) = blob.split_first() else {
        return Err(bad("only Ed25519 keys (type 0x01) are supported"));
    };
    let key = key.to_vec();
    if key.len() == 32 && id_hex.len() != 8 {
        return Err(bad("the key id is not 8 hex digits"));
    }
    Ok((name.to_owned(), key))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A proof in its text form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// Event `index` (whose hash is `event_hash`) is in the tree of `size` events.
    Inclusion {
        index: u64,
        size: u64,
        event_hash: String,
        path: Vec<Vec<u8>>,
    },
    /// The tree of `old` events is a prefix of the tree of `new` events.
    Consistency {
        old: u64,
        new: u64,
        path: Vec<Vec<u8>>,
    },
}

/// The leaves of a tree gathered an event at a time (a long ledger's events are never in
/// memory together: a 32-byte leaf hash an event is, about 70 bytes with its allocation), with
/// the hash of the event a proof is about.
#[derive(Debug, Default)]
pub struct Leaves {
    leaves: Vec<Vec<u8>>,
    about: Option<u64>,
    about_hash: Option<String>,
}

impl Leaves {
    /// Leaves for a proof about event `about` (none for a consistency proof).
    pub fn about(about: Option<u64>) -> Leaves {
        Leaves {
            about,
            ..Leaves::default()
        }
    }

    /// The next event's leaf (events come in seq order).
    pub fn add(&mut self, event: &Event) -> Result<(), CheckpointError> {
        if self.about == Some(self.leaves.len() as u64) {
            self.about_hash = Some(event.hash.clone());
        }
        self.leaves.push(leaf_of(event)?);
        Ok(())
    }

    /// The leaves of the first `size` of `events`.
    fn of_prefix(
        events: &[Event],
        size: u64,
        about: Option<u64>,
    ) -> Result<Leaves, CheckpointError> {
        let mut leaves = Leaves::about(about);
        for event in prefix(events, size)? {
            leaves.add(event)?;
        }
        Ok(leaves)
    }
}

impl Proof {
    pub fn inclusion(events: &[Event], index: u64, size: u64) -> Result<Proof, CheckpointError> {
        Proof::inclusion_of(Leaves::of_prefix(events, size, Some(index))?)
    }

    /// The inclusion proof of the event the leaves were gathered about, in their tree.
    pub fn inclusion_of(leaves: Leaves) -> Result<Proof, CheckpointError> {
        let size = leaves.leaves.len() as u64;
        let index = leaves.about.unwrap_or(size);
        let path = merkle::inclusion_proof::<Blake3Hash>(index, &leaves.leaves)?;
        let event_hash = leaves
            .about_hash
            .ok_or(ProofError::IndexOutOfRange { index, size })?;
        Ok(Proof::Inclusion {
            index,
            size,
            event_hash,
            path,
        })
    }

    pub fn consistency(events: &[Event], old: u64, new: u64) -> Result<Proof, CheckpointError> {
        Proof::consistency_of(&Leaves::of_prefix(events, new, None)?, old)
    }

    /// The consistency proof from the tree of the first `old` leaves to the tree of them all.
    pub fn consistency_of(leaves: &Leaves, old: u64) -> Result<Proof, CheckpointError> {
        let path = merkle::consistency_proof::<Blake3Hash>(old, &leaves.leaves)?;
        Ok(Proof::Consistency {
            old,
            new: leaves.leaves.len() as u64,
            path,
        })
    }

    pub fn to_text(&self) -> String {
        let (header, path) = match self {
            Proof::Inclusion {
                index,
                size,
                event_hash,
                path,
            } => (
                format!(
                    "planledger inclusion proof\nindex {index}\nsize {size}\nevent {event_hash}\n"
                ),
                path,
            ),
            Proof::Consistency { old, new, path } => (
                format!("planledger consistency proof\nold {old}\nnew {new}\n"),
                path,
            ),
        };
        let mut text = header;
        for hash in path {
            text.push_str(&BASE64.encode(hash));
            text.push('\n');
        }
        text
    }

    pub fn parse(text: &str) -> Result<Proof, CheckpointError> {
        let lines: Vec<&str> = text.lines().collect();
        let bad = |line: usize, what: &str| CheckpointError::MalformedProof {
            line,
            what: what.to_owned(),
        };
        let field = |line: usize, name: &str| -> Result<&str, CheckpointError> {
            lines
                .get(line - 1)
                .and_then(|l| l.strip_prefix(name))
                .and_then(|l| l.strip_prefix(' '))
                .ok_or_else(|| bad(line, &format!("expected `{name} …`")))
        };
        let number = |line: usize, name: &str| -> Result<u64, CheckpointError> {
            field(line, name)?
                .parse()
                .map_err(|_| bad(line, &format!("{name} is not a whole number")))
        };
        let hashes = |from: usize| -> Result<Vec<Vec<u8>>, CheckpointError> {
            lines
                .iter()
                .enumerate()
                .skip(from)
                .map(|(index, line)| {
                    BASE64
                        .decode(line)
                        .map_err(|_| bad(index + 1, "a proof hash is not base64"))
                })
                .collect()
        };
        match lines.first() {
            Some(&"planledger inclusion proof") => Ok(Proof::Inclusion {
                index: number(2, "index")?,
                size: number(3, "size")?,
                event_hash: field(4, "event")?.to_owned(),
                path: hashes(4)?,
            }),
            Some(&"planledger consistency proof") => Ok(Proof::Consistency {
                old: number(2, "old")?,
                new: number(3, "new")?,
                path: hashes(3)?,
            }),
            _ => Err(bad(
                1,
                "not a planledger proof (the first line names its kind)",
            )),
        }
    }

    /// What the proof claims, in words.
    pub fn claim(&self) -> String {
        match self {
            Proof::Inclusion { index, size, .. } => {
                format!("event {index} is in the ledger of {size} events")
            }
            Proof::Consistency { old, new, .. } => {
                format!("the ledger of {new} events extends the ledger of {old} events")
            }
        }
    }

    /// [`Proof::verify`], after checking that the checkpoints carry `key`'s signature when a
    /// key is given.
    pub fn verify_signed(
        &self,
        checkpoint: &Checkpoint,
        old: Option<&Checkpoint>,
        key: Option<&VerifierKey>,
    ) -> Result<(), CheckpointError> {
        if let Some(key) = key {
            for checkpoint in std::iter::once(checkpoint).chain(old) {
                checkpoint.verify_signature(key)?;
            }
        }
        self.verify(checkpoint, old)
    }

    /// Checks an inclusion proof against `checkpoint`, or a consistency proof from `old` to
    /// `checkpoint`.
    pub fn verify(
        &self,
        checkpoint: &Checkpoint,
        old: Option<&Checkpoint>,
    ) -> Result<(), CheckpointError> {
        match self {
            Proof::Inclusion {
                index,
                size,
                event_hash,
                path,
            } => {
                if *size != checkpoint.size {
                    return Err(CheckpointError::SizeMismatch {
                        proof: *size,
                        checkpoint: checkpoint.size,
                    });
                }
                let bytes =
                    decode_hex(event_hash).ok_or(CheckpointError::EventHash { seq: *index })?;
                let leaf = merkle::leaf_hash::<Blake3Hash>(&bytes);
                Ok(merkle::verify_inclusion::<Blake3Hash>(
                    *index,
                    *size,
                    &leaf,
                    path,
                    &checkpoint.root,
                )?)
            }
            Proof::Consistency {
                old: old_size,
                new,
                path,
            } => {
                let old = old.ok_or_else(|| CheckpointError::MalformedProof {
                    line: 1,
                    what: "a consistency proof is checked against an old and a new checkpoint"
                        .into(),
                })?;
                for (proof, checkpoint) in [(*old_size, old), (*new, checkpoint)] {
                    if proof != checkpoint.size {
                        return Err(CheckpointError::SizeMismatch {
                            proof,
                            checkpoint: checkpoint.size,
                        });
                    }
                }
                Ok(merkle::verify_consistency::<Blake3Hash>(
                    *old_size,
                    *new,
                    &old.root,
                    &checkpoint.root,
                    path,
                )?)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_decodes_from_its_hex_digits_in_either_case_and_nothing_else_does() {
        let lower = "00ff10a9".repeat(8);
        let expected: Vec<u8> = [0x00, 0xff, 0x10, 0xa9].repeat(8);
        assert_eq!(decode_hex(&lower), Some(expected.clone()));
        assert_eq!(decode_hex(&lower.to_uppercase()), Some(expected));
        for wrong in [
            "0".repeat(63),
            "0".repeat(66),
            format!("{}g0", "0".repeat(62)),
            format!("+f{}", "0".repeat(62)),
            format!("{}０", "0".repeat(61)),
        ] {
            assert_eq!(decode_hex(&wrong), None, "{wrong:?}");
        }
    }

    #[test]
    fn signed_checkpoints_round_trip_and_reject_other_keys_and_edits() {
        let key = SignerKey::generate("planledger-test", [7u8; 32]).unwrap();
        let mut checkpoint = Checkpoint {
            origin: "planledger".into(),
            size: 3,
            root: vec![1u8; 32],
            extensions: vec!["head 2 abc".into()],
            signatures: vec![],
        };
        checkpoint.sign(&key);
        let text = checkpoint.to_text();
        assert!(text.contains("\n\n\u{2014} planledger-test "));
        let parsed = Checkpoint::parse(&text).unwrap();
        assert_eq!(parsed, checkpoint);
        parsed.verify_signature(&key.verifier()).unwrap();
        let verifier = VerifierKey::parse(&key.verifier().to_text()).unwrap();
        parsed.verify_signature(&verifier).unwrap();
        let signer = SignerKey::parse(&key.to_text()).unwrap();
        assert_eq!(signer.verifier().to_text(), key.verifier().to_text());

        let other = SignerKey::generate("planledger-test", [8u8; 32]).unwrap();
        assert!(parsed.verify_signature(&other.verifier()).is_err());
        let edited = Checkpoint::parse(&text.replacen("\n3\n", "\n4\n", 1)).unwrap();
        assert!(edited.verify_signature(&key.verifier()).is_err());
    }

    #[test]
    fn malformed_checkpoints_and_proofs_are_errors() {
        assert!(Checkpoint::parse("").is_err());
        assert!(Checkpoint::parse("origin\nten\nAAAA\n").is_err());
        assert!(Checkpoint::parse("origin\n1\nAAAA\n\nnot a signature\n").is_err());
        assert!(Proof::parse("").is_err());
        assert!(Proof::parse("planledger inclusion proof\nindex x\n").is_err());
        assert!(Proof::parse("planledger consistency proof\nold 1\nnew 2\n!!!\n").is_err());
        assert!(SignerKey::generate("bad name", [0; 32]).is_err());
        assert!(VerifierKey::parse("name+00000000+AAAA").is_err());
    }
}
