/**
 * Byte and text encodings beneath every format: a bounds-checked byte reader and writer, strict
 * hex, and the module's own minimal JSON (RFC 8259) reader and writer.
 */
package io.peerwatt.protocol.encoding;
