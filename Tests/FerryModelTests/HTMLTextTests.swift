import FerryModel
import Testing

@Suite("HTMLText")
struct HTMLTextTests {
  @Test("tags dropped, head and style left out, blocks as lines, references decoded")
  func plain() {
    let html = """
      <html><head><meta charset="utf-8"><style>p { margin: 0 }</style><title>t</title></head>
      <body><div>Agenda &amp; notes&nbsp;</div><ul><li>Q1 &#8364;5</li><li>caf&#xE9; &lt;b&gt;</li></ul><p>a<br/>b</p></body></html>
      """
    #expect(HTMLText.plain(html) == "Agenda & notes\nQ1 €5\ncafé <b>\na\nb")
    #expect(HTMLText.plain("5 &unknown; 6 & 7") == "5 &unknown; 6 & 7")
  }

  @Test("plain HTML only wraps text in paragraphs; lists, links, tables and emphasis are not plain")
  func isPlain() {
    #expect(HTMLText.isPlain("<html><head><meta http-equiv=\"x\"></head><body><p class=\"MsoNormal\">Hi<o:p></o:p></p><div><br></div></body></html>"))
    #expect(HTMLText.isPlain("just text"))
    #expect(!HTMLText.isPlain("<p>see <a href=\"https://example.com\">here</a></p>"))
    #expect(!HTMLText.isPlain("<ul><li>one</li></ul>"))
    #expect(!HTMLText.isPlain("<p><b>bold</b></p>"))
    #expect(!HTMLText.isPlain("<table><tr><td>1</td></tr></table>"))
  }
}
