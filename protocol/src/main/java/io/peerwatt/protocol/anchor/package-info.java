/**
 * Anchoring on chain: the anchor tree over a slot's items, the OP_FALSE OP_RETURN payload, and the
 * proof bundle that lets anyone check an item offline (PROOF-BUNDLE.md).
 */
package io.peerwatt.protocol.anchor;
