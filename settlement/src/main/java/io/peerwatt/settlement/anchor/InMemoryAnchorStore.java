package io.peerwatt.settlement.anchor;

import io.peerwatt.protocol.anchor.AnchorItemKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An {@link AnchorStore} in memory, for tests and tools. */
public final class InMemoryAnchorStore implements AnchorStore {
  private final Map<String, AnchorRecord> anchors = new LinkedHashMap<>();
  private final Map<String, List<AnchoredLeaf>> leavesByTx = new HashMap<>();
  private final Map<String, String> txByItem = new HashMap<>();

  private static String itemKey(AnchorItemKind kind, String ref) {
    return kind.code() + ":" + ref;
  }

  @Override
  public synchronized void save(AnchorRecord anchor, AnchorBatch batch) {
    anchors.put(anchor.txid(), anchor);
    leavesByTx.put(anchor.txid(), batch.leaves());
    for (AnchoredLeaf leaf : batch.leaves()) {
      txByItem.putIfAbsent(itemKey(leaf.kind(), leaf.ref()), anchor.txid());
    }
  }

  @Override
  public synchronized boolean isAnchored(AnchorItemKind kind, String ref) {
    return txByItem.containsKey(itemKey(kind, ref));
  }

  @Override
  public synchronized List<AnchorRecord> unmined() {
    return anchors.values().stream().filter(a -> !a.isMined()).toList();
  }

  @Override
  public synchronized void markMined(String txid, long blockHeight, byte[] bump, byte[] header) {
    AnchorRecord a = anchors.get(txid);
    if (a == null) {
      throw new IllegalArgumentException("unknown anchor " + txid);
    }
    anchors.put(txid, a.mined(blockHeight, bump, header));
  }

  @Override
  public synchronized List<AnchorRecord> minedSince(long fromHeight) {
    return anchors.values().stream()
        .filter(a -> a.isMined() && a.blockHeight() >= fromHeight)
        .toList();
  }

  @Override
  public synchronized void markUnmined(String txid) {
    AnchorRecord a = anchors.get(txid);
    if (a == null) {
      throw new IllegalArgumentException("unknown anchor " + txid);
    }
    anchors.put(
        txid,
        new AnchorRecord(
            a.txid(),
            a.anchorKey(),
            a.slotInterval(),
            a.rawTx(),
            a.leafCount(),
            a.root(),
            a.createdAt(),
            -1,
            null,
            null));
  }

  @Override
  public synchronized Optional<LeafAt> leaf(AnchorItemKind kind, String ref) {
    String txid = txByItem.get(itemKey(kind, ref));
    if (txid == null) {
      return Optional.empty();
    }
    AnchoredLeaf leaf =
        leavesByTx.get(txid).stream()
            .filter(l -> l.kind() == kind && l.ref().equals(ref))
            .findFirst()
            .orElseThrow();
    return Optional.of(new LeafAt(leaf, anchors.get(txid)));
  }

  @Override
  public synchronized List<byte[]> leafHashes(String txid) {
    List<byte[]> out = new ArrayList<>();
    for (AnchoredLeaf l : leavesByTx.getOrDefault(txid, List.of())) {
      out.add(l.leafHash());
    }
    return out;
  }

  @Override
  public synchronized List<AnchorRecord> anchorsFor(String anchorKey) {
    return anchors.values().stream().filter(a -> a.anchorKey().equals(anchorKey)).toList();
  }
}
