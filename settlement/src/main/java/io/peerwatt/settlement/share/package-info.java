/**
 * Delivery of a household's granted data to a third party (issue 22): energy per interval at the
 * grant's resolution computed from the signed readings with the readings at the interval boundaries
 * named (so their proof bundles can be fetched), and the per-grant access log.
 */
package io.peerwatt.settlement.share;
