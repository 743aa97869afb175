package io.peerwatt.settlement.anchor;

import static io.peerwatt.db.schema.Tables.ANCHOR;
import static io.peerwatt.db.schema.Tables.ANCHOR_LEAF;

import io.peerwatt.db.schema.tables.records.AnchorRecord;
import io.peerwatt.protocol.anchor.AnchorItemKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Record;

/** {@link AnchorStore} in the V10 tables {@code anchor} and {@code anchor_leaf}. */
public final class JdbcAnchorStore implements AnchorStore {
  private final DSLContext db;

  public JdbcAnchorStore(DSLContext db) {
    this.db = db;
  }

  @Override
  public void save(io.peerwatt.settlement.anchor.AnchorRecord anchor, AnchorBatch batch) {
    db.transaction(
        cfg -> {
          DSLContext tx = cfg.dsl();
          tx.insertInto(ANCHOR)
              .set(ANCHOR.TXID, anchor.txid())
              .set(ANCHOR.ANCHOR_KEY, anchor.anchorKey())
              .set(ANCHOR.SLOT_INTERVAL, anchor.slotInterval())
              .set(ANCHOR.RAW_TX, anchor.rawTx())
              .set(ANCHOR.LEAF_COUNT, anchor.leafCount())
              .set(ANCHOR.ROOT, anchor.root())
              .set(ANCHOR.CREATED_AT, anchor.createdAt())
              .execute();
          var insert =
              tx.insertInto(
                  ANCHOR_LEAF,
                  ANCHOR_LEAF.ITEM_KIND,
                  ANCHOR_LEAF.ITEM_REF,
                  ANCHOR_LEAF.ANCHOR_TXID,
                  ANCHOR_LEAF.LEAF_INDEX,
                  ANCHOR_LEAF.SALT,
                  ANCHOR_LEAF.LEAF_HASH);
          for (AnchoredLeaf leaf : batch.leaves()) {
            insert =
                insert.values(
                    (short) leaf.kind().code(),
                    leaf.ref(),
                    anchor.txid(),
                    leaf.leafIndex(),
                    leaf.salt(),
                    leaf.leafHash());
          }
          insert.execute();
        });
  }

  @Override
  public boolean isAnchored(AnchorItemKind kind, String ref) {
    return db.fetchExists(
        ANCHOR_LEAF,
        ANCHOR_LEAF.ITEM_KIND.eq((short) kind.code()).and(ANCHOR_LEAF.ITEM_REF.eq(ref)));
  }

  @Override
  public Set<String> anchored(AnchorItemKind kind, Collection<String> refs) {
    Set<String> out = new HashSet<>();
    List<String> all = new ArrayList<>(refs);
    // one query per thousand refs instead of one per item
    for (int from = 0; from < all.size(); from += 1_000) {
      out.addAll(
          db.select(ANCHOR_LEAF.ITEM_REF)
              .from(ANCHOR_LEAF)
              .where(ANCHOR_LEAF.ITEM_KIND.eq((short) kind.code()))
              .and(ANCHOR_LEAF.ITEM_REF.in(all.subList(from, Math.min(all.size(), from + 1_000))))
              .fetch(ANCHOR_LEAF.ITEM_REF));
    }
    return out;
  }

  @Override
  public List<io.peerwatt.settlement.anchor.AnchorRecord> unmined() {
    return db.selectFrom(ANCHOR)
        .where(ANCHOR.BLOCK_HEIGHT.isNull())
        .orderBy(ANCHOR.CREATED_AT, ANCHOR.TXID)
        .fetch(JdbcAnchorStore::toRecord);
  }

  @Override
  public void markMined(String txid, long blockHeight, byte[] bump, byte[] header) {
    int n =
        db.update(ANCHOR)
            .set(ANCHOR.BLOCK_HEIGHT, blockHeight)
            .set(ANCHOR.BUMP, bump)
            .set(ANCHOR.BLOCK_HEADER, header)
            .where(ANCHOR.TXID.eq(txid))
            .execute();
    if (n != 1) {
      throw new IllegalArgumentException("unknown anchor " + txid);
    }
  }

