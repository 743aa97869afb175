package io.peerwatt.db;

import static io.peerwatt.db.schema.Tables.ANCHOR;
import static io.peerwatt.db.schema.Tables.ANCHOR_LEAF;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jooq.DSLContext;

/**
 * Whether items are anchored yet, read from the anchor tables ({@code anchor_leaf}, {@code anchor},
 * V10): an item is anchored once its leaf is stored, and its proof verifies once the anchor
 * transaction is mined. Shared by the market's and settlement's answers, which both say which
 * proofs are ready. Blocking.
 */
public final class AnchoredItems {
  private AnchoredItems() {}

  /**
   * An anchored item.
   *
   * @param txid the anchor transaction
   * @param blockHeight the block it was mined in, or null while it is pending
   */
  public record Anchored(String txid, Long blockHeight) {

    /** As the API shows it: {@code {"txid", "blockHeight", "state": "mined" | "pending"}}. */
    public Map<String, Object> fields() {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("txid", txid);
      fields.put("blockHeight", blockHeight);
      fields.put("state", blockHeight == null ? "pending" : "mined");
      return fields;
    }
  }

  /**
   * The anchored items of {@code kind} (protocol's {@code AnchorItemKind} code) among {@code refs},
   * by ref; refs not anchored are absent.
   */
  public static Map<String, Anchored> of(DSLContext dsl, short kind, Collection<String> refs) {
    Map<String, Anchored> out = new HashMap<>();
    if (refs.isEmpty()) {
      return out;
    }
    dsl.select(ANCHOR_LEAF.ITEM_REF, ANCHOR.TXID, ANCHOR.BLOCK_HEIGHT)
        .from(ANCHOR_LEAF)
        .join(ANCHOR)
        .on(ANCHOR.TXID.eq(ANCHOR_LEAF.ANCHOR_TXID))
        .where(ANCHOR_LEAF.ITEM_KIND.eq(kind), ANCHOR_LEAF.ITEM_REF.in(refs))
        .forEach(r -> out.put(r.value1(), new Anchored(r.value2(), r.value3())));
    return out;
  }
}
