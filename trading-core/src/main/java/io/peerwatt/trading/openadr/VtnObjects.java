package io.peerwatt.trading.openadr;

import static io.peerwatt.db.schema.Tables.OPENADR_CLIENT;
import static io.peerwatt.db.schema.Tables.OPENADR_OBJECT;

import io.peerwatt.db.schema.tables.records.OpenadrObjectRecord;
import io.peerwatt.http.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * The VTN's objects ({@code openadr_object}): create, read, update, delete and search under the
 * document's privacy rules. BL clients see and write everything; a VEN sees programs and events
 * without targets or targeted at it (its venName, its vens' and resources' names and targets), and
 * only the reports, subscriptions, vens and resources whose clientID is its own. Every change
 * queues the notifications of the subscriptions it matches, in the same transaction. Blocking.
 */
public final class VtnObjects {
  /** What else happens when a business-logic client creates an event, in its transaction. */
  @FunctionalInterface
  public interface EventIntake {
    /** Nothing else. */
    EventIntake NONE = (tx, event, now) -> {};

    /** Called with the event as stored; an {@link ApiError} refuses the event. */
    void created(DSLContext tx, JsonObject event, Instant now);
  }

  private final DSLContext dsl;
  private final Clock clock;
  private final Notifications notifications;
  private final EventIntake intake;

  /**
   * @param notifications the subscription callbacks, woken after each change
   */
  public VtnObjects(DSLContext dsl, Clock clock, Notifications notifications) {
    this(dsl, clock, notifications, EventIntake.NONE);
  }

