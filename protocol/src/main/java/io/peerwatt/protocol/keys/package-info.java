/**
 * secp256k1 keys and strict low-S ECDSA signatures, WIF, Base58Check and P2PKH addresses per network,
 * and the precomputed point tables that speed up verification.
 */
package io.peerwatt.protocol.keys;
