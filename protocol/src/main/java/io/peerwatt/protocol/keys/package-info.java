/**
 * secp256k1 keys and strict low-S ECDSA signatures, WIF, Base58Check and P2PKH addresses per
 * network; the curve arithmetic is libsecp256k1's (JNI) or, where that cannot load, Bouncy Castle's
 * ({@link io.peerwatt.protocol.keys.Secp256k1Ecdsa}).
 */
package io.peerwatt.protocol.keys;