  private VtnObjects(DSLContext dsl, Clock clock, Notifications notifications, EventIntake intake) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.clock = clock;
    this.notifications = notifications;
    this.intake = intake;
  }

  /** The same objects, with {@code intake} told of every event a BL client creates. */
  public VtnObjects withIntake(EventIntake intake) {
    return new VtnObjects(dsl, clock, notifications, intake);
  }

  /** The subscription callbacks these objects queue. */
  public Notifications notifications() {
    return notifications;
  }

  /** The objects of {@code type} the caller may see that match {@code filter}, oldest first. */
  public JsonArray search(ObjectType type, VtnCaller caller, SearchFilter filter) {
    Condition where = OPENADR_OBJECT.OBJECT_TYPE.eq(type.name()).and(visibleTo(dsl, caller, type));
    if (filter.programId() != null) {
      where = where.and(OPENADR_OBJECT.PROGRAM_ID.eq(filter.programId()));
    }
    if (filter.eventId() != null) {
      where = where.and(OPENADR_OBJECT.EVENT_ID.eq(filter.eventId()));
    }
    if (filter.clientName() != null) {
      where = where.and(OPENADR_OBJECT.CLIENT_NAME.eq(filter.clientName()));
    }
    if (filter.name() != null) {
      where = where.and(OPENADR_OBJECT.NAME.eq(filter.name()));
    }
    if (filter.venId() != null) {
      where = where.and(OPENADR_OBJECT.VEN_ID.eq(filter.venId()));
    }
    if (filter.targets() != null && !filter.targets().isEmpty()) {
      where = where.and(overlaps(filter.targets()));
    }
    if (filter.objects() != null && !filter.objects().isEmpty()) {
      where =
          where.and(
              DSL.condition(
                  "exists (select 1 from jsonb_array_elements({0} -> 'objectOperations') op,"
                      + " jsonb_array_elements_text(op -> 'objects') o where o = any({1}::text[]))",
                  OPENADR_OBJECT.BODY, DSL.val(filter.objects().toArray(String[]::new))));
    }
    if (Boolean.TRUE.equals(filter.active())) {
      where =
          where.and(OPENADR_OBJECT.ENDS_AT.isNull().or(OPENADR_OBJECT.ENDS_AT.gt(clock.instant())));
    }
    JsonArray out = new JsonArray();
    dsl.select(OPENADR_OBJECT.BODY)
        .from(OPENADR_OBJECT)
        .where(where)
        .orderBy(OPENADR_OBJECT.SEQ)
        .offset(filter.skip())
        .limit(filter.limit())
        .fetch()
        .forEach(r -> out.add(new JsonObject(r.value1().data())));
    return out;
  }

  /** The object, or a 404 when there is none or the caller may not see it. */
  public JsonObject find(ObjectType type, String id, VtnCaller caller) {
    return new JsonObject(visible(dsl, type, id, caller).getBody().data());
  }

  /** Stores a new object from its request; answers it as stored. */
  public JsonObject create(ObjectType type, JsonObject request, VtnCaller caller) {
    JsonObject created =
        dsl.transactionResult(
            tx -> createIn(tx.dsl(), type, UUID.randomUUID().toString(), request, caller));
    notifications.wake();
    return created;
  }

  /** As {@link #create}, in the transaction {@code db}, with the id chosen by the caller. */
  public JsonObject createIn(
      DSLContext db, ObjectType type, String id, JsonObject request, VtnCaller caller) {
    Instant now = clock.instant();
    JsonObject object = VtnRequestShape.shape(db, type, request, caller, null);
    object.put("id", id).put("createdDateTime", now.toString());
    object.put("modificationDateTime", now.toString());
    OpenadrObjectRecord row = db.newRecord(OPENADR_OBJECT);
    row.setId(id);
    row.setCreatedAt(now);
    fill(db, row, type, object, now);
    insertOrConflict(row, type);
    if (type == ObjectType.EVENT && caller.businessLogic()) {
      intake.created(db, object, now);
    }
    Notifications.queue(db, type, "CREATE", object, now);
    return object;
  }

  /** The id of the program named {@code name}, created (without targets) when there is none. */
  public String programIdIn(DSLContext db, String name) {
    String id =
        db.select(OPENADR_OBJECT.ID)
            .from(OPENADR_OBJECT)
            .where(OPENADR_OBJECT.OBJECT_TYPE.eq(ObjectType.PROGRAM.name()))
            .and(OPENADR_OBJECT.NAME.eq(name))
            .fetchOne(OPENADR_OBJECT.ID);
    if (id != null) {
      return id;
    }
    return createIn(
            db,
            ObjectType.PROGRAM,
            UUID.randomUUID().toString(),
            new JsonObject().put("programName", name),
            new VtnCaller("platform", true, VtnCaller.BL_SCOPES, null))
        .getString("id");
  }

  /**
   * Registers the ven of a gateway's VEN client unless its venName is registered already: clientID
   * the client, targeted at the venName and the zone.
   */
  public void registerVen(String venName, String clientId, String zoneCode) {
    boolean known =
        dsl.fetchExists(
            OPENADR_OBJECT,
            OPENADR_OBJECT
                .OBJECT_TYPE
                .eq(ObjectType.VEN.name())
                .and(OPENADR_OBJECT.NAME.eq(venName)));
    if (!known) {
      JsonArray targets = new JsonArray().add(venName);
      if (zoneCode != null) {
        targets.add(zoneCode);
      }
      create(
          ObjectType.VEN,
          new JsonObject()
              .put("objectType", "BL_VEN_REQUEST")
              .put("clientID", clientId)
              .put("venName", venName)
              .put("targets", targets),
          new VtnCaller("platform", true, VtnCaller.BL_SCOPES, null));
    }
  }

  /** Replaces the object's content by {@code request}, keeping its id and creation time. */
  public JsonObject update(ObjectType type, String id, JsonObject request, VtnCaller caller) {
    return changeVisible(
        type,
        id,
        caller,
        (db, row, now) -> {
          JsonObject before = new JsonObject(row.getBody().data());
          JsonObject object = VtnRequestShape.shape(db, type, request, caller, before);
          object.put("id", id).put("createdDateTime", before.getString("createdDateTime"));
          object.put("modificationDateTime", now.toString());
          fill(db, row, type, object, now);
          try {
            row.update();
          } catch (DataAccessException e) {
            throw conflictOr(e, type, object);
          }
          Notifications.queue(db, type, "UPDATE", object, now);
          return object;
        });
  }

  /** Deletes the object (a ven with its resources); answers it as it was. */
  public JsonObject delete(ObjectType type, String id, VtnCaller caller) {
    return changeVisible(
        type,
        id,
        caller,
        (db, row, now) -> {
          if (type == ObjectType.VEN) {
            for (OpenadrObjectRecord resource :
                db.selectFrom(OPENADR_OBJECT)
                    .where(OPENADR_OBJECT.OBJECT_TYPE.eq(ObjectType.RESOURCE.name()))
                    .and(OPENADR_OBJECT.VEN_ID.eq(id))
                    .fetch()) {
              resource.delete();
              Notifications.queue(
                  db,
                  ObjectType.RESOURCE,
                  "DELETE",
                  new JsonObject(resource.getBody().data()),
                  now);
            }
          }
          row.delete();
          JsonObject object = new JsonObject(row.getBody().data());
          Notifications.queue(db, type, "DELETE", object, now);
          return object;
        });
  }

  /** A change to an object the caller may see, of one row at the transaction's time. */
  private interface RowChange {
    JsonObject apply(DSLContext db, OpenadrObjectRecord row, Instant now);
  }

  /**
   * Applies {@code change} in one transaction to the object {@code caller} may see, then wakes the
   * notification worker; answers what the change answers.
   */
  private JsonObject changeVisible(ObjectType type, String id, VtnCaller caller, RowChange change) {
    JsonObject changed =
        dsl.transactionResult(
            tx -> {
              DSLContext db = tx.dsl();
              return change.apply(db, visible(db, type, id, caller), clock.instant());
            });
    notifications.wake();
    return changed;
  }

  /** Copies what searches and privacy need from {@code object} into the row's columns. */
  private static void fill(
      DSLContext db, OpenadrObjectRecord row, ObjectType type, JsonObject object, Instant now) {
    row.setObjectType(type.name());
    row.setName(type.nameField() == null ? null : object.getString(type.nameField()));
    row.setClientId(object.getString("clientID"));
    row.setProgramId(Notifications.programOf(db, type, object));
    row.setEventId(type == ObjectType.REPORT ? object.getString("eventID") : null);
    row.setVenId(type == ObjectType.RESOURCE ? object.getString("venID") : null);
    row.setClientName(object.getString("clientName"));
    row.setTargets(strings(object.getJsonArray("targets")).toArray(String[]::new));
    row.setEndsAt(type == ObjectType.EVENT ? endOf(object) : null);
    row.setBody(JSONB.valueOf(object.encode()));
    row.setModifiedAt(now);
  }

  private void insertOrConflict(OpenadrObjectRecord row, ObjectType type) {
    try {
      row.insert();
    } catch (DataAccessException e) {
      throw conflictOr(e, type, new JsonObject(row.getBody().data()));
    }
  }

  /** 409 for a name already taken (programName, venName, resourceName of the ven). */
  private static RuntimeException conflictOr(
      DataAccessException e, ObjectType type, JsonObject object) {
    if ("23505".equals(e.sqlState()) && type.nameField() != null) {
      return ApiError.conflict(
          "CONFLICT",
          type.nameField()
              + " "
              + object.getString(type.nameField())
              + " is taken"
              + (type == ObjectType.RESOURCE ? " on this ven" : ""),
          type.nameField());
    }
    return e;
  }

  /** An event's end: its intervalPeriod's start plus one duration per interval, when both parse. */
  static Instant endOf(JsonObject event) {
    JsonObject period = event.getJsonObject("intervalPeriod");
    if (period == null || period.getString("start") == null) {
      return null;
    }
    try {
      Instant start = OffsetDateTime.parse(period.getString("start")).toInstant();
      Duration each = Duration.parse(period.getString("duration", "PT0S"));
      JsonArray intervals = event.getJsonArray("intervals");
      int count = intervals == null ? 1 : Math.max(1, intervals.size());
      return start.plus(each.multipliedBy(count));
    } catch (DateTimeParseException | ArithmeticException e) {
      return null;
    }
  }

  static OpenadrObjectRecord visible(DSLContext db, ObjectType type, String id, VtnCaller caller) {
    OpenadrObjectRecord row =
        db.selectFrom(OPENADR_OBJECT)
            .where(OPENADR_OBJECT.ID.eq(id))
            .and(OPENADR_OBJECT.OBJECT_TYPE.eq(type.name()))
            .and(visibleTo(db, caller, type))
            .fetchOne();
    if (row == null) {
      throw new ApiError(404, "NOT_FOUND", "there is no " + type.word() + " " + id, null);
    }
    return row;
  }

  static boolean exists(DSLContext db, ObjectType type, String id, VtnCaller caller) {
    return id != null
        && db.fetchExists(
            OPENADR_OBJECT,
            OPENADR_OBJECT
                .ID
                .eq(id)
                .and(OPENADR_OBJECT.OBJECT_TYPE.eq(type.name()))
                .and(visibleTo(db, caller, type)));
  }

  /** The privacy rule as a condition on {@code openadr_object}. */
  static Condition visibleTo(DSLContext db, VtnCaller caller, ObjectType type) {
    if (caller.businessLogic()) {
      return DSL.trueCondition();
    }
    if (type.visibleByTargets()) {
      return DSL.condition("cardinality({0}) = 0", OPENADR_OBJECT.TARGETS)
          .or(overlaps(grantedTargets(db, caller.clientId(), caller.venName())));
    }
    return OPENADR_OBJECT.CLIENT_ID.eq(caller.clientId());
  }

  /**
   * The targets a VEN client is granted: its venName, and the names and targets of the vens and
   * resources whose clientID is its own.
   */
  static Set<String> grantedTargets(DSLContext db, String clientId, String venName) {
    Set<String> granted = new LinkedHashSet<>();
    if (venName != null) {
      granted.add(venName);
    }
    db.select(OPENADR_OBJECT.OBJECT_TYPE, OPENADR_OBJECT.NAME, OPENADR_OBJECT.TARGETS)
        .from(OPENADR_OBJECT)
        .where(OPENADR_OBJECT.CLIENT_ID.eq(clientId))
        .and(OPENADR_OBJECT.OBJECT_TYPE.in(ObjectType.VEN.name(), ObjectType.RESOURCE.name()))
        .fetch()
        .forEach(
            r -> {
              if (ObjectType.VEN.name().equals(r.value1())) {
                granted.add(r.value2());
              }
              granted.addAll(List.of(r.value3()));
            });
    return granted;
  }

  /** Whether the client is a VEN, and its venName: how notifications apply the privacy rule. */
  static VtnCaller subscriber(DSLContext db, String clientId) {
    var client =
        db.select(OPENADR_CLIENT.KIND, OPENADR_CLIENT.VEN_NAME)
            .from(OPENADR_CLIENT)
            .where(OPENADR_CLIENT.CLIENT_ID.eq(clientId))
            .fetchOne();
    boolean ven = client != null && "VEN".equals(client.value1());
    return new VtnCaller(clientId, !ven, Set.of(), ven ? client.value2() : null);
  }

  static Condition overlaps(java.util.Collection<String> targets) {
    return DSL.condition(
        "{0} && {1}::text[]", OPENADR_OBJECT.TARGETS, DSL.val(targets.toArray(String[]::new)));
  }

  static List<String> strings(JsonArray array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      array.forEach(v -> out.add(String.valueOf(v)));
    }
    return out;
  }

  /** A copy without null members: the VTN never answers a null (absent means absent). */
  static JsonObject withoutNulls(JsonObject o) {
    JsonObject out = new JsonObject();
    for (Map.Entry<String, Object> e : o) {
      Object v = stripNulls(e.getValue());
      if (v != null) {
        out.put(e.getKey(), v);
      }
    }
    return out;
  }

  private static Object stripNulls(Object v) {
    if (v instanceof JsonObject o) {
      return withoutNulls(o);
    }
    if (v instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(x -> out.add(stripNulls(x)));
      return out;
    }
    return v;
  }
}