  @Override
  public List<io.peerwatt.settlement.anchor.AnchorRecord> minedSince(long fromHeight) {
    return db.selectFrom(ANCHOR)
        .where(ANCHOR.BLOCK_HEIGHT.ge(fromHeight))
        .orderBy(ANCHOR.CREATED_AT, ANCHOR.TXID)
        .fetch(JdbcAnchorStore::toRecord);
  }

  @Override
  public void markUnmined(String txid) {
    int n =
        db.update(ANCHOR)
            .setNull(ANCHOR.BLOCK_HEIGHT)
            .setNull(ANCHOR.BUMP)
            .setNull(ANCHOR.BLOCK_HEADER)
            .where(ANCHOR.TXID.eq(txid))
            .execute();
    if (n != 1) {
      throw new IllegalArgumentException("unknown anchor " + txid);
    }
  }

  @Override
  public Optional<LeafAt> leaf(AnchorItemKind kind, String ref) {
    Record r =
        db.select()
            .from(ANCHOR_LEAF)
            .join(ANCHOR)
            .on(ANCHOR.TXID.eq(ANCHOR_LEAF.ANCHOR_TXID))
            .where(ANCHOR_LEAF.ITEM_KIND.eq((short) kind.code()).and(ANCHOR_LEAF.ITEM_REF.eq(ref)))
            .fetchOne();
    if (r == null) {
      return Optional.empty();
    }
    AnchoredLeaf leaf =
        new AnchoredLeaf(
            kind,
            ref,
            r.get(ANCHOR_LEAF.LEAF_INDEX),
            r.get(ANCHOR_LEAF.SALT),
            r.get(ANCHOR_LEAF.LEAF_HASH));
    return Optional.of(new LeafAt(leaf, toRecord(r.into(ANCHOR))));
  }

  @Override
  public List<byte[]> leafHashes(String txid) {
    return db.select(ANCHOR_LEAF.LEAF_HASH)
        .from(ANCHOR_LEAF)
        .where(ANCHOR_LEAF.ANCHOR_TXID.eq(txid))
        .orderBy(ANCHOR_LEAF.LEAF_INDEX)
        .fetch(ANCHOR_LEAF.LEAF_HASH);
  }

  @Override
  public List<io.peerwatt.settlement.anchor.AnchorRecord> anchorsFor(String anchorKey) {
    return db.selectFrom(ANCHOR)
        .where(ANCHOR.ANCHOR_KEY.eq(anchorKey))
        .orderBy(ANCHOR.CREATED_AT, ANCHOR.TXID)
        .fetch(JdbcAnchorStore::toRecord);
  }

  /** The anchors holding any of the given items' leaves, by item reference (for report columns). */
  public java.util.Map<String, String> anchorTxids(
      AnchorItemKind kind, java.util.Collection<String> refs) {
    java.util.Map<String, String> out = new java.util.HashMap<>();
    db.select(ANCHOR_LEAF.ITEM_REF, ANCHOR_LEAF.ANCHOR_TXID)
        .from(ANCHOR_LEAF)
        .where(ANCHOR_LEAF.ITEM_KIND.eq((short) kind.code()).and(ANCHOR_LEAF.ITEM_REF.in(refs)))
        .forEach(r -> out.put(r.value1(), r.value2()));
    return out;
  }

  private static io.peerwatt.settlement.anchor.AnchorRecord toRecord(AnchorRecord r) {
    Long height = r.getBlockHeight();
    return new io.peerwatt.settlement.anchor.AnchorRecord(
        r.getTxid(),
        r.getAnchorKey(),
        r.getSlotInterval(),
        r.getRawTx(),
        r.getLeafCount(),
        r.getRoot(),
        r.getCreatedAt(),
        height == null ? -1 : height,
        r.getBump(),
        r.getBlockHeader());
  }
}
