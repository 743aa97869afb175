package io.peerwatt.webui;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * A plain A4 document of headings, paragraphs and tables (Apache PDFBox, the standard Helvetica
 * fonts, nothing embedded), for the monthly statement and the zone report. Text is written in
 * reading order, so what a PDF reader extracts is what the page shows.
 */
final class PdfWriter implements AutoCloseable {
  private static final float MARGIN = 50;
  private static final float LEADING = 14;
  private static final PDType1Font REGULAR = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
  private static final PDType1Font BOLD = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);

  private final PDDocument doc = new PDDocument();
  private PDPageContentStream out;
  private float y;

  PdfWriter(String title) {
    doc.getDocumentInformation().setTitle(title);
    doc.getDocumentInformation().setCreator("PeerWatt");
    newPage();
  }

  private void newPage() {
    try {
      if (out != null) {
        out.close();
      }
      PDPage page = new PDPage(PDRectangle.A4);
      doc.addPage(page);
      out = new PDPageContentStream(doc, page);
      y = page.getMediaBox().getHeight() - MARGIN;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void room(float needed) {
    if (y - needed < MARGIN) {
      newPage();
    }
  }

  private void text(PDType1Font font, float size, float x, String text) {
    try {
      out.beginText();
      out.setFont(font, size);
      out.newLineAtOffset(x, y);
      out.showText(text);
      out.endText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static float width(PDType1Font font, float size, String text) {
    try {
      return font.getStringWidth(text) / 1000 * size;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  PdfWriter heading(String text) {
    room(3 * LEADING);
    y -= LEADING / 2;
    text(BOLD, 14, MARGIN, text);
    y -= LEADING * 1.5f;
    return this;
  }

  /** A paragraph, wrapped at the page width. */
  PdfWriter paragraph(String text) {
    float max = PDRectangle.A4.getWidth() - 2 * MARGIN;
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      String tried = line.isEmpty() ? word : line + " " + word;
      if (width(REGULAR, 10, tried) > max && !line.isEmpty()) {
        room(LEADING);
        text(REGULAR, 10, MARGIN, line.toString());
        y -= LEADING;
        line = new StringBuilder(word);
      } else {
        line = new StringBuilder(tried);
      }
    }
    if (!line.isEmpty()) {
      room(LEADING);
      text(REGULAR, 10, MARGIN, line.toString());
      y -= LEADING;
    }
    y -= LEADING / 3;
    return this;
  }

  /**
   * A table: the header in bold, then the rows; every column but the first is right-aligned
   * (figures), the widths are fractions of the page width.
   */
  PdfWriter table(float[] widths, List<String> header, List<List<String>> rows) {
    float total = PDRectangle.A4.getWidth() - 2 * MARGIN;
    room(2 * LEADING);
    row(widths, total, header, BOLD);
    for (List<String> r : rows) {
      room(LEADING);
      row(widths, total, r, REGULAR);
    }
    y -= LEADING / 2;
    return this;
  }

  private void row(float[] widths, float total, List<String> cells, PDType1Font font) {
    float x = MARGIN;
    for (int i = 0; i < cells.size(); i++) {
      float w = widths[i] * total;
      String cell = cells.get(i);
      float at = i == 0 ? x : x + w - width(font, 9, cell) - 4;
      text(font, 9, at, cell);
      x += w;
    }
    y -= LEADING;
  }

  byte[] bytes() {
    try {
      out.close();
      out = null;
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      doc.save(bytes);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      if (out != null) {
        out.close();
      }
      doc.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
