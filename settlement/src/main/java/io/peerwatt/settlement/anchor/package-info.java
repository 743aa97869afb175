/**
 * Anchoring: salted anchor trees per slot (readings, trades, statements) and per report, anchor
 * transactions funded by the hub wallet, their BUMPs once mined, and proof bundles
 * ({@link io.peerwatt.settlement.anchor.AnchoringService}).
 */
package io.peerwatt.settlement.anchor;
