/**
 * Simplified payment verification: block headers and runs of them, Bitcoin Merkle roots, BUMP
 * (BRC-74) Merkle paths and BEEF (BRC-62) transaction packages.
 */
package io.peerwatt.protocol.spv;
