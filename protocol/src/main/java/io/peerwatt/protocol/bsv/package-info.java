/**
 * BSV transactions and their wire form, script, the sighash digests, the script interpreter (pre-
 * and post-Genesis rules), signing of P2PKH and multisig inputs, and the fee rate.
 */
package io.peerwatt.protocol.bsv;
