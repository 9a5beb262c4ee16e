//! A Merkle tree over event hashes in the shape of RFC 9162 §2.1 (Certificate Transparency v2):
//! leaf = H(0x00 ‖ data), node = H(0x01 ‖ left ‖ right), empty tree = H(). Inclusion and
//! consistency proofs are generated and verified with the RFC's algorithms.
//!
//! Written generically over the hash function ([`MerkleHash`]) so that it can be checked with
//! SHA-256 against published vectors (transparency-dev/merkle) and used with BLAKE3 in the
//! ledger. Invariant: verification never panics on any input; a malformed proof is an error.

use sha2::Digest;

/// A hash function for the tree.
pub trait MerkleHash {
    /// Output length in bytes.
    const SIZE: usize;
    fn digest(parts: &[&[u8]]) -> Vec<u8>;
}

/// The ledger's tree hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blake3Hash;

impl MerkleHash for Blake3Hash {
    const SIZE: usize = 32;
    fn digest(parts: &[&[u8]]) -> Vec<u8> {
        let mut hasher = blake3::Hasher::new();
        for part in parts {
            hasher.update(part);
        }
        hasher.finalize().as_bytes().to_vec()
    }
}

/// SHA-256, the hash of RFC 6962/9162 logs and of the published test vectors.
pub struct Sha256Hash;

impl MerkleHash for Sha256Hash {
    const SIZE: usize = 32;
    fn digest(parts: &[&[u8]]) -> Vec<u8> {
        let mut hasher = sha2::Sha256::new();
        for part in parts {
            hasher.update(part);
        }
        hasher.finalize().to_vec()
    }
}

pub fn leaf_hash<H: MerkleHash>(data: &[u8]) -> Vec<u8> {
    H::digest(&[&[0x00], data])
}

pub fn node_hash<H: MerkleHash>(left: &[u8], right: &[u8]) -> Vec<u8> {
    H::digest(&[&[0x01], left, right])
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("index {index} is not in a tree of size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("tree size {old} is larger than tree size {new}")]
    SizesReversed { old: u64, new: u64 },
    #[error("a consistency proof from the empty tree proves nothing")]
    EmptyOldTree,
    #[error("the proof has the wrong number of hashes ({found})")]
    WrongLength { found: usize },
    #[error("a hash in the proof or checkpoint has {found} bytes, expected {expected}")]
    WrongHashSize { found: usize, expected: usize },
    #[error("the proof does not lead to the given root")]
    RootMismatch,
}

/// MTH(D[n]) over leaf hashes (already `leaf_hash`ed).
pub fn root<H: MerkleHash>(leaves: &[Vec<u8>]) -> Vec<u8> {
    match split_tree(leaves) {
        Some((left, right)) => node_hash::<H>(&root::<H>(left), &root::<H>(right)),
        None => leaves.first().cloned().unwrap_or_else(|| H::digest(&[])),
    }
}

/// The tree's right edge as leaves are appended one by one: the roots of its perfect subtrees,
/// largest (leftmost) first — at most 64 hashes, whatever the size. Gives MTH of the leaves
/// pushed so far without holding them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frontier<H: MerkleHash> {
    size: u64,
    nodes: Vec<Vec<u8>>,
    hash: std::marker::PhantomData<H>,
}

impl<H: MerkleHash> Default for Frontier<H> {
    fn default() -> Self {
        Frontier {
            size: 0,
            nodes: Vec::new(),
            hash: std::marker::PhantomData,
        }
    }
}

