package io.peerwatt.trading.openadr;

import java.util.List;

/**
 * The query parameters of a list request; null or empty where absent. Filters are additive (AND),
 * as the document says.
 *
 * @param targets objects whose targets include any of these
 * @param objects subscriptions to any of these object types
 * @param active events that have not ended yet (true) or all (false, null)
 */
public record SearchFilter(
    String programId,
    String eventId,
    String clientName,
    String name,
    String venId,
    List<String> targets,
    List<String> objects,
    Boolean active,
    int skip,
    int limit) {

  /** The document's maximum page, and the page when none is asked for. */
  public static final int MAX_LIMIT = 50;
}
