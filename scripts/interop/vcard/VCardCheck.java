// Reads vCard files with ez-vcard (Debian libez-vcard-java) and prints, per card, one JSON
// line with the parse warnings and the FN, N, EMAIL, TEL and ADR values ez-vcard sees.
// Used by check.py (make interop-vcard); compiled into out/ at test time.
import ezvcard.VCard;
import ezvcard.io.ParseWarning;
import ezvcard.io.text.VCardReader;
import ezvcard.property.Address;
import ezvcard.property.Email;
import ezvcard.property.StructuredName;
import ezvcard.property.Telephone;
import java.io.File;
import java.util.ArrayList;
import java.util.List;

public class VCardCheck {
  public static void main(String[] args) throws Exception {
    StringBuilder out = new StringBuilder();
    for (String path : args) {
      try (VCardReader reader = new VCardReader(new File(path))) {
        VCard card;
        int index = 0;
        while ((card = reader.readNext()) != null) {
          List<String> warnings = new ArrayList<>();
          for (ParseWarning w : reader.getWarnings()) warnings.add(w.toString());
          out.append("{\"file\":").append(q(path)).append(",\"card\":").append(index++);
          out.append(",\"version\":").append(q(card.getVersion() == null ? null : card.getVersion().getVersion()));
          out.append(",\"warnings\":").append(list(warnings));
          out.append(",\"fn\":").append(q(card.getFormattedName() == null ? null : card.getFormattedName().getValue()));
          StructuredName n = card.getStructuredName();
          List<String> name = new ArrayList<>();
          if (n != null) {
            name.add(n.getFamily());
            name.add(n.getGiven());
            name.add(String.join(",", n.getAdditionalNames()));
            name.add(String.join(",", n.getPrefixes()));
            name.add(String.join(",", n.getSuffixes()));
          }
          out.append(",\"n\":").append(list(name));
          List<String> emails = new ArrayList<>();
          for (Email e : card.getEmails()) emails.add(e.getValue());
          out.append(",\"emails\":").append(list(emails));
          List<String> tels = new ArrayList<>();
          for (Telephone t : card.getTelephoneNumbers()) {
            tels.add(t.getText() != null ? t.getText() : t.getUri() == null ? null : t.getUri().getNumber());
          }
          out.append(",\"tels\":").append(list(tels));
          out.append(",\"adrs\":[");
          boolean first = true;
          for (Address a : card.getAddresses()) {
            if (!first) out.append(",");
            first = false;
            List<String> parts = new ArrayList<>();
            parts.add(String.join(",", a.getPoBoxes()));
            parts.add(String.join(",", a.getExtendedAddresses()));
            parts.add(String.join(",", a.getStreetAddresses()));
            parts.add(String.join(",", a.getLocalities()));
            parts.add(String.join(",", a.getRegions()));
            parts.add(String.join(",", a.getPostalCodes()));
            parts.add(String.join(",", a.getCountries()));
            out.append(list(parts));
          }
          out.append("]}\n");
        }
      } catch (Exception e) {
        out.append("{\"file\":").append(q(path)).append(",\"error\":").append(q(e.toString())).append("}\n");
      }
    }
    System.out.print(out);
  }

  static String list(List<String> values) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) b.append(",");
      b.append(q(values.get(i)));
    }
    return b.append("]").toString();
  }

  static String q(String s) {
    if (s == null) return "null";
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\n': b.append("\\n"); break;
        case '\r': b.append("\\r"); break;
        case '\t': b.append("\\t"); break;
        default:
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
      }
    }
    return b.append("\"").toString();
  }
}
