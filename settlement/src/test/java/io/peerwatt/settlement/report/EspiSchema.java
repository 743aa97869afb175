package io.peerwatt.settlement.report;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.transform.Source;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.w3c.dom.ls.LSInput;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The Green Button schemas (NAESB ESPI 4.0 and the Green Button Alliance's Atom schema, copies in
 * {@code src/test/resources/espi} with their SOURCE.md) for tests: {@link #errors} validates a feed
 * with no network access (Atom's import of the W3C {@code xml.xsd} is answered from the class
 * path).
 */
public final class EspiSchema {
  private static final Schema SCHEMA = load();

  private EspiSchema() {}

  /** Every validation error in {@code xml}, as "line:column message"; empty when it is valid. */
  public static List<String> errors(byte[] xml) {
    List<String> errors = new ArrayList<>();
    try {
      Validator v = SCHEMA.newValidator();
      v.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      v.setErrorHandler(
          new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {}

            @Override
            public void error(SAXParseException e) {
              errors.add(e.getLineNumber() + ":" + e.getColumnNumber() + " " + e.getMessage());
            }

            @Override
            public void fatalError(SAXParseException e) {
              errors.add(
                  "fatal " + e.getLineNumber() + ":" + e.getColumnNumber() + " " + e.getMessage());
            }
          });
      v.validate(new StreamSource(new ByteArrayInputStream(xml)));
    } catch (SAXException e) {
      if (errors.isEmpty()) {
        errors.add(e.getMessage());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return errors;
  }

  private static Schema load() {
    SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
    f.setResourceResolver(
        (type, ns, publicId, systemId, baseUri) -> {
          String local =
              systemId == null
                  ? null
                  : systemId.endsWith("/xml.xsd")
                      ? "/espi/xml.xsd"
                      : systemId.endsWith("atom.xsd") ? "/espi/atom.xsd" : null;
          return local == null ? null : new ClassPathInput(local, systemId);
        });
    try {
      f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "file,jar:file");
      URL atom = EspiSchema.class.getResource("/espi/atom.xsd");
      URL espi = EspiSchema.class.getResource("/espi/espi.xsd");
      return f.newSchema(
          new Source[] {
            new StreamSource(atom.toExternalForm()), new StreamSource(espi.toExternalForm())
          });
    } catch (SAXException e) {
      throw new IllegalStateException("the ESPI schemas do not load", e);
    }
  }

  /** A schema read from the class path. */
  private record ClassPathInput(String path, String systemId) implements LSInput {
    @Override
    public Reader getCharacterStream() {
      return null;
    }

    @Override
    public void setCharacterStream(Reader r) {}

    @Override
    public InputStream getByteStream() {
      return EspiSchema.class.getResourceAsStream(path);
    }

    @Override
    public void setByteStream(InputStream s) {}

    @Override
    public String getStringData() {
      return null;
    }

    @Override
    public void setStringData(String s) {}

    @Override
    public String getSystemId() {
      return systemId;
    }

    @Override
    public void setSystemId(String s) {}

    @Override
    public String getPublicId() {
      return null;
    }

    @Override
    public void setPublicId(String s) {}

    @Override
    public String getBaseURI() {
      return null;
    }

    @Override
    public void setBaseURI(String s) {}

    @Override
    public String getEncoding() {
      return null;
    }

    @Override
    public void setEncoding(String s) {}

    @Override
    public boolean getCertifiedText() {
      return false;
    }

    @Override
    public void setCertifiedText(boolean b) {}
  }
}