impl<H: MerkleHash> Frontier<H> {
    /// Appends a leaf (already `leaf_hash`ed): it merges with each complete subtree to its left,
    /// as a binary counter carries.
    pub fn push(&mut self, leaf: Vec<u8>) {
        let mut node = leaf;
        let mut size = self.size;
        while size & 1 == 1 {
            let Some(left) = self.nodes.pop() else { break };
            node = node_hash::<H>(&left, &node);
            size >>= 1;
        }
        self.nodes.push(node);
        self.size += 1;
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The subtree roots, largest first.
    pub fn nodes(&self) -> &[Vec<u8>] {
        &self.nodes
    }

    /// The frontier of a tree of `size` leaves from its subtree roots (one per bit set in
    /// `size`, largest first); `None` when their number does not fit the size.
    pub fn from_parts(size: u64, nodes: Vec<Vec<u8>>) -> Option<Frontier<H>> {
        (nodes.len() == size.count_ones() as usize && nodes.iter().all(|n| n.len() == H::SIZE))
            .then_some(Frontier {
                size,
                nodes,
                hash: std::marker::PhantomData,
            })
    }

    /// MTH over the leaves pushed so far: the subtrees folded from the right.
    pub fn root(&self) -> Vec<u8> {
        let mut nodes = self.nodes.iter().rev();
        let Some(last) = nodes.next() else {
            return H::digest(&[]);
        };
        nodes.fold(last.clone(), |right, left| node_hash::<H>(left, &right))
    }
}

/// The largest power of two strictly smaller than `n` (n ≥ 2).
fn largest_power_of_two_below(n: u64) -> u64 {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// D[0:k] and D[k:n], k the largest power of two below n; `None` for fewer than two leaves (a
/// tree that does not split).
fn split_tree<T>(leaves: &[T]) -> Option<(&[T], &[T])> {
    if leaves.len() < 2 {
        return None;
    }
    leaves.split_at_checked(largest_power_of_two_below(leaves.len() as u64) as usize)
}

/// PATH(m, D[n]): the audit path for leaf `index` in the tree of these leaves.
pub fn inclusion_proof<H: MerkleHash>(
    index: u64,
    leaves: &[Vec<u8>],
) -> Result<Vec<Vec<u8>>, ProofError> {
    let size = leaves.len() as u64;
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    Ok(path::<H>(index as usize, leaves))
}

fn path<H: MerkleHash>(index: usize, leaves: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let Some((left, right)) = split_tree(leaves) else {
        return Vec::new();
    };
    let split = left.len();
    if index < split {
        let mut proof = path::<H>(index, left);
        proof.push(root::<H>(right));
        proof
    } else {
        let mut proof = path::<H>(index - split, right);
        proof.push(root::<H>(left));
        proof
    }
}

/// PROOF(m, D[n]): the consistency proof from the first `old_size` leaves to all of them.
pub fn consistency_proof<H: MerkleHash>(
    old_size: u64,
    leaves: &[Vec<u8>],
) -> Result<Vec<Vec<u8>>, ProofError> {
    let new_size = leaves.len() as u64;
    if old_size > new_size {
        return Err(ProofError::SizesReversed {
            old: old_size,
            new: new_size,
        });
    }
    if old_size == 0 {
        return Err(ProofError::EmptyOldTree);
    }
    if old_size == new_size {
        return Ok(Vec::new());
    }
    Ok(subproof::<H>(old_size as usize, leaves, true))
}

fn subproof<H: MerkleHash>(m: usize, leaves: &[Vec<u8>], complete: bool) -> Vec<Vec<u8>> {
    let n = leaves.len();
    if m == n {
        return if complete {
            Vec::new()
        } else {
            vec![root::<H>(leaves)]
        };
    }
    let Some((left, right)) = split_tree(leaves) else {
        // m < n ≤ 1 leaves m = 0, an old tree consistency_proof refuses.
        return Vec::new();
    };
    let k = left.len();
    if m <= k {
        let mut proof = subproof::<H>(m, left, complete);
        proof.push(root::<H>(right));
        proof
    } else {
        let mut proof = subproof::<H>(m - k, right, false);
        proof.push(root::<H>(left));
        proof
    }
}

fn check_size<H: MerkleHash>(hash: &[u8]) -> Result<(), ProofError> {
    if hash.len() == H::SIZE {
        Ok(())
    } else {
        Err(ProofError::WrongHashSize {
            found: hash.len(),
            expected: H::SIZE,
        })
    }
}

/// RFC 9162 §2.1.3.2: checks that `leaf` (a leaf hash) is at `index` in the tree of `size`
/// leaves whose root is `root`.
pub fn verify_inclusion<H: MerkleHash>(
    index: u64,
    size: u64,
    leaf: &[u8],
    proof: &[Vec<u8>],
    root: &[u8],
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    check_size::<H>(leaf)?;
    check_size::<H>(root)?;
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = leaf.to_vec();
    for p in proof {
        check_size::<H>(p)?;
        if sn == 0 {
            return Err(ProofError::WrongLength { found: proof.len() });
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash::<H>(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash::<H>(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(ProofError::WrongLength { found: proof.len() });
    }
    if r != root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// RFC 9162 §2.1.4.2: checks that the tree of `old_size` leaves with root `old_root` is a
/// prefix of the tree of `new_size` leaves with root `new_root`.
pub fn verify_consistency<H: MerkleHash>(
    old_size: u64,
    new_size: u64,
    old_root: &[u8],
    new_root: &[u8],
    proof: &[Vec<u8>],
) -> Result<(), ProofError> {
    if old_size > new_size {
        return Err(ProofError::SizesReversed {
            old: old_size,
            new: new_size,
        });
    }
    if old_size == 0 {
        return Err(ProofError::EmptyOldTree);
    }
    if old_size == new_size {
        if !proof.is_empty() {
            return Err(ProofError::WrongLength { found: proof.len() });
        }
        return if old_root == new_root {
            Ok(())
        } else {
            Err(ProofError::RootMismatch)
        };
    }
    check_size::<H>(old_root)?;
    check_size::<H>(new_root)?;
    if proof.is_empty() {
        return Err(ProofError::WrongLength { found: 0 });
    }
    for p in proof {
        check_size::<H>(p)?;
    }
    let mut path: Vec<&[u8]> = proof.iter().map(Vec::as_slice).collect();
    if old_size.is_power_of_two() {
        path.insert(0, old_root);
    }
    let (mut fn_, mut sn) = (old_size - 1, new_size - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let Some((first, rest)) = path.split_first() else {
        return Err(ProofError::WrongLength { found: 0 });
    };
    let mut fr = first.to_vec();
    let mut sr = first.to_vec();
    for c in rest {
        if sn == 0 {
            return Err(ProofError::WrongLength { found: proof.len() });
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash::<H>(c, &fr);
            sr = node_hash::<H>(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash::<H>(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(ProofError::WrongLength { found: proof.len() });
    }
    if fr != old_root || sr != new_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<Vec<u8>> {
        (0..n)
            .map(|i| leaf_hash::<Sha256Hash>(&(i as u64).to_be_bytes()))
            .collect()
    }

    /// Every size 1..=300: every proof generated verifies against a naive root, and a proof with
    /// one flipped bit does not.
    #[test]
    fn proofs_of_every_size_up_to_300_verify_and_flipped_bits_do_not() {
        let all = leaves(300);
        for size in 1..=300usize {
            let tree = &all[..size];
            let root_hash = root::<Sha256Hash>(tree);
            for index in [0, size / 3, size / 2, size - 1] {
                let proof = inclusion_proof::<Sha256Hash>(index as u64, tree).unwrap();
                verify_inclusion::<Sha256Hash>(
                    index as u64,
                    size as u64,
                    &tree[index],
                    &proof,
                    &root_hash,
                )
                .unwrap_or_else(|e| panic!("inclusion {index}/{size}: {e}"));
                if let Some(first) = proof.first() {
                    let mut broken = proof.clone();
                    let mut flipped = first.clone();
                    flipped[0] ^= 1;
                    broken[0] = flipped;
                    assert!(verify_inclusion::<Sha256Hash>(
                        index as u64,
                        size as u64,
                        &tree[index],
                        &broken,
                        &root_hash
                    )
                    .is_err());
                }
            }
            for old in [1, size / 2, size.saturating_sub(1), size] {
                if old == 0 {
                    continue;
                }
                let old_root = root::<Sha256Hash>(&tree[..old]);
                let proof = consistency_proof::<Sha256Hash>(old as u64, tree).unwrap();
                verify_consistency::<Sha256Hash>(
                    old as u64,
                    size as u64,
                    &old_root,
                    &root_hash,
                    &proof,
                )
                .unwrap_or_else(|e| panic!("consistency {old}→{size}: {e}"));
                if let Some(last) = proof.last() {
                    let mut broken = proof.clone();
                    let mut flipped = last.clone();
                    flipped[31] ^= 0x80;
                    *broken.last_mut().unwrap() = flipped;
                    assert!(verify_consistency::<Sha256Hash>(
                        old as u64,
                        size as u64,
                        &old_root,
                        &root_hash,
                        &broken
                    )
                    .is_err());
                }
            }
        }
    }

    /// The root computed bottom-up, level by level, promoting an odd last node: a different
    /// construction that RFC 6962's recursive definition must agree with.
    fn naive_root(leaves: &[Vec<u8>]) -> Vec<u8> {
        let mut level = leaves.to_vec();
        while level.len() > 1 {
            level = level
                .chunks(2)
                .map(|pair| match pair {
                    [left, right] => node_hash::<Sha256Hash>(left, right),
                    [odd] => odd.clone(),
                    _ => unreachable!("chunks(2) yields one or two"),
                })
                .collect();
        }
        level.pop().unwrap_or_else(|| Sha256Hash::digest(&[]))
    }

    proptest::proptest! {
        #[test]
        fn random_proofs_verify_against_a_naively_computed_root(
            size in 1usize..=300,
            index_seed in 0usize..300,
            old_seed in 0usize..300,
        ) {
            let tree = leaves(size);
            let naive = naive_root(&tree);
            proptest::prop_assert_eq!(&root::<Sha256Hash>(&tree), &naive);
            let index = index_seed % size;
            let proof = inclusion_proof::<Sha256Hash>(index as u64, &tree).unwrap();
            proptest::prop_assert!(verify_inclusion::<Sha256Hash>(index as u64, size as u64, &tree[index], &proof, &naive).is_ok());
            let old = old_seed % size + 1;
            let old_root = naive_root(&tree[..old]);
            let proof = consistency_proof::<Sha256Hash>(old as u64, &tree).unwrap();
            proptest::prop_assert!(verify_consistency::<Sha256Hash>(old as u64, size as u64, &old_root, &naive, &proof).is_ok());
            // Claiming a different old size with the same proof fails.
            if old > 1 {
                proptest::prop_assert!(verify_consistency::<Sha256Hash>(old as u64 - 1, size as u64, &old_root, &naive, &proof).is_err());
            }
        }
    }

    #[test]
    fn the_empty_tree_root_is_the_hash_of_nothing() {
        assert_eq!(
            root::<Blake3Hash>(&[]),
            blake3::hash(b"").as_bytes().to_vec()
        );
    }

    #[test]
    fn the_frontier_gives_the_root_of_every_prefix() {
        let leaves: Vec<Vec<u8>> = (0u8..70).map(|i| leaf_hash::<Sha256Hash>(&[i])).collect();
        let mut frontier = Frontier::<Sha256Hash>::default();
        assert_eq!(frontier.root(), root::<Sha256Hash>(&[]));
        for (n, leaf) in leaves.iter().enumerate() {
            frontier.push(leaf.clone());
            assert_eq!(frontier.size(), n as u64 + 1);
            assert_eq!(
                frontier.root(),
                root::<Sha256Hash>(&leaves[..=n]),
                "size {}",
                n + 1
            );
        }
    }
}
