/**
 * Anchoring: salted anchor trees per slot (readings, trades, statements), per quarter-hour of
 * device certificates issued and per report, anchor transactions funded by the hub wallet, their
 * BUMPs once mined, and proof bundles ({@link io.peerwatt.settlement.anchor.AnchoringService}).
 */
package io.peerwatt.settlement.anchor;
