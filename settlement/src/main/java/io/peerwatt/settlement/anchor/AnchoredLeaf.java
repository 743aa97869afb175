package io.peerwatt.settlement.anchor;

import io.peerwatt.protocol.anchor.AnchorItemKind;

/**
 * Where an item sits in an anchor tree.
 *
 * @param kind item kind
 * @param ref item reference
 * @param leafIndex the leaf's index in its anchor tree
 * @param salt the leaf's 32 random bytes (revealed only in that item's proof bundle)
 * @param leafHash SHA-256(0x00 || kind || salt || item)
 */
public record AnchoredLeaf(
    AnchorItemKind kind, String ref, int leafIndex, byte[] salt, byte[] leafHash) {
  public AnchoredLeaf {
    salt = salt.clone();
    leafHash = leafHash.clone();
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  @Override
  public byte[] leafHash() {
    return leafHash.clone();
  }
}
