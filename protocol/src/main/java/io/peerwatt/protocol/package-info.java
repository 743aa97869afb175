/**
 * What both ends of PeerWatt agree on bit for bit: keys and signatures, the signed meter reading,
 * BSV transactions, script and sighash, Merkle proofs, BUMP and BEEF, the anchor tree and the proof bundle.
 */
package io.peerwatt.protocol;
