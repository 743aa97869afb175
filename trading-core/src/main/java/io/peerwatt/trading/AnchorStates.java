package io.peerwatt.trading;

import static io.peerwatt.db.schema.Tables.ANCHOR;
import static io.peerwatt.db.schema.Tables.ANCHOR_LEAF;

import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jooq.DSLContext;

/**
 * Whether items are anchored yet, read from settlement's anchor tables ({@code anchor_leaf}, {@code
 * anchor}, V10) so an answer can say which proofs are ready: an item is anchored once its leaf is
 * stored, and its proof verifies once the anchor transaction is mined. Blocking.
 */
public final class AnchorStates {
  /** Anchor item kind codes (protocol's {@code AnchorItemKind}). */
  public static final short READING = 1;

  public static final short TRADE = 2;

  private final DSLContext dsl;

  public AnchorStates(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
  }

  /**
   * For each anchored item of {@code kind} among {@code refs} (settlement's {@code ItemRef} form),
   * {@code {"txid", "blockHeight", "state": "mined" | "pending"}}; refs not anchored are absent.
   */
  public Map<String, JsonObject> of(short kind, Collection<String> refs) {
    Map<String, JsonObject> out = new HashMap<>();
    if (refs.isEmpty()) {
      return out;
    }
    dsl.select(ANCHOR_LEAF.ITEM_REF, ANCHOR.TXID, ANCHOR.BLOCK_HEIGHT)
        .from(ANCHOR_LEAF)
        .join(ANCHOR)
        .on(ANCHOR.TXID.eq(ANCHOR_LEAF.ANCHOR_TXID))
        .where(ANCHOR_LEAF.ITEM_KIND.eq(kind), ANCHOR_LEAF.ITEM_REF.in(refs))
        .forEach(
            r ->
                out.put(
                    r.value1(),
                    new JsonObject()
                        .put("txid", r.value2())
                        .put("blockHeight", r.value3())
                        .put("state", r.value3() == null ? "pending" : "mined")));
    return out;
  }
}
