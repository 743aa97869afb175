package io.peerwatt.trading;

import io.peerwatt.db.AnchoredItems;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jooq.DSLContext;

/**
 * Whether items are anchored yet ({@link AnchoredItems}), as the market's answers show it, so they
 * can say which proofs are ready. Blocking.
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
    AnchoredItems.of(dsl, kind, refs).forEach((ref, a) -> out.put(ref, new JsonObject(a.fields())));
    return out;
  }
}
